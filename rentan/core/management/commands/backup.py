"""rentan backup --out FILE: the database and the uploaded files in one archive."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rentan.core import backup


class Command(BaseCommand):
    help = (
        "Cadangkan basis data (PostgreSQL: pg_dump; SQLite: salinan daring) dan berkas unggahan "
        "(MEDIA_ROOT) ke satu arsip .tar.gz beserta manifest jumlah baris dan checksum."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="Berkas arsip (.tar.gz).")

    def handle(self, *args: Any, out: Path, **options: Any) -> None:
        try:
            manifest = backup.backup(out=out)
        except backup.BackupError as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(
            f"Cadangan {backup.KIND_NAMES[manifest.kind]} ditulis ke {out}: "
            f"{len(manifest.tables)} tabel, {sum(manifest.tables.values())} baris, "
            f"{len(manifest.files) - 1} berkas unggahan."
        )
