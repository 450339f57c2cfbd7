"""The production configuration refuses what would fail later: more gunicorn threads than its
database connection budget; and the health check tells a database that does not answer."""

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from rentan.testing.processes import manage_command

pytestmark = pytest.mark.production

GUNICORN_CONFIG = str(Path(settings.BASE_DIR) / "config" / "gunicorn.conf.py")


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "production-config-test",
        "ALLOWED_HOSTS": "testserver",
        "RENTAN_VAR_DIR": str(tmp_path / "var"),
        **extra,
    }


def _check_gunicorn(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", GUNICORN_CONFIG, "--check-config"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_gunicorn_refuses_more_threads_than_its_connection_budget(tmp_path):
    env = _production_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert _check_gunicorn(env).returncode == 0  # the defaults: a worker per core, within 20

    refused = _check_gunicorn(
        {
            **env,
            "RENTAN_WEB_WORKERS": "4",
            "RENTAN_WEB_THREADS": "8",
            "RENTAN_WEB_DB_CONNECTIONS": "20",
        }
    )

    assert refused.returncode != 0
    assert "RENTAN_WEB_WORKERS x RENTAN_WEB_THREADS = 32" in refused.stderr


def _server_settings(monkeypatch: pytest.MonkeyPatch, **environment: str) -> dict[str, object]:
    for name in ("RENTAN_WEB_WORKERS", "RENTAN_WEB_THREADS", "RENTAN_WEB_DB_CONNECTIONS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(GUNICORN_CONFIG)


def test_workers_take_one_request_at_a_time_unless_threads_are_asked_for(monkeypatch):
    # One request per process: waiting requests are served in turn by whichever is free.
    default = _server_settings(monkeypatch)
    assert default["worker_class"] == "sync"
    assert default["threads"] == 1
    assert default["workers"] == min(max(os.cpu_count() or 1, 2), 20)
    # Loaded once before the workers fork: a replaced worker serves at once.
    assert default["preload_app"] is True
    # A large machine stays within the connection budget by default.
    small_budget = _server_settings(monkeypatch, RENTAN_WEB_DB_CONNECTIONS="1")
    assert small_budget["workers"] == 1

    threaded = _server_settings(monkeypatch, RENTAN_WEB_WORKERS="2", RENTAN_WEB_THREADS="4")
    assert (threaded["worker_class"], threaded["workers"], threaded["threads"]) == (
        "gthread",
        2,
        4,
    )


def test_health_is_503_when_the_database_does_not_answer(tmp_path):
    # A PostgreSQL socket folder where no server listens: a database that is down.
    nowhere = tmp_path / "tidak-ada-server"
    nowhere.mkdir()
    env = _production_env(
        tmp_path, DATABASE_URL=f"postgres://rentan@{str(nowhere).replace('/', '%2F')}/rentan"
    )
    ask = (
        "from django.test import Client; r = Client().get('/sehat/'); "
        "print(r.status_code); print(r.content.decode())"
    )

    answered = subprocess.run(
        manage_command("shell", "-c", ask), env=env, capture_output=True, text=True, timeout=60
    )

    assert answered.returncode == 0, answered.stderr
    status, body = answered.stdout.strip().splitlines()[-2:]
    assert status == "503"
    health = json.loads(body)
    assert (health["database"], health["problems"]) == (False, ["database"])
    assert str(nowhere) not in body  # the error's text (server, user) stays out


def test_a_worker_is_forked_with_what_was_loaded_out_of_the_collectors_way(monkeypatch):
    import gc

    pre_fork = _server_settings(monkeypatch)["pre_fork"]
    assert gc.get_freeze_count() == 0
    try:
        pre_fork(None, None)
        # Everything alive in the master is frozen: a worker's collections skip it.
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
