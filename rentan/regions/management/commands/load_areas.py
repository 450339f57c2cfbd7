from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rentan.regions.loading import load_areas
from rentan.regions.models import Area


class Command(BaseCommand):
    help = "Muat daftar wilayah Kemendagri 2025 (provinsi sampai kelurahan/desa)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--prefix", help="hanya wilayah di bawah kode ini, mis. 33.75")

    def handle(self, *args: Any, prefix: str | None = None, **options: Any) -> None:
        before = Area.objects.count()
        read = load_areas(Area, prefix)
        added = Area.objects.count() - before
        self.stdout.write(f"{read} wilayah dibaca, {added} baru dimuat.")
