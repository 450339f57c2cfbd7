"""Production: refuses to start without its own secret key, database and hosts."""

import os

from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from .base import *  # noqa: F403
from .base import database_from_env, env_flag


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"Setel variabel lingkungan {name} untuk produksi.")
    return value


SECRET_KEY = _required("SECRET_KEY")
ALLOWED_HOSTS = _required("ALLOWED_HOSTS").split(",")
DATABASES = {"default": database_from_env(_required("DATABASE_URL"))}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # Each server process (thread) keeps its connection for a minute instead of opening one
    # per request (a PostgreSQL connection costs a process fork), checked before reuse so a
    # database restart costs no failed request. gunicorn's workers are few and fixed, so
    # connections stay within config/gunicorn.conf.py's budget. A psycopg pool would share
    # connections between the threads of one process, but each worker takes one request at
    # a time: the pool would add a package and nothing else.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("RENTAN_CONN_MAX_AGE", "60"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True

# HTTPS only: browsers remember it for a year (HSTS); plain HTTP is redirected.
SECURE_HSTS_SECONDS = int(os.environ.get("RENTAN_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("RENTAN_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading binds the whole registered domain (a city's go.id domain, not just Rentan's host)
# into the browsers' own lists, a decision for the domain's owner: off unless asked for, and
# Django's reminder about it silenced while off.
SECURE_HSTS_PRELOAD = env_flag("RENTAN_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# A proxy that redirects to HTTPS itself may turn this off (check --deploy then says so).
SECURE_SSL_REDIRECT = env_flag("RENTAN_SSL_REDIRECT", True)
# The health check answers over plain HTTP too, for a monitor on the server itself that asks
# gunicorn directly; it holds no personal data and sets no cookie.
SECURE_REDIRECT_EXEMPT = [r"^sehat/$"]
# Behind a reverse proxy that ends TLS, requests arrive as plain HTTP; the proxy's
# X-Forwarded-Proto tells Django they were HTTPS. Only for a proxy that always sets it.
if env_flag("RENTAN_TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Source maps are fetched only by a developer's browser tools: not worth compressing (most of
# collectstatic's time went into the API documentation's maps).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# Logs as JSON lines on standard output (journald, a log collector); gunicorn's own and its
# access log are set in config/gunicorn.conf.py in the same form.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "rentan.core.json_logs.formatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("RENTAN_LOG_LEVEL", "INFO")},
}
