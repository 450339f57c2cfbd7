"""gunicorn, Rentan's production application server: `gunicorn -c config/gunicorn.conf.py`
(deploy/rentan-web.service). Everything an operator changes comes from the environment.

Workers. By default each worker process handles one request at a time (gunicorn's `sync`
worker) and takes the next from the queue of waiting connections as soon as it is free, so
under load requests are served in the order they came and a request waits only for the
ones before it. Threads inside one process (`gthread`, RENTAN_WEB_THREADS above 1) share
Python's one interpreter lock and keep each client's connection on the process that took it
first: a busy process then holds its own queue while another idles, and the slowest answers
take two or three times the usual time. Slow clients cost a sync worker nothing: nginx
(deploy/nginx-rentan.conf) receives a whole upload and takes a whole answer before passing
it on, and long work (imports, exports, letters) runs in `rentan db_worker`.

The default is one worker per core (at least two), not gunicorn's starting advice of two per
core plus one: with PostgreSQL on the same server a request never waits with its core idle
(a worker waiting for its query hands the core to PostgreSQL), so more workers only take
turns on the same cores. Measured on a two-core server with 1,000,000 persons and 20 clients
(`make bench`, load): 2 workers answered 1.1 to 1.6 times the requests per second of 5, with
a lower p95 on every page but one bound by PostgreSQL alone. With PostgreSQL on another
machine a worker does wait on the network: there, set RENTAN_WEB_WORKERS to 2 x cores + 1.

Connection budget. Each worker (each thread, with threads) keeps at most one PostgreSQL
connection open between requests (CONN_MAX_AGE in config.settings.prod), so the web server
holds at most workers x threads connections. The rule:

    RENTAN_WEB_WORKERS x RENTAN_WEB_THREADS  <=  RENTAN_WEB_DB_CONNECTIONS
    RENTAN_WEB_DB_CONNECTIONS + 2 (each `rentan db_worker`: its queue and its cleanup)
        + 5 (psql, backup, migrate, a second worker during an upgrade)
        <=  max_connections of PostgreSQL (100 by default) - superuser_reserved_connections (3)

The server refuses to start above its budget rather than fail requests under load with
"too many clients". The defaults (2 x 1 on two cores, at most 20) leave room on Debian's
default cluster.
"""

import gc
import os
import sys

wsgi_app = "config.wsgi:application"
bind = [os.environ.get("RENTAN_BIND", "127.0.0.1:8000")]

threads = int(os.environ.get("RENTAN_WEB_THREADS", "1"))
worker_class = "sync" if threads == 1 else "gthread"
connection_budget = int(os.environ.get("RENTAN_WEB_DB_CONNECTIONS", "20"))
# Unset: one per core, at least two, within the connection budget on a large machine.
workers = int(
    os.environ.get("RENTAN_WEB_WORKERS")
    or min(max(os.cpu_count() or 1, 2), connection_budget // threads)
)
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
# Rentan is loaded once, before the workers are forked: a replaced worker starts serving at
# once instead of importing everything again while the others carry its share, and the
# workers share the loaded code's memory. A new release therefore needs a restart of the
# service (docs/operations.md does so), not a reload.
preload_app = True


def pre_fork(server: object, worker: object) -> None:
    """No database connection the loading may have opened is inherited by a worker: two
    processes on one connection would mix their answers. And what the loading made (Django,
    Rentan, their hundreds of thousands of objects) is put out of the cyclic garbage
    collector's way, as Python's manual advises before a fork (`gc.freeze`): a worker's full
    collection then walks only what it made itself instead of stalling one answer for a
    fraction of a second, and leaves the memory it shares with the master unwritten."""
    from django.db import connections

    connections.close_all()
    gc.freeze()


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
