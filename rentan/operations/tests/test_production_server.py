"""The production set-up as an operator runs it: gunicorn with config/gunicorn.conf.py under
config.settings.prod, static files collected and served by WhiteNoise, and `rentan db_worker`
as a process of its own, both on the test's PostgreSQL database.

A person logs in through the login form (CSRF, django-axes), opens a page and its stylesheet,
and uploads a file too large to check within the request; the worker checks it.
"""

import http.client
import json
import re
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from bench.bench_import import _reference, _rows, _write_csv
from rentan.imports.forms import INLINE_MAX_BYTES
from rentan.imports.models import BatchStatus, ImportBatch
from rentan.testing.processes import (
    free_port,
    gunicorn_command,
    manage_command,
    production_env,
    running,
    wait_for,
    worker_command,
)

pytestmark = [
    pytest.mark.production,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the server's processes cannot open the in-memory SQLite test database",
    ),
]

PASSWORD = "Kata-sandi-produksi-2026"
ROWS = 2_500


class Client:
    """HTTP on loopback as a browser behind the TLS-ending proxy: X-Forwarded-Proto https,
    and the cookies kept by hand (they are Secure, which http.cookiejar keeps for https)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        self.set_cookies: list[str] = []

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        *,
        behind_proxy: bool = True,
    ) -> tuple[int, Any, bytes]:
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if behind_proxy:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body, sent)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            self.set_cookies.append(cookie)
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, content

    def get(self, path: str, **kwargs: Any) -> tuple[int, Any, bytes]:
        return self.request("GET", path, **kwargs)

    def csrf_token(self, path: str) -> str:
        status, _, page = self.get(path)
        assert status == 200, page[:500]
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, page[:500]
        return found.group(1).decode()

    def post(self, path: str, body: bytes, content_type: str) -> tuple[int, Any, bytes]:
        headers = {"Content-Type": content_type, "Origin": self.origin, "Referer": self.origin}
        return self.request("POST", path, body, headers)


def _multipart(fields: dict[str, str], file_field: str, file: Path) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{file.name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        + file.read_bytes()
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _health(client: Client, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    status, _, body = client.get("/sehat/", **kwargs)
    return status, json.loads(body)


def _json_lines(log: Path) -> list[dict[str, Any]]:
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    return [json.loads(line) for line in lines]  # every line is one JSON object


def test_production_server_serves_and_its_worker_imports(tmp_path, admin_user):
    # Production keeps Django's default hasher, which the test settings' fast one is not.
    admin_user.password = PBKDF2PasswordHasher().encode(PASSWORD, "garamproduksi", 1000)
    admin_user.save()
    port = free_port()
    env = production_env(var_dir=tmp_path / "var", port=port, workers=2, threads=1)
    env["RENTAN_TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    collected = running(manage_command("collectstatic", "--noinput"), env=env, log=tmp_path / "c")
    with collected as collecting:
        assert collecting.wait(timeout=60) == 0, (tmp_path / "c").read_text()
    assert list((tmp_path / "var" / "static" / "rentan").glob("rentan.*.css.gz"))

    server_log, worker_log = tmp_path / "gunicorn.log", tmp_path / "worker.log"
    client = Client(port)
    with ExitStack() as processes:
        server = processes.enter_context(running(gunicorn_command(), env=env, log=server_log))

        def answers() -> bool:
            try:
                return client.get("/sehat/")[0] == 200
            except OSError:
                return False

        wait_for(answers, seconds=30, process=server, log=server_log)

        # A monitor on the server asks gunicorn over plain HTTP; everything else is redirected.
        assert _health(client, behind_proxy=False)[0] == 200
        status, headers, _ = client.get("/masuk/", behind_proxy=False)
        assert (status, headers["Location"]) == (301, f"https://127.0.0.1:{port}/masuk/")

        token = client.csrf_token("/masuk/")
        login = urlencode(
            {"username": admin_user.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        status, headers, page = client.post("/masuk/", login, "application/x-www-form-urlencoded")
        assert (status, headers["Location"]) == (302, "/"), page[:1000]
        session_cookie = next(c for c in client.set_cookies if c.startswith("sessionid="))
        assert "Secure" in session_cookie
        assert "HttpOnly" in session_cookie

        status, headers, page = client.get("/")
        assert status == 200
        assert headers["Strict-Transport-Security"].startswith("max-age=")
        stylesheet = re.search(rb'href="(/static/rentan/rentan\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "the page names the stylesheet by its hashed name"
        status, headers, css = client.get(stylesheet.group(1).decode())
        assert status == 200
        assert b"{" in css
        assert "immutable" in headers["Cache-Control"]  # WhiteNoise, for a hashed name

        searched = "3375019876"  # a search by NIK: its query string is kept out of the log
        assert client.get(f"/pekerja/?q={searched}")[0] == 200

        kelurahan, occupations, _ = _reference()
        upload = tmp_path / "pendataan-produksi.csv"
        _write_csv(upload, _rows(ROWS, kelurahan, occupations))
        assert upload.stat().st_size > INLINE_MAX_BYTES  # checked by the worker, not inline
        token = client.csrf_token("/impor/")
        body, content_type = _multipart(
            {"csrfmiddlewaretoken": token, "household_rule": "on"}, "file", upload
        )
        status, _, page = client.post("/impor/", body, content_type)
        assert status == 302, page[:1000]
        batch = ImportBatch.objects.get(original_name=upload.name)
        assert batch.status == BatchStatus.UPLOADED
        assert _health(client)[1]["tasks_queued"] == 1

        worker = processes.enter_context(running(worker_command(), env=env, log=worker_log))

        def reviewed() -> bool:
            batch.refresh_from_db()
            assert batch.status != BatchStatus.FAILED, batch.problem
            return batch.status == BatchStatus.REVIEW

        wait_for(reviewed, seconds=60, process=worker, log=worker_log)
        assert (batch.rows_total, batch.rows_error) == (ROWS, 0)
        status, health = _health(client)
        assert (status, health["tasks_queued"], health["problems"]) == (200, 0, [])
        assert health["worker_last_beat_seconds"] is not None

    server_lines = _json_lines(server_log)
    # One request at a time per worker process: nginx buffers, the worker runs long work.
    assert any(line["message"] == "Using worker: sync" for line in server_lines)
    access = [line for line in server_lines if line["logger"] == "gunicorn.access"]
    login_line = {"method": "POST", "path": "/masuk/", "status": 302}
    assert any(login_line.items() <= line.items() for line in access)
    assert searched not in server_log.read_text()
    assert _json_lines(worker_log)  # the worker's log is JSON lines too
