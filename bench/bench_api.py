"""The HTTP API's person list and search with a province in the registry: 1,000,000
persons on PostgreSQL, the production server (gunicorn, config.settings.prod) and 20
clients on loopback, each with a personal API token (rate limit raised out of the way, its
count still kept in the shared file cache, in memory as the service keeps it). The registry,
the server and the clients are bench_load's; per request: p50/p95/p99 and requests per
second, next to the floor of a request with no work (a static file through the same server).

RENTAN_BENCH_LOAD_PERSONS and RENTAN_BENCH_LOAD_REQUESTS override the sizes (for a quick try).
"""

import atexit
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.core import signing
from django.db import connection

from bench.bench_load import (
    CLIENTS,
    PERSONS,
    REQUESTS_PER_PAGE,
    SECONDS_PER_PAGE,
    THREADS,
    WORKERS,
    Client,
    _admin,
    _copy_persons,
    _deep_cursor,
    collect_static,
    report_latencies,
    serving,
)
from bench.harness import Report
from rentan.testing.processes import (
    free_port,
    production_env,
)

DATABASES = ("postgresql",)
PAGE = 25


class TokenClient(Client):
    """bench_load's client on its kept-alive connection, sending a personal API token with
    every request instead of signing in."""

    def __init__(self, port: int, token: str) -> None:
        super().__init__(port)
        send = self.connection.request

        def request(method: str, url: str, body: Any = None, headers: Any = None) -> None:
            send(method, url, body, {**(headers or {}), "Authorization": f"Bearer {token}"})

        self.connection.request = request  # type: ignore[method-assign,assignment]


def _memory_folder() -> str:
    """A folder in memory (tmpfs), removed when the bench ends."""
    folder = tempfile.mkdtemp(prefix="rentan-run-", dir="/dev/shm")
    atexit.register(shutil.rmtree, folder, True)
    return folder


def _query(**params: object) -> str:
    return "/api/v1/persons?" + urlencode({"limit": PAGE, **params})


def run(db: str, report: Report, workdir: Path) -> None:
    from rentan.accounts.models import User
    from rentan.api import services as token_services
    from rentan.api.paging import SALT
    from rentan.registry.models import Person

    started = time.perf_counter()
    _copy_persons()
    admin = User.objects.get(username=_admin())
    tokens = [
        token_services.create_api_token(actor=admin, user=admin, name=f"beban {n}", days=1).text
        for n in range(CLIENTS)
    ]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    report.value(
        f"setup: {PERSONS:,} persons (COPY), {CLIENTS} tokens, VACUUM ANALYZE",
        f"{time.perf_counter() - started:8.2f} s",
    )
    deep = _deep_cursor(order="id")  # the API lists persons by record number
    nik = Person.objects.filter(is_active=True).values_list("nik", flat=True)[PERSONS // 2]
    detail_ids = list(
        Person.objects.filter(is_active=True).values_list("id", flat=True)[
            : PERSONS : max(PERSONS // 500, 1)
        ]
    )

    port = free_port()
    env = production_env(var_dir=workdir / "var", port=port, workers=WORKERS, threads=THREADS)
    env["RENTAN_API_RATE"] = "1000000/min"
    # The request counts in memory, as the service keeps them in /run/rentan (deploy/).
    env["RENTAN_RUN_DIR"] = _memory_folder()
    # The cursor of the page after row 125,000, signed as the server signs its cursors.
    deep_cursor = signing.dumps(deep, key=env["SECRET_KEY"], salt=SALT)
    stylesheet = collect_static(env, workdir)
    log = workdir / "gunicorn.log"
    with serving(env, port, log):
        clients: list[Client] = [TokenClient(port, token) for token in tokens]
        status, body = clients[0].request("GET", _query())
        assert status == 200, (status, body[:500], log.read_text()[-3000:])
        assert len(json.loads(body)["items"]) == min(PAGE, PERSONS)
        report.value(
            "server",
            f"gunicorn {WORKERS} workers x {THREADS} threads, {CLIENTS} clients with a token "
            f"each, {REQUESTS_PER_PAGE} requests a call (at most {SECONDS_PER_PAGE:g} s)",
        )
        calls: list[tuple[str, Callable[[int], str]]] = [
            ("floor: static file (no work)", lambda n: f"/static/rentan/{stylesheet}"),
            ("GET /api/v1/persons (first page)", lambda n: _query()),
            ("persons after row 125,000 (cursor)", lambda n: _query(cursor=deep_cursor)),
            ("name search q=siti", lambda n: _query(q="siti")),
            ("name search q=wahyu lestari", lambda n: _query(q="wahyu lestari")),
            ("NIK prefix search q=3375000", lambda n: _query(q="3375000")),
            ("NIK full search", lambda n: _query(q=nik)),
            ("kelurahan filter", lambda n: _query(kelurahan="33.75.01.1002")),
            (
                "person detail (a recorded read)",
                lambda n: f"/api/v1/persons/{detail_ids[n % len(detail_ids)]}",
            ),
        ]
        report_latencies(report, clients, calls, all_must_answer=True)
