"""SQLite as Rentan configures it (a file, WAL, IMMEDIATE transactions, a busy timeout): two
writers of the same row at once wait for each other, and the second sees the first's work.

The pattern is the commit's: read the batch's status in a transaction, then write it. A
DEFERRED transaction takes the write lock only at its first write, so two of them both read
"review" and the later one fails with "database is locked" without waiting; an IMMEDIATE one
takes the lock as it begins, so the later one waits and reads "committed".
"""

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connections, transaction

from config.settings.base import database_from_env


@pytest.fixture
def sqlite_file(tmp_path: Path, monkeypatch: Any, django_db_blocker: Any) -> Iterator[Any]:
    """Connections named on the fly to one SQLite file, configured as Rentan configures it."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    path = tmp_path / "rentan.sqlite3"
    aliases: list[str] = []

    def configure(alias: str, **options: Any) -> str:
        config: dict[str, Any] = database_from_env(f"sqlite:///{path}")
        config["OPTIONS"] = {**config["OPTIONS"], **options}
        for key, default in connections.settings["default"].items():
            config.setdefault(key, default)
        config["TEST"] = {}
        connections.settings[alias] = config
        aliases.append(alias)
        return alias

    with django_db_blocker.unblock():
        setup = configure("sqlite_setup")
        with connections[setup].cursor() as cursor:
            cursor.execute("CREATE TABLE batch (id INTEGER PRIMARY KEY, status TEXT)")
            cursor.execute("INSERT INTO batch VALUES (1, 'review')")
        connections[setup].close()
        yield configure
    for alias in aliases:
        connections.settings.pop(alias, None)
        # Opened in another thread only: nothing to forget in this one.
        with contextlib.suppress(AttributeError):
            del connections[alias]


def _race(configure: Any, **options: Any) -> list[str]:
    """Two threads commit the same batch, the second starting while the first holds it."""
    outcome: list[str] = []

    def commit(alias: str) -> None:
        try:
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                cursor.execute("SELECT status FROM batch WHERE id = 1")
                (status,) = cursor.fetchone()
                time.sleep(0.5)  # the other writer arrives meanwhile
                if status != "review":
                    outcome.append(f"already {status}")
                    return
                cursor.execute("UPDATE batch SET status = 'committed' WHERE id = 1")
                outcome.append("committed")
        except OperationalError as error:
            outcome.append(str(error))
        finally:
            connections[alias].close()

    threads = [
        threading.Thread(target=commit, args=(configure(f"sqlite_writer{n}", **options),))
        for n in range(2)
    ]
    for thread in threads:
        thread.start()
        time.sleep(0.1)
    for thread in threads:
        thread.join()
    return outcome


def test_second_writer_waits_and_sees_the_first_ones_commit(sqlite_file):
    assert _race(sqlite_file) == ["committed", "already committed"]


def test_without_immediate_transactions_the_second_writer_fails(sqlite_file):
    outcome = _race(sqlite_file, transaction_mode="DEFERRED")
    assert outcome[0] == "committed" or outcome[1] == "committed"
    assert any("locked" in item for item in outcome)
