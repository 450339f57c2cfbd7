from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rentan.core.formatting import format_rupiah
from rentan.enrollment import selectors, services
from rentan.enrollment.bpjs_files import FileNotReadable
from rentan.enrollment.services import bills as bill_services
from rentan.programmes.models import Cycle
from rentan.registry.nik import mask_nik


def _month(text: str) -> date:
    year, _, month = text.partition("-")
    return date(int(year), int(month), 1)


class Command(BaseCommand):
    help = (
        "Impor surat tagihan iuran BPJS untuk satu bulan (--month 2023-03) dan cocokkan "
        "dengan daftar peserta aktif."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--month", required=True, type=_month)
        parser.add_argument(
            "--cycle", help="id periode atau KODEPROGRAM-TAHUN, bila lebih dari satu"
        )

    def handle(
        self, *args: Any, file: Path, month: date, cycle: str | None, **options: Any
    ) -> None:
        try:
            if cycle:
                found = selectors.find_cycle(cycle)
            else:
                matches = [
                    c
                    for c in selectors.enrollment_cycles()
                    if c.coverage_start_on.replace(day=1) <= month
                    and month.year * 12 + month.month
                    < c.coverage_start_on.year * 12 + c.coverage_start_on.month + c.coverage_months
                ]
                if len(matches) != 1:
                    raise CommandError(
                        f"{len(matches)} periode mencakup bulan {month:%m-%Y}; sebutkan --cycle."
                    )
                found = matches[0]
        except Cycle.DoesNotExist as missing:
            raise CommandError(f"Periode “{cycle}” tidak ditemukan.") from missing
        try:
            bill = bill_services.import_bpjs_bill(
                actor=None, cycle=found, month=month, content=file.read_bytes(), filename=file.name
            )
        except (
            FileNotReadable,
            bill_services.BillRejected,
            services.EnrollmentRefused,
            OSError,
        ) as bad:
            raise CommandError(str(bad)) from bad
        result = selectors.bill_reconciliation(bill)
        self.stdout.write(
            f"Tagihan {month:%m-%Y}: {format_rupiah(result.billed_total)}, "
            f"diharapkan {format_rupiah(result.expected_total)}, "
            f"{len(result.differences)} selisih; "
            + (
                "total cocok setelah selisih dijelaskan."
                if result.ties_out
                else "TOTAL TIDAK COCOK."
            )
        )
        for difference in result.differences:
            self.stdout.write(
                f"  {difference.kind.value} {mask_nik(difference.nik)}: "
                f"diharapkan {format_rupiah(difference.expected)}, "
                f"ditagih {format_rupiah(difference.billed)}"
            )
