from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rentan.enrollment import selectors, services
from rentan.enrollment.services import exchange_files as file_services
from rentan.programmes.models import Cycle


class Command(BaseCommand):
    help = (
        "Tulis berkas pendaftaran BPJS (.xlsx) untuk periode CYCLE: id periode, atau "
        "KODEPROGRAM-TAHUN (mis. jamsos-pekalongan-2023)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("cycle")
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args: Any, cycle: str, out: Path, **options: Any) -> None:
        try:
            found = selectors.find_cycle(cycle)
        except Cycle.DoesNotExist as missing:
            raise CommandError(f"Periode “{cycle}” tidak ditemukan.") from missing
        try:
            exchange = file_services.export_registration(
                actor=None, cycle=found, today=timezone.localdate()
            )
        except services.EnrollmentRefused as refused:
            raise CommandError(str(refused)) from refused
        out.write_bytes(bytes(exchange.content))
        self.stdout.write(
            f"{exchange.rows} peserta ditulis ke {out} (SHA-256 {exchange.checksum})."
        )
