"""rentan restore FILE [--force]: a backup back into the database and MEDIA_ROOT, checked."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rentan.core import backup


class Command(BaseCommand):
    help = (
        "Pulihkan arsip dari `rentan backup` ke basis data dan MEDIA_ROOT, lalu periksa jumlah "
        "baris tiap tabel dan checksum tabel pekerja terhadap manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Timpa basis data yang sudah berisi pekerja atau pengguna.",
        )

    def handle(self, *args: Any, archive: Path, force: bool, **options: Any) -> None:
        if not archive.is_file():
            raise CommandError(f"Berkas {archive} tidak ada.")
        try:
            manifest = backup.restore(archive=archive, force=force)
        except backup.BackupError as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(
            f"Cadangan {manifest.created_at} dipulihkan: {len(manifest.tables)} tabel "
            f"({sum(manifest.tables.values())} baris) dan {len(manifest.files) - 1} berkas "
            "unggahan cocok dengan manifest.\n"
            "Bila Rentan ini lebih baru dari cadangannya, jalankan `rentan migrate`."
        )
