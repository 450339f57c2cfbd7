"""Run a command against a throwaway PostgreSQL cluster.

    python -m rentan.testing.postgres -- pytest -q

Creates a cluster in a temporary folder with Debian's initdb, starts it on a unix socket only,
exports DATABASE_URL for the command, and removes everything afterwards. PostgreSQL refuses
to run as root, so as root the cluster belongs to the `postgres` system user.
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote


def _postgres_binary(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        sys.exit(f"{name} tidak ditemukan: pasang paket Debian 'postgresql' (apt-get install).")
    return found


def _as_cluster_owner(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        sys.exit("usage: python -m rentan.testing.postgres -- COMMAND [ARGS...]")
    root = Path(tempfile.mkdtemp(prefix="rentan-pg-"))
    data, socket_dir, log = root / "data", root / "socket", root / "server.log"
    socket_dir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(socket_dir, "postgres")
        root.chmod(0o755)
    run = lambda cmd: subprocess.run(_as_cluster_owner(cmd), check=True, capture_output=True)  # noqa: E731
    try:
        run(
            [
                _postgres_binary("initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
        # Durability is not wanted in a cluster that lives for one test run.
        options = (
            f"-k {socket_dir} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        run(
            [
                _postgres_binary("pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(log),
                "-w",
                "start",
            ]
        )
        url = f"postgres://postgres@{quote(str(socket_dir), safe='')}/postgres"
        print(f"PostgreSQL sementara berjalan di {socket_dir}", flush=True)
        return subprocess.call(argv, env={**os.environ, "DATABASE_URL": url})
    except subprocess.CalledProcessError as failure:
        sys.stderr.write(failure.stdout.decode() + failure.stderr.decode())
        if log.exists():
            sys.stderr.write(log.read_text())
        return 1
    finally:
        if data.exists():
            subprocess.run(
                _as_cluster_owner(
                    [_postgres_binary("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
                ),
                capture_output=True,
            )
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
