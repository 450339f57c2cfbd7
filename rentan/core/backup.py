"""Backups that are known to restore, and the move of a whole Rentan from SQLite to PostgreSQL.

A backup is one tar archive (gzip) holding:
- `manifest.json`: the database kind, the row count of every table, a checksum of the person
  table's contents and the SHA-256 of every other member;
- the database: PostgreSQL's own dump in its custom format (`pg_dump -Fc`, read back by
  `pg_restore`), or a copy of the SQLite file made with SQLite's online backup API (the
  server may keep running);
- `media/…`: every file under MEDIA_ROOT (the uploaded import files). BPJS exchange files
  are kept in the database itself, so they travel with it.

The counts and the person checksum are taken from the same snapshot as the dump (PostgreSQL:
an exported snapshot handed to `pg_dump --snapshot`; SQLite: the copy itself), and `restore`
checks the restored database against them. The person checksum does not depend on the
database: it hashes the rows as Django reads them (dates, aware times in UTC, booleans), so
the move to PostgreSQL checks itself with the same function.
"""

import glob
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any
from uuid import UUID

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Model
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# The tables whose rows mean "this database is in use": restoring over them needs --force.
IN_USE_MODELS = (("registry", "Person"), ("accounts", "User"))
CHUNK = 1 << 20
# libpq reads these from the environment; the connection's OPTIONS may name them.
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
}


class BackupError(Exception):
    """A backup, restore or move that cannot go on; the message says why, in Indonesian."""


@dataclass
class Manifest:
    kind: str
    created_at: str
    tables: dict[str, int]
    person_checksum: str
    # Archive member name -> SHA-256, the database dump included.
    files: dict[str, str] = field(default_factory=dict)
    format: int = FORMAT

    @property
    def database_member(self) -> str:
        return DATABASE_MEMBER[self.kind]

    @classmethod
    def from_json(cls, data: bytes) -> "Manifest":
        try:
            raw = json.loads(data)
            manifest = cls(
                kind=str(raw["kind"]),
                created_at=str(raw["created_at"]),
                tables={str(k): int(v) for k, v in raw["tables"].items()},
                person_checksum=str(raw["person_checksum"]),
                files={str(k): str(v) for k, v in raw["files"].items()},
                format=int(raw["format"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError(f"manifest.json tidak dapat dibaca: {error}") from error
        if manifest.format != FORMAT or manifest.kind not in DATABASE_MEMBER:
            raise BackupError(
                f"Format cadangan tidak dikenal (format {manifest.format}, {manifest.kind})."
            )
        return manifest


# Reading the database ------------------------------------------------------------------------


def table_counts(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Rows in every table of the database (views and SQLite's own tables left out)."""
    with connection.cursor() as cursor:
        # SQLite's own tables (sqlite_stat1, written by ANALYZE) are the database's, not Rentan's.
        tables = sorted(
            name
            for name in connection.introspection.table_names(cursor)
            if not name.startswith("sqlite_")
        )
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _normal(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date | Decimal | UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    raise TypeError(type(value))


def person_checksum(using: str) -> str:
    """SHA-256 over the person table's rows in id order, each row as Django reads it (so the
    same on SQLite and PostgreSQL)."""
    person = apps.get_model("registry", "Person")
    columns = [f.attname for f in person._meta.concrete_fields]
    digest = hashlib.sha256()
    rows = person._default_manager.using(using).order_by("pk").values_list(*columns)
    for row in rows.iterator(chunk_size=5000):
        digest.update(json.dumps(row, default=_normal, ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def holding_data(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """The rows of persons and users in the database, by table (empty when none)."""
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        found = {}
        for app_label, model_name in IN_USE_MODELS:
            table = apps.get_model(app_label, model_name)._meta.db_table
            if table in present:
                cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
                rows = cursor.fetchone()[0]
                if rows:
                    found[table] = rows
    return found


def _describe(found: dict[str, int]) -> str:
    return ", ".join(f"{table}: {rows} baris" for table, rows in found.items())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def _extra_connection(alias: str, config: dict[str, Any]) -> Iterator[BaseDatabaseWrapper]:
    """A connection of Django's to another database for the length of the block (the ORM and
    `migrate` can then use it by alias)."""
    # Django fills the missing keys only in a set that names a default database.
    filled = connections.configure_settings(
        {DEFAULT_DB_ALIAS: dict(connections.settings[DEFAULT_DB_ALIAS]), alias: dict(config)}
    )
    connections.settings[alias] = filled[alias]
    try:
        yield connections[alias]
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def _sqlite_path(connection: BaseDatabaseWrapper) -> Path:
    name = str(connection.settings_dict["NAME"])
    if name in ("", ":memory:") or "mode=memory" in name:
        raise BackupError("Basis data SQLite di memori tidak dapat dicadangkan atau dipindahkan.")
    return Path(name)


# PostgreSQL's own tools ----------------------------------------------------------------------


def _postgres_binary(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        raise BackupError(
            f"{name} tidak ditemukan: pasang paket klien PostgreSQL (Debian: postgresql-client)."
        )
    return found


def _libpq_environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The connection's settings as libpq's PG* variables: a unix-socket folder as PGHOST
    needs no quoting there, unlike in a URL."""
    config = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if config.get(key):
            env[variable] = str(config[key])
    for option, variable in _LIBPQ_OPTIONS.items():
        if config.get("OPTIONS", {}).get(option):
            env[variable] = str(config["OPTIONS"][option])
    return env


def _run_postgres_tool(command: list[str], connection: BaseDatabaseWrapper) -> None:
    finished = subprocess.run(  # noqa: S603 (pg_dump/pg_restore, arguments built here)
        command, env=_libpq_environment(connection), capture_output=True, text=True
    )
    if finished.returncode != 0:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} gagal: {finished.stderr.strip() or finished.returncode}")


# Backup --------------------------------------------------------------------------------------


def backup(*, out: Path, using: str = "default") -> Manifest:
    """Write the database and MEDIA_ROOT into the archive `out` with their manifest."""
    connection = connections[using]
    out = out.resolve()
    with tempfile.TemporaryDirectory(prefix=".rentan-backup-", dir=out.parent) as workdir:
        dump = Path(workdir) / DATABASE_MEMBER[connection.vendor]
        if connection.vendor == "sqlite":
            manifest = _dump_sqlite(connection, dump)
        elif connection.vendor == "postgresql":
            manifest = _dump_postgres(connection, dump)
        else:
            raise BackupError(f"Basis data {connection.vendor} tidak didukung.")
        manifest.files[manifest.database_member] = _sha256(dump)
        media = _media_files()
        for name, path in media.items():
            manifest.files[name] = _sha256(path)
        # Written beside the name asked for and renamed when complete: never a half-written
        # archive under that name. Readable by its owner only: it holds personal data.
        partial = out.with_name(f".{out.name}.partial")
        partial.unlink(missing_ok=True)
        partial.touch(mode=0o600)
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                data = json.dumps(asdict(manifest), indent=1, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
                archive.addfile(info, fileobj=io.BytesIO(data))
                archive.add(dump, arcname=manifest.database_member)
                for name, path in media.items():
                    archive.add(path, arcname=name)
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _media_files() -> dict[str, Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return {}
    return {
        MEDIA_PREFIX + path.relative_to(root).as_posix(): path
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _dump_sqlite(connection: BaseDatabaseWrapper, dump: Path) -> Manifest:
    source = sqlite3.connect(_sqlite_path(connection), timeout=30)
    target = sqlite3.connect(dump)
    try:
        # The online backup API copies a consistent state while others keep writing.
        source.backup(target)
        # A file complete in itself, without a write-ahead log beside it.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
        source.close()
    config = {**connection.settings_dict, "NAME": str(dump)}
    with _extra_connection("rentan_backup_copy", config) as copy:
        return Manifest(
            kind="sqlite",
            created_at=timezone.now().isoformat(),
            tables=table_counts(copy),
            person_checksum=person_checksum(copy.alias),
        )


def _dump_postgres(connection: BaseDatabaseWrapper, dump: Path) -> Manifest:
    # One snapshot for the counts, the checksum and pg_dump: writes made meanwhile by the
    # running server are in none of them.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        manifest = Manifest(
            kind="postgresql",
            created_at=timezone.now().isoformat(),
            tables=table_counts(connection),
            person_checksum=person_checksum(connection.alias),
        )
        _run_postgres_tool(
            [_postgres_binary("pg_dump"), "-Fc", f"--snapshot={snapshot}", "-f", str(dump)],
            connection,
        )
    return manifest


# Restore -------------------------------------------------------------------------------------


def read_manifest(archive: Path) -> Manifest:
    try:
        with tarfile.open(archive, "r:*") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            return Manifest.from_json(member.read())
    except (tarfile.TarError, KeyError, OSError) as error:
        raise BackupError(f"{archive} bukan berkas cadangan Rentan: {error}") from error


def restore(*, archive: Path, using: str = "default", force: bool = False) -> Manifest:
    """Restore the archive into the database `using` and MEDIA_ROOT, then check the database
    against the manifest. Refuses a database holding persons or users unless `force`."""
    connection = connections[using]
    manifest = read_manifest(archive)
    if manifest.kind != connection.vendor:
        raise BackupError(
            f"Cadangan ini dari {KIND_NAMES[manifest.kind]}, sedangkan basis data tujuan "
            f"{KIND_NAMES.get(connection.vendor, connection.vendor)}. Pulihkan ke basis data "
            f"{KIND_NAMES[manifest.kind]}; untuk pindah dari SQLite ke PostgreSQL pakai "
            "`rentan move_to_postgres`."
        )
    found = holding_data(connection)
    if found and not force:
        raise BackupError(
            f"Basis data tujuan sudah berisi data ({_describe(found)}). Pemulihan akan "
            "menimpanya; jalankan dengan --force bila memang itu maksudnya."
        )
    workdir_parent = (
        _sqlite_path(connection).resolve().parent if connection.vendor == "sqlite" else None
    )
    with tempfile.TemporaryDirectory(prefix=".rentan-restore-", dir=workdir_parent) as workdir:
        extracted = _extract_checked(archive, manifest, Path(workdir))
        dump = extracted[manifest.database_member]
        if connection.vendor == "sqlite":
            _restore_sqlite(connection, dump, manifest)
        else:
            _restore_postgres(connection, dump)
        _check_against(manifest, connection)
        root = Path(settings.MEDIA_ROOT)
        for name, path in extracted.items():
            if name.startswith(MEDIA_PREFIX):
                destination = root / name.removeprefix(MEDIA_PREFIX)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(path, destination)
    return manifest


def _extract_checked(archive: Path, manifest: Manifest, workdir: Path) -> dict[str, Path]:
    """Every member the manifest names, written under `workdir` and checked against its
    SHA-256; a member missing, unknown or changed stops the restore before anything is
    touched."""
    extracted: dict[str, Path] = {}
    with tarfile.open(archive, "r:*") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            expected = manifest.files.get(member.name)
            parts = PurePosixPath(member.name).parts
            if expected is None or not member.isfile() or ".." in parts or member.name[0] == "/":
                raise BackupError(f"Berkas {member.name} di dalam cadangan tidak ada di manifest.")
            path = workdir / "files" / Path(*parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            source = tar.extractfile(member)
            if source is None:  # checked above: a regular file always has its bytes
                raise BackupError(f"Berkas {member.name} di dalam cadangan tidak terbaca.")
            with path.open("wb") as stream:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    stream.write(chunk)
            if digest.hexdigest() != expected:
                raise BackupError(
                    f"Berkas {member.name} di dalam cadangan berubah (SHA-256 tidak cocok "
                    "dengan manifest); cadangan ini tidak dipulihkan."
                )
            extracted[member.name] = path
    missing = sorted(set(manifest.files) - set(extracted))
    if missing:
        raise BackupError(f"Berkas hilang dari cadangan: {', '.join(missing)}.")
    return extracted


def _restore_sqlite(connection: BaseDatabaseWrapper, dump: Path, manifest: Manifest) -> None:
    # The copy is checked before it takes the place of the database: a backup that does not
    # match its manifest leaves the database as it was.
    config = {**connection.settings_dict, "NAME": str(dump)}
    with _extra_connection("rentan_restore_copy", config) as copy:
        _check_against(manifest, copy)
    connection.close()
    source = sqlite3.connect(dump)
    options: dict[str, Any] = connection.settings_dict.get("OPTIONS") or {}
    target = sqlite3.connect(_sqlite_path(connection), timeout=float(options.get("timeout", 30)))
    try:
        # Through the backup API, not a file copy: the database's own journal (WAL) and
        # anyone connected to it see one consistent change.
        source.backup(target)
    finally:
        target.close()
        source.close()


def _restore_postgres(connection: BaseDatabaseWrapper, dump: Path) -> None:
    connection.close()
    _run_postgres_tool(
        [
            _postgres_binary("pg_restore"),
            # Whatever of the dump's tables is there (an empty `rentan migrate`, or the
            # data --force overwrites) is dropped first; all in one transaction.
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            # The server's roles may differ from the ones the backup was made under.
            "--no-owner",
            "--no-privileges",
            "-d",
            str(connection.settings_dict["NAME"]),
            str(dump),
        ],
        connection,
    )


def _check_against(manifest: Manifest, connection: BaseDatabaseWrapper) -> None:
    counts = table_counts(connection)
    problems = [
        f"tabel {table}: {manifest.tables.get(table, 'tidak ada')} baris di manifest, "
        f"{counts.get(table, 'tidak ada')} di basis data"
        for table in sorted(set(manifest.tables) | set(counts))
        if manifest.tables.get(table) != counts.get(table)
    ]
    if person_checksum(connection.alias) != manifest.person_checksum:
        problems.append("isi tabel pekerja (checksum) berbeda dari manifest")
    if problems:
        raise BackupError(
            "Hasil pemulihan tidak cocok dengan manifest cadangan: "
            + "; ".join(problems)
            + ". Jangan pakai basis data ini; pulihkan dari cadangan lain."
        )


# Moving from SQLite to PostgreSQL ------------------------------------------------------------


@dataclass
class MoveResult:
    rows: dict[str, int]
    seconds: float


def moved_models() -> list[type[Model]]:
    """Every table of every installed app (many-to-many tables too), one model each."""
    seen: set[str] = set()
    models = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if model._meta.managed and not model._meta.proxy and table not in seen:
            seen.add(table)
            models.append(model)
    return models


def move_to_postgres(
    *, target_url: str, using: str = "default", progress: Callable[[str], None] | None = None
) -> MoveResult:
    """Copy the whole SQLite database `using` into the empty PostgreSQL database at
    `target_url`, keeping ids: migrate the target, COPY every table in one transaction, set
    the sequences past the highest ids, and check every table's count and the person table's
    checksum before committing. Files stay where they are (MEDIA_ROOT is not touched)."""
    say = progress or (lambda _: None)
    started = time.perf_counter()
    source = connections[using]
    if source.vendor != "sqlite":
        raise BackupError(
            f"Sumber pemindahan harus SQLite; basis data ini "
            f"{KIND_NAMES.get(source.vendor, source.vendor)}."
        )
    source_path = _sqlite_path(source)
    try:
        config = dj_database_url.parse(target_url)
    except ValueError as error:
        raise BackupError(f"Alamat basis data tujuan tidak dapat dibaca: {error}") from error
    if config["ENGINE"] != "django.db.backends.postgresql":
        # The URL itself is not repeated: it may hold a password.
        raise BackupError(
            f"Tujuan harus PostgreSQL (postgres://…), bukan {config['ENGINE'].rsplit('.')[-1]}."
        )
    executor = MigrationExecutor(source)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise BackupError(
            "Basis data SQLite belum memuat semua migrasi: jalankan `rentan migrate` dahulu."
        )
    with _extra_connection("rentan_move_target", dict(config)) as target:
        found = holding_data(target)
        if found:
            raise BackupError(
                f"Basis data tujuan sudah berisi data ({_describe(found)}); pemindahan hanya "
                "ke basis data PostgreSQL yang kosong."
            )
        say("Menyiapkan tabel di PostgreSQL (migrate)…")
        call_command("migrate", database=target.alias, interactive=False, verbosity=0)
        models = moved_models()
        # The source is held against writers for the whole copy (an IMMEDIATE transaction
        # takes SQLite's write lock) and read through a connection of its own that takes the
        # values as stored, which PostgreSQL's COPY reads as they are.
        with transaction.atomic(using=source.alias):
            reader = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
            try:
                rows = _copy_all(reader, source, target, models, say)
            finally:
                reader.close()
    return MoveResult(rows=rows, seconds=time.perf_counter() - started)


def _copy_all(
    reader: sqlite3.Connection,
    source: BaseDatabaseWrapper,
    target: BaseDatabaseWrapper,
    models: list[type[Model]],
    say: Callable[[str], None],
) -> dict[str, int]:
    quote = target.ops.quote_name
    reader.execute("BEGIN")
    source_tables = {
        name for (name,) in reader.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    missing = [m._meta.db_table for m in models if m._meta.db_table not in source_tables]
    if missing:
        raise BackupError(f"Tabel tidak ada di basis data SQLite: {', '.join(missing)}.")
    rows: dict[str, int] = {}
    try:
        with transaction.atomic(using=target.alias), target.cursor() as cursor:
            cursor.execute("SET LOCAL TimeZone = 'UTC'")
            # What `migrate` wrote (areas, content types, permissions) is replaced by the
            # source's own rows, ids included.
            cursor.execute(
                "TRUNCATE "
                + ", ".join(quote(m._meta.db_table) for m in models)
                + " RESTART IDENTITY"
            )
            # PostgreSQL's advice for populating a database: load without the foreign keys
            # and the secondary indexes, then build each index in one pass and check each key
            # with one join (instead of row by row). All inside this transaction: nobody
            # else ever sees the tables without them, and a broken key fails the move.
            tables = [m._meta.db_table for m in models]
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
                [tables],
            )
            keys = cursor.fetchall()
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)",
                [tables],
            )
            indexes = cursor.fetchall()
            for table, name, _definition in keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
            raw = cursor.cursor
            for model in models:
                table = model._meta.db_table
                columns = [f.column for f in model._meta.local_concrete_fields]
                listed = ", ".join(quote(c) for c in columns)
                (expected,) = reader.execute(f'SELECT count(*) FROM "{table}"').fetchone()
                say(f"{table}: {expected} baris")
                with raw.copy(f"COPY {quote(table)} ({listed}) FROM STDIN") as copy:
                    for row in reader.execute(f'SELECT {listed} FROM "{table}"'):
                        copy.write_row(row)
                cursor.execute(f"SELECT count(*) FROM {quote(table)}")
                (written,) = cursor.fetchone()
                if written != expected:
                    raise BackupError(
                        f"Tabel {table}: {expected} baris di SQLite, {written} di PostgreSQL."
                    )
                rows[table] = written
            say("Membangun indeks, memeriksa kunci asing, mengatur ulang urutan id…")
            for _name, definition in indexes:
                cursor.execute(definition)
            for table, name, definition in keys:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
            for statement in target.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
            say("Memeriksa checksum tabel pekerja…")
            if person_checksum(source.alias) != person_checksum(target.alias):
                raise BackupError(
                    "Isi tabel pekerja di PostgreSQL berbeda dari SQLite; pemindahan dibatalkan."
                )
    except DatabaseError as error:
        raise BackupError(f"PostgreSQL menolak data dari SQLite: {error}") from error
    finally:
        reader.execute("COMMIT")
    return rows
