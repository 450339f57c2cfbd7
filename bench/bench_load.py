"""The pages a Dinas uses all day with a province in the registry: 1,000,000 persons on
PostgreSQL, the production server (gunicorn, config.settings.prod) and 20 clients on
loopback, each signed in through the login form. Per page: p50/p95/p99 and requests per
second, next to the floor of a request with no work (a static file through the same server).
The goal's verdict is on clients that ask again the moment they have their answer; then the
same clients pause after each answer as a person reading the page would (a second on
average), which shows what the users of a busy office wait.

Then, on a server of one worker, each page's CPU per request (bench/page_cpu.py), which
does not depend on how busy the machine is.

RENTAN_BENCH_LOAD_PERSONS and RENTAN_BENCH_LOAD_REQUESTS override the sizes (for a quick try).
"""

import http.client
import os
import random
import re
import runpy
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.db import connection

from bench.bench_import import _FAMILY, _GIVEN, _STREETS
from bench.harness import Report
from bench.page_cpu import report_cpu_per_request
from bench.population import approve_memberships
from bench.registry_copy import copy_registry
from rentan.testing.processes import (
    free_port,
    gunicorn_command,
    manage_command,
    production_env,
    running,
    wait_for,
)

DATABASES = ("postgresql",)
PERSONS = int(os.environ.get("RENTAN_BENCH_LOAD_PERSONS", "1000000"))
CLIENTS = 20
# Each page: this many requests shared by the clients, or until the time is up.
REQUESTS_PER_PAGE = int(os.environ.get("RENTAN_BENCH_LOAD_REQUESTS", "400"))
SECONDS_PER_PAGE = 60.0
# Then the same 20 clients as people at work: each reads its page a while before the next
# click (on average THINK_SECONDS, drawn at random), fewer requests a page.
THINK_SECONDS = 1.0
THINK_REQUESTS_PER_PAGE = int(os.environ.get("RENTAN_BENCH_LOAD_THINK_REQUESTS", "200"))
GOAL_MS = 150.0
PLACEMENTS = 2_000
DUPLICATE_PAIRS = 300
PASSWORD = "Kata-sandi-beban-2026"
# The production server as config/gunicorn.conf.py sets it up on this machine (a worker per
# core unless RENTAN_WEB_WORKERS says otherwise), each worker one request at a time.
GUNICORN_CONFIG = Path(__file__).resolve().parents[1] / "config" / "gunicorn.conf.py"
WORKERS, THREADS = runpy.run_path(str(GUNICORN_CONFIG))["workers"], 1


def _copy_persons() -> None:
    """Persons with the names a kelurahan types, straight into PostgreSQL with COPY."""
    from rentan.regions.models import Area
    from rentan.registry.models import Occupation

    rng = random.Random(11)
    kelurahan = list(Area.objects.villages_of("33.75").values_list("code", flat=True))
    occupations = list(Occupation.objects.values_list("id", flat=True))
    stamp = datetime(2022, 6, 1, 3, 0, tzinfo=datetime.now().astimezone().tzinfo).isoformat()
    first_day = date(1950, 1, 1).toordinal()

    def person_line(i: int, households: int) -> str:
        bits = rng.getrandbits(64)
        born = date.fromordinal(first_day + bits % 20_000)
        given = rng.choice(_GIVEN)
        if bits % 5 < 3:
            given = f"{given} {rng.choice(_GIVEN)}"
        name = f"{given} {rng.choice(_FAMILY)}"
        return (
            f"{i}\t33750{i:011d}\t{1 + bits % households}\t{name}\tPekalongan\t"
            f"{born}\t{'L' if (bits >> 3) % 100 < 58 else 'P'}\t"
            f"Jl. {_STREETS[(bits >> 9) % len(_STREETS)]}\t001\t002\t"
            f"{kelurahan[(bits >> 14) % len(kelurahan)]}\t\t"
            f"{occupations[(bits >> 20) % len(occupations)]}\t"
            f"{300_000 + (bits >> 25) % 70 * 50_000}\t{(bits >> 32) % 6}\t"
            f"{'t' if (bits >> 35) % 100 < 3 else 'f'}\t\tpublic_task\tdemo\tbench\t"
            f"{stamp if (bits >> 42) % 10 < 8 else chr(92) + 'N'}\t"
            f"{'t' if (bits >> 46) % 100 < 98 else 'f'}\t\t{stamp}\t{stamp}\n"
        )

    copy_registry(PERSONS, person_line)


def _programme_with_members() -> tuple[str, int]:
    """A programme whose cycle has placements and memberships, as after an allocation."""
    from bench.bench_allocation import _programme_and_cycle
    from rentan.programmes.models import Placement
    from rentan.registry.models import Person

    cycle = _programme_and_cycle(2024, PLACEMENTS)
    # Spread over the whole registry, as a city's members are among a province's persons:
    # their rows lie far apart in the table and its indexes, not side by side at its start.
    step = max(PERSONS // (PLACEMENTS + PLACEMENTS // 10), 1)
    persons = list(
        Person.objects.filter(is_active=True, id__in=range(1, PERSONS + 1, step))
        .order_by("id")
        .values_list("id", "kelurahan_id")[:PLACEMENTS]
    )
    Placement.objects.bulk_create(
        Placement(
            cycle=cycle, person_id=pk, kind="new", rank=n + 1, score=0, kelurahan_id=kelurahan
        )
        for n, (pk, kelurahan) in enumerate(persons)
    )
    approve_memberships(cycle)
    cycle.status = "approved"
    cycle.save(update_fields=["status"])
    return cycle.programme.code, cycle.year


def _duplicate_pairs() -> None:
    from rentan.registry.models import DuplicatePair

    DuplicatePair.objects.bulk_create(
        DuplicatePair(
            left_id=i,
            right_id=i + 1,
            score=0.8 + (i % 20) / 100,
            reasons=["nik_one_digit", "similar_name"],
        )
        # Spread over the registry, like the members.
        for i in range(101, PERSONS - 1, max((PERSONS - 102) // DUPLICATE_PAIRS, 1))[
            :DUPLICATE_PAIRS
        ]
    )


def _admin() -> str:
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from rentan.accounts.models import Role, User

    # Production keeps Django's default hasher; few rounds, so that 20 logins do not count.
    user = User.objects.create_user(username="admin-beban", role=Role.ADMIN, first_name="Admin")
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "garambeban", 1000)
    user.save()
    return user.username


class Client:
    """One signed-in browser behind the TLS-ending proxy, on one kept-alive connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            origin = f"https://127.0.0.1:{self.port}"
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": origin,
                    "Referer": origin,
                }
            )
        for attempt in range(2):
            try:
                self.connection.request(method, path, body, headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, OSError):
                # gunicorn closes a kept-alive connection now and then (max_requests).
                self.connection.close()
                if attempt:
                    raise
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content

    def log_in(self, username: str) -> None:
        status, page = self.request("GET", "/masuk/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200, page[:300]
        assert token, page[:300]
        form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]}
        status, page = self.request("POST", "/masuk/", urlencode(form).encode())
        assert status == 302, (status, page[:500])


def _percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))]


def _load(
    clients: list[Client],
    paths: Callable[[int], str],
    requests: int = REQUESTS_PER_PAGE,
    think: float = 0.0,
) -> tuple[list[float], float, int]:
    """Every client asks in turn until the page's count or time is used up, waiting after
    each answer a random while of `think` seconds on average (none if 0): latencies (s), the
    wall time, and the number of answers other than 200."""
    latencies: list[float] = []
    failures = [0]
    taken = iter(range(requests))
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS_PER_PAGE

    def work(client: Client, pause: random.Random) -> None:
        if think:  # people do not all click at the same moment
            time.sleep(pause.uniform(0, 2 * think))
        while time.monotonic() < deadline:
            with lock:
                number = next(taken, None)
            if number is None:
                return
            started = time.perf_counter()
            status, _ = client.request("GET", paths(number))
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                failures[0] += status != 200
            if think:
                time.sleep(pause.expovariate(1 / think))

    threads = [
        threading.Thread(target=work, args=(client, random.Random(number)))
        for number, client in enumerate(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(latencies), time.perf_counter() - started, failures[0]


def report_latencies(
    report: Report,
    clients: list["Client"],
    calls: list[tuple[str, Callable[[int], str]]],
    *,
    all_must_answer: bool = False,
    think: float = 0.0,
    requests: int = REQUESTS_PER_PAGE,
) -> None:
    """Each call in turn, after a warm-up request per client: p50/p95/p99, requests per
    second and p95 against the first call's (the floor), with the verdict on the goal.
    `all_must_answer`: an answer other than 200 stops the bench. `think`: each client's
    mean pause after an answer (s)."""
    floor_p95 = 0.0
    for label, paths in calls:
        _load(clients, paths, len(clients))  # warm-up: one request a client, not counted
        latencies, wall, failed = _load(clients, paths, requests, think)
        p50, p95, p99 = (_percentile(latencies, share) * 1000 for share in (0.5, 0.95, 0.99))
        if not floor_p95:
            floor_p95 = p95
        verdict = ""
        if not label.startswith(("floor", "health")):
            verdict = "OK" if p95 <= GOAL_MS else "MELEBIHI TARGET"
            verdict = f"target p95 <= {GOAL_MS:g} ms: {verdict}"
        report.value(
            label,
            f"p50 {p50:7.1f}  p95 {p95:7.1f}  p99 {p99:7.1f} ms  "
            f"{len(latencies) / wall:6.1f} req/s  {p95 / floor_p95:6.1f}x floor  "
            + (f"{failed} not 200  " if failed else "")
            + verdict,
        )
        assert not (all_must_answer and failed), f"{label}: {failed} answers other than 200"


def _deep_cursor(order: str = "LOWER(name), id") -> int:
    """The person after whom page 5,000 of the list starts (25 to a page), in the list's
    order (the pages': by name; the API's: "id")."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM registry_person WHERE is_active ORDER BY {order} OFFSET %s LIMIT 1",
            [min(124_999, PERSONS // 2)],
        )
        return int(cursor.fetchone()[0])


def set_up(report: Report) -> dict[str, Any]:
    """The registry, a cycle with members, duplicate pairs and a signed-in admin; what the
    pages are asked with."""
    from rentan.registry.models import Person

    started = time.perf_counter()
    _copy_persons()
    code, year = _programme_with_members()
    _duplicate_pairs()
    username = _admin()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    report.value(
        f"setup: {PERSONS:,} persons (COPY), cycle, pairs, VACUUM ANALYZE",
        f"{time.perf_counter() - started:8.2f} s",
    )
    return {
        "username": username,
        "code": code,
        "year": year,
        "deep": _deep_cursor(),
        "nik": Person.objects.filter(is_active=True).values_list("nik", flat=True)[PERSONS // 2],
        "detail_ids": list(
            Person.objects.filter(is_active=True).values_list("id", flat=True)[
                : PERSONS : PERSONS // 500
            ]
        ),
    }


def collect_static(env: dict[str, str], workdir: Path) -> str:
    """The production server's static files; the name of its stylesheet (the floor)."""
    collected = subprocess.run(
        manage_command("collectstatic", "--noinput"), env=env, capture_output=True
    )
    assert collected.returncode == 0, collected.stderr[-2000:]
    return next((workdir / "var" / "static" / "rentan").glob("rentan.*.css")).name


@contextmanager
def serving(env: dict[str, str], port: int, log: Path) -> Iterator[Any]:
    """The production server, once it answers."""

    def answers() -> bool:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            # /sehat/ answers 503 here (no worker runs): any answer means it is up.
            probe.request("GET", "/sehat/")
            return probe.getresponse().status > 0
        except OSError:
            return False

    with running(gunicorn_command(), env=env, log=log) as server:
        wait_for(answers, seconds=60, process=server, log=log)
        yield server


def pages(data: dict[str, Any], stylesheet: str) -> list[tuple[str, Callable[[int], str]]]:
    """The pages timed, each a label and the path of its n-th request; the floor first."""
    code, year, detail_ids = data["code"], data["year"], data["detail_ids"]
    return [
        ("floor: static file (no work)", lambda n: f"/static/rentan/{stylesheet}"),
        ("Beranda /", lambda n: "/"),
        ("person list /pekerja/", lambda n: "/pekerja/"),
        ("name search ?q=siti", lambda n: "/pekerja/?q=siti"),
        ("name search ?q=wahyu lestari", lambda n: "/pekerja/?q=wahyu+lestari"),
        ("NIK prefix search ?q=3375000", lambda n: "/pekerja/?q=3375000"),
        ("NIK full search", lambda n: f"/pekerja/?q={data['nik']}"),
        ("list at row 125,000 (page 5,000)", lambda n: f"/pekerja/?sesudah={data['deep']}"),
        # A jump by number skips the ids before it in the sort index (OFFSET).
        ("jump to page 5,000 ?halaman=5000", lambda n: "/pekerja/?halaman=5000"),
        (
            "jump to the middle ?halaman=PERSONS/50",
            lambda n: f"/pekerja/?halaman={max(PERSONS // 50, 2)}",
        ),
        ("last page ?terakhir=1", lambda n: "/pekerja/?terakhir=1"),
        ("person detail", lambda n: f"/pekerja/{detail_ids[n % len(detail_ids)]}/"),
        ("programme page", lambda n: f"/program/{code}/"),
        ("cycle page", lambda n: f"/program/{code}/{year}/"),
        ("cycle list search ?q=siti", lambda n: f"/program/{code}/{year}/?q=siti"),
        (
            "cycle, not on the list ?jenis=tidak",
            lambda n: f"/program/{code}/{year}/?jenis=tidak",
        ),
        ("duplicate queue", lambda n: "/pekerja/duplikat/"),
        ("memberships /kepesertaan/", lambda n: "/kepesertaan/"),
    ]


def run(db: str, report: Report, workdir: Path) -> None:
    data = set_up(report)
    port = free_port()
    env = production_env(var_dir=workdir / "var", port=port, workers=WORKERS, threads=THREADS)
    stylesheet = collect_static(env, workdir)
    log = workdir / "gunicorn.log"
    with serving(env, port, log):
        clients = [Client(port) for _ in range(CLIENTS)]
        try:
            for client in clients:
                client.log_in(data["username"])
        except AssertionError:
            print(log.read_text()[-5000:])
            raise
        report.value(
            "server",
            f"gunicorn {WORKERS} workers x {THREADS} threads, {CLIENTS} clients, "
            f"{REQUESTS_PER_PAGE} requests a page (at most {SECONDS_PER_PAGE:g} s)",
        )
        # The first visit of Beranda in each server process counts its figures (kept
        # afterwards, recounted in the background): measured apart, before the warm-up.
        started = time.perf_counter()
        assert clients[0].request("GET", "/")[0] == 200
        report.value(
            "Beranda, first visit after the start (counts)",
            f"{(time.perf_counter() - started) * 1000:7.1f} ms",
        )
        report_latencies(report, clients, pages(data, stylesheet))
        report.value(
            "people at work",
            f"the same {CLIENTS} clients, each pausing {THINK_SECONDS:g} s on average after "
            f"an answer, {THINK_REQUESTS_PER_PAGE} requests a page",
        )
        report_latencies(
            report,
            clients,
            [(f"{label}, with pauses", paths) for label, paths in pages(data, stylesheet)],
            think=THINK_SECONDS,
            requests=THINK_REQUESTS_PER_PAGE,
        )
    # What each page costs the machine, whatever else runs on it.
    report_cpu_per_request(
        username=data["username"],
        pages=pages(data, stylesheet),
        workdir=workdir,
        report=report,
        client=Client,
        serving=serving,
    )
