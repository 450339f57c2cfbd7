"""rentan move_to_postgres --to DATABASE_URL: the embedded SQLite database into PostgreSQL."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rentan.core import backup


class Command(BaseCommand):
    help = (
        "Pindahkan seluruh isi basis data SQLite ke basis data PostgreSQL yang kosong (id tetap "
        "sama), lalu periksa jumlah baris tiap tabel dan checksum tabel pekerja."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to",
            required=True,
            dest="target_url",
            help="Basis data tujuan, mis. postgres://rentan:SANDI@localhost/rentan",
        )

    def handle(self, *args: Any, target_url: str, **options: Any) -> None:
        verbose = options["verbosity"] > 1
        try:
            result = backup.move_to_postgres(
                target_url=target_url,
                progress=(lambda line: self.stdout.write(line)) if verbose else None,
            )
        except backup.BackupError as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(
            f"{len(result.rows)} tabel ({sum(result.rows.values())} baris) dipindahkan ke "
            f"PostgreSQL dalam {result.seconds:.1f} detik; jumlah baris dan checksum tabel "
            "pekerja cocok.\n"
            "Berkas unggahan tetap di MEDIA_ROOT yang sama: jalankan Rentan dengan "
            "DATABASE_URL baru dan folder var/ (RENTAN_VAR_DIR) yang sama."
        )
