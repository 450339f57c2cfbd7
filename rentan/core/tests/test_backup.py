"""rentan backup / restore / move_to_postgres on real databases, run as the operator runs them.

The commands run in processes of their own on file databases set up for the test (SQLite's
test database lives in this process's memory, which no other process can open): a demo of a
few hundred workers with every app's data (areas, persons, households, programme, cycles,
placements, memberships, BPJS exchange files, bills, claims, audit) and one committed import,
whose uploaded file lies under MEDIA_ROOT. On PostgreSQL each test creates databases of its
own in the test cluster and drops them at the end.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from rentan.imports.tests.files import write_csv

# One test process runs them all: the demo installation they share is built once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("backup")]

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs the PostgreSQL test cluster"
)
DEMO_PERSONS = "400"
IMPORT_ROWS = [
    ["NIK", "Nama", "Tgl Lahir", "JK", "Pekerjaan"],
    ["3375044501850001", "Siti Aminah", "05-01-1985", "P", "Buruh batik"],
    ["3375041205750002", "Budi Santoso", "12-05-1975", "L", "Buruh batik"],
]


@dataclass
class Site:
    """A Rentan installation: its database and its var folder (MEDIA_ROOT is var/media)."""

    database_url: str
    var: Path

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": self.database_url,
            "RENTAN_VAR_DIR": str(self.var),
        }
        manage = Path(settings.BASE_DIR) / "manage.py"
        return subprocess.run(
            [sys.executable, str(manage), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    def ok(self, *args: str) -> str:
        finished = self.run(*args)
        assert finished.returncode == 0, finished.stdout + finished.stderr
        return finished.stdout

    @property
    def media(self) -> Path:
        return self.var / "media"

    @property
    def sqlite_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))


def _fill_with_demo(site: Site, workdir: Path) -> None:
    site.ok("migrate", "--noinput")
    site.ok("demo_data", "--persons", DEMO_PERSONS)
    upload = write_csv(workdir / "pendataan-sokoduwet.csv", IMPORT_ROWS)
    assert "2 pekerja ditambahkan" in site.ok(
        "import_persons", str(upload), "--kelurahan", "33.75.04.1010", "--commit"
    )


@pytest.fixture(scope="session")
def demo_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """A migrated SQLite Rentan with the demo and an import, built once per test process."""
    root = tmp_path_factory.mktemp("demo-sqlite")
    site = Site(f"sqlite:///{root / 'rentan.sqlite3'}", root / "var")
    _fill_with_demo(site, root)
    return site


@pytest.fixture(scope="session")
def demo_archive(demo_sqlite: Site, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`rentan backup` of the demo installation."""
    archive = tmp_path_factory.mktemp("demo-backup") / "cadangan.tar.gz"
    assert "Cadangan SQLite ditulis" in demo_sqlite.ok("backup", "--out", str(archive))
    return archive


@pytest.fixture
def sqlite_site(demo_sqlite: Site, tmp_path: Path) -> Site:
    """A copy of the demo installation for one test to change."""
    shutil.copy(demo_sqlite.sqlite_path, tmp_path / "rentan.sqlite3")
    shutil.copytree(demo_sqlite.var / "media", tmp_path / "var" / "media")
    return Site(f"sqlite:///{tmp_path / 'rentan.sqlite3'}", tmp_path / "var")


def _sqlite_counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _sqlite_persons(path: Path) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT * FROM registry_person ORDER BY id").fetchall()


def _media_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive) as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        return json.loads(member.read())


def _rewrite(archive: Path, out: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """The same archive with each member's bytes passed through `change`."""
    with tarfile.open(archive) as source, tarfile.open(out, "w:gz") as target:
        for member in source:
            stream = source.extractfile(member)
            assert stream is not None
            data = change(member.name, stream.read())
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return out


def _with_count_changed(name: str, data: bytes) -> bytes:
    if name != "manifest.json":
        return data
    manifest = json.loads(data)
    manifest["tables"]["enrollment_membership"] += 1
    return json.dumps(manifest).encode()


def _with_upload_changed(name: str, data: bytes) -> bytes:
    return data.replace(b"Siti Aminah", b"Siti Aminax") if name.startswith("media/") else data


# SQLite ------------------------------------------------------------------------------------


def test_sqlite_backup_restores_into_an_empty_database(
    demo_sqlite: Site, demo_archive: Path, tmp_path: Path
) -> None:
    archive = demo_archive
    source_counts = _sqlite_counts(demo_sqlite.sqlite_path)
    assert _manifest(archive)["tables"] == source_counts
    # The demo reaches every app, the import's upload included.
    for table in (
        "regions_area",
        "registry_person",
        "registry_household",
        "programmes_placement",
        "enrollment_membership",
        "enrollment_exchangefile",
        "imports_importbatch",
        "core_auditevent",
        "core_auditsubject",
    ):
        assert source_counts[table] > 0, table

    fresh = Site(f"sqlite:///{tmp_path / 'baru' / 'rentan.sqlite3'}", tmp_path / "baru" / "var")
    fresh.sqlite_path.parent.mkdir()
    assert "cocok dengan manifest" in fresh.ok("restore", str(archive))

    assert _sqlite_counts(fresh.sqlite_path) == source_counts
    assert _sqlite_persons(fresh.sqlite_path) == _sqlite_persons(demo_sqlite.sqlite_path)
    uploads = _media_bytes(demo_sqlite.media)
    assert any(name.startswith("imports/") for name in uploads)
    assert _media_bytes(fresh.media) == uploads
    # The restored installation works: the import's upload is found where the batch says.
    fresh.ok("check")


def test_restore_refuses_a_database_holding_data_unless_forced(
    sqlite_site: Site, demo_archive: Path
) -> None:
    archive = demo_archive
    with closing(sqlite3.connect(sqlite_site.sqlite_path)) as db, db:
        db.execute("UPDATE registry_person SET name = 'Diubah Sesudah Cadangan' WHERE id = 1")

    refused = sqlite_site.run("restore", str(archive))
    assert refused.returncode != 0
    assert "sudah berisi data" in refused.stderr
    assert "--force" in refused.stderr
    assert _first_name(sqlite_site.sqlite_path) == "Diubah Sesudah Cadangan"

    sqlite_site.ok("restore", "--force", str(archive))
    assert _first_name(sqlite_site.sqlite_path) != "Diubah Sesudah Cadangan"


def _first_name(path: Path) -> str:
    with closing(sqlite3.connect(path)) as db:
        return str(db.execute("SELECT name FROM registry_person WHERE id = 1").fetchone()[0])


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_with_upload_changed, "berubah (SHA-256 tidak cocok"),
        (_with_count_changed, "tabel enrollment_membership"),
    ],
    ids=["changed-file", "changed-count"],
)
def test_a_tampered_archive_is_refused_and_nothing_is_restored(
    demo_archive: Path, tmp_path: Path, change: Callable[[str, bytes], bytes], reason: str
) -> None:
    tampered = _rewrite(demo_archive, tmp_path / "diubah.tar.gz", change)
    fresh = Site(f"sqlite:///{tmp_path / 'baru.sqlite3'}", tmp_path / "baru")

    refused = fresh.run("restore", str(tampered))

    assert refused.returncode != 0
    assert reason in refused.stderr
    assert not _sqlite_counts(fresh.sqlite_path).get("registry_person")
    assert not fresh.media.exists()


def test_a_backup_of_the_other_kind_of_database_is_refused(
    demo_archive: Path, tmp_path: Path
) -> None:

    def as_postgres(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        return json.dumps({**json.loads(data), "kind": "postgresql"}).encode()

    pretending = _rewrite(demo_archive, tmp_path / "pg.tar.gz", as_postgres)
    refused = Site(f"sqlite:///{tmp_path / 'baru.sqlite3'}", tmp_path / "baru").run(
        "restore", str(pretending)
    )
    assert refused.returncode != 0
    assert "dari PostgreSQL, sedangkan basis data tujuan SQLite" in refused.stderr


# PostgreSQL --------------------------------------------------------------------------------


@pytest.fixture
def new_postgres_database() -> Iterator[Callable[[], str]]:
    """Empty databases in the test cluster, named apart for parallel runs, dropped after."""
    config = connection.settings_dict
    admin = {"dbname": "postgres", "user": config["USER"], "host": config["HOST"]}
    if config["PORT"]:
        admin["port"] = str(config["PORT"])
    made: list[str] = []

    def make() -> str:
        name = f"rentan_backup_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(**admin, autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        port = f":{config['PORT']}" if config["PORT"] else ""
        host = quote(config["HOST"] or "", safe="")
        return f"postgres://{quote(config['USER'] or '')}@{host}{port}/{name}"

    yield make
    with psycopg.connect(**admin, autocommit=True) as db:
        for name in made:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as db:
        tables = [
            t for (t,) in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # type: ignore[index]


def _postgres_persons(url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as db:
        return db.execute("SELECT * FROM registry_person ORDER BY id").fetchall()


@on_postgres
def test_postgres_backup_restores_into_an_empty_database(
    new_postgres_database: Callable[[], str], tmp_path: Path
) -> None:
    source = Site(new_postgres_database(), tmp_path / "var")
    _fill_with_demo(source, tmp_path)
    archive = tmp_path / "cadangan.tar.gz"
    assert "Cadangan PostgreSQL ditulis" in source.ok("backup", "--out", str(archive))
    source_counts = _postgres_counts(source.database_url)
    assert _manifest(archive)["tables"] == source_counts

    fresh = Site(new_postgres_database(), tmp_path / "baru")
    assert "cocok dengan manifest" in fresh.ok("restore", str(archive))
    assert _postgres_counts(fresh.database_url) == source_counts
    assert _postgres_persons(fresh.database_url) == _postgres_persons(source.database_url)
    assert _media_bytes(fresh.media) == _media_bytes(source.media)

    # Now it holds data: refused without --force; a tampered count is refused even with it.
    refused = fresh.run("restore", str(archive))
    assert refused.returncode != 0
    assert "sudah berisi data" in refused.stderr
    tampered = _rewrite(archive, tmp_path / "diubah.tar.gz", _with_count_changed)
    refused = fresh.run("restore", "--force", str(tampered))
    assert refused.returncode != 0
    assert "tabel enrollment_membership" in refused.stderr
    # A SQLite database is not the place for it.
    elsewhere = Site(f"sqlite:///{tmp_path / 'lain.sqlite3'}", tmp_path / "lain").run(
        "restore", str(archive)
    )
    assert "dari PostgreSQL, sedangkan basis data tujuan SQLite" in elsewhere.stderr


@on_postgres
def test_move_to_postgres_copies_everything_with_its_ids(
    sqlite_site: Site, new_postgres_database: Callable[[], str]
) -> None:
    target = new_postgres_database()
    out = sqlite_site.ok("move_to_postgres", "--to", target)
    assert "checksum tabel pekerja cocok" in out
    assert "MEDIA_ROOT" in out

    source_counts = _sqlite_counts(sqlite_site.sqlite_path)
    target_counts = _postgres_counts(target)
    del source_counts["django_migrations"], target_counts["django_migrations"]
    assert target_counts == source_counts
    some_columns = (
        "SELECT id, nik, name, birth_date, kelurahan_id, household_id, verified_at IS NULL "
        "FROM registry_person ORDER BY id"
    )
    with psycopg.connect(target) as db:
        moved = [(*row[:3], str(row[3]), *row[4:]) for row in db.execute(some_columns)]
    with closing(sqlite3.connect(sqlite_site.sqlite_path)) as db:
        expected = [(*row[:6], bool(row[6])) for row in db.execute(some_columns)]
    assert moved == expected

    # New rows on PostgreSQL get ids past the moved ones.
    with psycopg.connect(target) as db:
        (household,) = db.execute(  # type: ignore[misc]
            "INSERT INTO registry_household (kk_number) VALUES ('3375049999990001') RETURNING id"
        ).fetchone()
        (event,) = db.execute(  # type: ignore[misc]
            "INSERT INTO core_auditevent (at, action, target_type, target_id, changes, note) "
            "VALUES (now(), 'create', 'uji', '1', '{}', '') RETURNING id"
        ).fetchone()
    with closing(sqlite3.connect(sqlite_site.sqlite_path)) as db:
        assert household == db.execute("SELECT max(id) FROM registry_household").fetchone()[0] + 1
        assert event == db.execute("SELECT max(id) FROM core_auditevent").fetchone()[0] + 1

    again = sqlite_site.run("move_to_postgres", "--to", target)
    assert again.returncode != 0
    assert "sudah berisi data" in again.stderr


@on_postgres
def test_move_to_postgres_with_a_broken_key_moves_nothing(
    sqlite_site: Site, new_postgres_database: Callable[[], str]
) -> None:
    # SQLite checks keys only while its pragma is on: a row can point nowhere.
    with closing(sqlite3.connect(sqlite_site.sqlite_path)) as db, db:
        db.execute("UPDATE registry_person SET occupation_id = 999999 WHERE id = 1")
    target = new_postgres_database()

    refused = sqlite_site.run("move_to_postgres", "--to", target)

    assert refused.returncode != 0
    assert "PostgreSQL menolak data dari SQLite" in refused.stderr
    assert "registry_person" in refused.stderr
    counts = _postgres_counts(target)
    assert counts["registry_person"] == counts["accounts_user"] == 0
