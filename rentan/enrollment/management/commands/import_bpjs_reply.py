from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rentan.enrollment.bpjs_files import FileNotReadable
from rentan.enrollment.services import exchange_files as file_services


class Command(BaseCommand):
    help = "Impor balasan pendaftaran dari BPJS (nomor KPJ dan tanggal mulai, atau alasan ditolak)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            result = file_services.import_bpjs_reply(
                actor=None,
                content=file.read_bytes(),
                filename=file.name,
                today=timezone.localdate(),
            )
        except (FileNotReadable, OSError) as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(
            f"Aktif: {result.activated}, ditolak: {result.rejected}, "
            f"baris bermasalah (tidak mengubah apa pun): {len(result.problems)}."
        )
        for problem in result.problems:
            self.stdout.write(f"  {problem.message}")
