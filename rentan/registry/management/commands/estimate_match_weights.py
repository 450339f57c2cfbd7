from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rentan.core.formatting import format_number
from rentan.registry import tasks
from rentan.registry.services import estimate_match_weights


class Command(BaseCommand):
    help = (
        "Hitung ulang bobot pencarian data ganda dari data pekerja yang aktif, tanpa label "
        "(u dari pasangan acak, m dengan expectation maximisation); pencarian berikutnya "
        "memakai bobot ini."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--background",
            action="store_true",
            help="Serahkan ke pekerja latar (rentan db_worker) alih-alih menghitung di sini.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["background"]:
            # One estimation at a time, as on the duplicate queue, which follows it.
            if tasks.estimate_weights_on_request(actor=None):
                self.stdout.write("Penghitungan bobot diserahkan ke pekerja latar.")
            else:
                self.stdout.write(
                    "Penghitungan bobot yang diminta sebelumnya masih berjalan di pekerja latar."
                )
            return
        weights = estimate_match_weights()
        self.stdout.write(
            f"Bobot dihitung dari {format_number(weights.record_count)} data pekerja; "
            f"peluang awal dua data acak orang yang sama {weights.prior:.2e}."
        )
