"""Tests: SQLite in memory by default; DATABASE_URL points the same suite at PostgreSQL."""

import os

from .base import *  # noqa: F403
from .base import database_from_env

SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
DATABASES = {"default": database_from_env(os.environ.get("DATABASE_URL", "sqlite://:memory:"))}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Static files come straight from the apps; no collectstatic outside production.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Background tasks run at once, inside the test; a worker started by a test (a process of
# its own on the test database) takes them from the database queue instead.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "RENTAN_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# django-axes stays on (the lockout is tested), but the test client's login() authenticates
# without a request, which axes refuses; that one path skips the lockout check.
AUTHENTICATION_BACKENDS = [
    "rentan.testing.auth.RequestlessLoginBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# The home page counts its figures on every visit here: each test sees its own rows.
RENTAN_HOME_FIGURES_SECONDS = 0

# The API's rate per token, counted in the test process's memory, not in files under var/.
RENTAN_API_CACHE = "default"
RENTAN_KEPT_SECONDS = 0
