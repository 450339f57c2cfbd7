import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rentan.enrollment.bpjs_files import (
    DEFAULT_COLUMNS,
    Field,
    Format,
    MappingError,
    columns_from_data,
    columns_to_data,
)
from rentan.enrollment.models import RegistrationMapping
from rentan.enrollment.services import exchange_files as file_services
from rentan.programmes.models import Programme


class Command(BaseCommand):
    help = (
        "Tampilkan susunan kolom berkas pendaftaran BPJS sebuah program sebagai JSON, atau "
        "ganti dengan --set FILE.json (daftar {header, field, format})."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("programme", help="kode program")
        parser.add_argument("--set", type=Path, dest="source")
        parser.add_argument("--sheet", default="Pendaftaran")

    def handle(self, *args: Any, programme: str, source: Path | None, sheet: str, **o: Any) -> None:
        found = Programme.objects.filter(code=programme).first()
        if found is None:
            raise CommandError(f"Program “{programme}” tidak ditemukan.")
        if source is not None:
            try:
                columns = columns_from_data(json.loads(source.read_text(encoding="utf-8")))
                file_services.save_registration_mapping(
                    actor=None, programme=found, columns=columns, sheet_name=sheet
                )
            except (OSError, ValueError, MappingError, TypeError) as bad:
                raise CommandError(str(bad)) from bad
        mapping = RegistrationMapping.objects.filter(programme=found).first()
        data = mapping.columns if mapping else columns_to_data(DEFAULT_COLUMNS)
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
        self.stdout.write(f"\nfield: {', '.join(f.value for f in Field)}")
        self.stdout.write(f"format: {', '.join(f.value for f in Format)}")
