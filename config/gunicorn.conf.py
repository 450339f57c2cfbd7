"""gunicorn, Rentan's production application server: `gunicorn -c config/gunicorn.conf.py`
(deploy/rentan-web.service). Everything an operator changes comes from the environment.

Connection budget. Each thread keeps at most one PostgreSQL connection open between requests
(CONN_MAX_AGE in config.settings.prod), so the web server holds at most
workers x threads connections; gthread workers have a fixed number of threads, unlike the
development server's thread per request. The rule:

    RENTAN_WEB_WORKERS x RENTAN_WEB_THREADS  <=  RENTAN_WEB_DB_CONNECTIONS
    RENTAN_WEB_DB_CONNECTIONS + 2 (each `rentan db_worker`: its queue and its cleanup)
        + 5 (psql, backup, migrate, a second worker during an upgrade)
        <=  max_connections of PostgreSQL (100 by default) - superuser_reserved_connections (3)

The server refuses to start above its budget rather than fail requests under load with
"too many clients". The defaults (2 x 4 = 8 of 20) leave room on Debian's default cluster.
"""

import os
import sys

wsgi_app = "config.wsgi:application"
bind = [os.environ.get("RENTAN_BIND", "127.0.0.1:8000")]

worker_class = "gthread"
workers = int(os.environ.get("RENTAN_WEB_WORKERS", "2"))
threads = int(os.environ.get("RENTAN_WEB_THREADS", "4"))
connection_budget = int(os.environ.get("RENTAN_WEB_DB_CONNECTIONS", "20"))
if workers * threads > connection_budget:
    sys.exit(
        f"RENTAN_WEB_WORKERS x RENTAN_WEB_THREADS = {workers * threads} melebihi "
        f"RENTAN_WEB_DB_CONNECTIONS = {connection_budget} (koneksi basis data)."
    )

# A small file is checked and a batch of up to 5,000 rows committed within the request;
# larger work goes to the worker. The proxy buffers uploads, so a slow line does not count.
timeout = int(os.environ.get("RENTAN_WEB_TIMEOUT", "120"))
graceful_timeout = 30
# Workers are replaced now and then, so memory a large page took is given back.
max_requests = 2000
max_requests_jitter = 200
# systemd starts, reloads (HUP) and stops the server; gunicorn's control socket would sit at
# one fixed path per user, shared by every instance.
control_socket_disable = True
# X-Forwarded-Proto is believed only from the reverse proxy on this host.
forwarded_allow_ips = os.environ.get("RENTAN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs: JSON lines on standard output (journald keeps them), the access log included; the
# access log leaves out query strings (rentan.core.json_logs.AccessFormatter).
accesslog = "-"
errorlog = "-"
access_log_format = "%(m)s %(U)s %(s)s"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "rentan.core.json_logs.formatter"},
        "access": {"()": "rentan.core.json_logs.access_formatter"},
    },
    "handlers": {
        "json": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        },
        "access": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "access",
        },
    },
    "root": {"level": "INFO", "handlers": ["json"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
    },
}
