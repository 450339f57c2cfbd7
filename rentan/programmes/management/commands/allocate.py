from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rentan.core.formatting import format_number, format_rupiah
from rentan.programmes import services
from rentan.programmes.allocation import AllocationResult
from rentan.programmes.lifecycle import TransitionRefused
from rentan.programmes.models import Cycle


class Command(BaseCommand):
    help = "Alokasikan kuota satu periode program: rentan allocate PROGRAM TAHUN [--dry-run]."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("programme", help="kode program, mis. pekalongan-bpu")
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--dry-run", action="store_true", help="hitung dan tampilkan saja, tanpa menyimpan"
        )

    def handle(self, *args: Any, programme: str, year: int, dry_run: bool, **options: Any) -> None:
        try:
            cycle = Cycle.objects.select_related("programme").get(
                programme__code=programme, year=year
            )
        except Cycle.DoesNotExist as missing:
            raise CommandError(f"Periode {programme} {year} tidak ada.") from missing
        try:
            if dry_run:
                result = services.compute_allocation(cycle)
            else:
                result = services.allocate_cycle(actor=None, cycle=cycle)
        except TransitionRefused as refused:
            raise CommandError(str(refused)) from refused
        self._report(result, dry_run)

    def _report(self, result: AllocationResult, dry_run: bool) -> None:
        params = result.params
        lines = [
            "Simulasi (tidak disimpan)." if dry_run else "Alokasi disimpan.",
            f"Target {format_number(params.target)}; pagu {format_rupiah(params.budget_ceiling)} "
            f"cukup untuk {format_number(params.places_by_budget)} orang.",
            f"Lanjutan {format_number(result.continuing_count)}, baru "
            f"{format_number(result.new_count)}, cadangan {format_number(result.waiting_count)}.",
            f"Biaya {format_number(result.selected_count)} x "
            f"{format_rupiah(params.monthly_premium)} x {params.coverage_months} = "
            f"{format_rupiah(result.cost)}.",
        ]
        for reason, count in result.ineligible.most_common():
            lines.append(f"  tidak memenuhi syarat ({reason}): {format_number(count)}")
        self.stdout.write("\n".join(lines) + "\n")
