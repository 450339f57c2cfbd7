from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rentan.registry.dedup import DEFAULT_THRESHOLD
from rentan.registry.services import detect_registry_duplicates


class Command(BaseCommand):
    help = (
        "Cari pasangan duplikat di seluruh registri dan masukkan yang baru ke antrean Duplikat "
        "(pasangan yang sudah diputuskan tidak dimunculkan lagi)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--threshold",
            type=float,
            default=DEFAULT_THRESHOLD,
            help=f"Peluang minimum orang yang sama, 0..1 (bawaan {DEFAULT_THRESHOLD}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = detect_registry_duplicates(threshold=options["threshold"])
        self.stdout.write(
            f"{result.compared} pasangan calon dibandingkan, {result.found} pasangan duplikat "
            f"ditemukan, {result.created} baru masuk antrean."
        )
