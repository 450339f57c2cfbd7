"""rentan xlsform --out FORM.xlsx [--form-id ID]: the field form for KoboCollect/ODK Collect."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rentan.imports.selectors import programme_choices
from rentan.imports.xlsform import DEFAULT_FORM_ID, build_xlsform
from rentan.regions.models import Area


class Command(BaseCommand):
    help = (
        "Tulis formulir pendataan (XLSForm) untuk KoboToolbox/ODK Collect: isian, batasan dan "
        "daftar pilihan sama dengan templat impor."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help="Berkas .xlsx yang ditulis.")
        parser.add_argument(
            "--form-id",
            default=DEFAULT_FORM_ID,
            help=f"Kode formulir (form_id) di KoboToolbox; bawaan {DEFAULT_FORM_ID}.",
        )

    def handle(self, *args: object, **options: object) -> None:
        out = Path(str(options["out"]))
        choices = programme_choices()
        if not choices.kelurahan or not choices.occupations:
            raise CommandError(
                "Daftar kelurahan atau jenis pekerjaan masih kosong: muat wilayah dan jenis "
                "pekerjaan lebih dahulu."
            )
        region = Area.objects.filter(code=settings.RENTAN_REGION_CODE).first()
        # A new version each day the form is written: KoboToolbox and Collect tell a
        # changed form from the one on the tablets by it.
        content = build_xlsform(
            choices=choices,
            region_name=region.name if region else settings.RENTAN_REGION_CODE,
            version=timezone.localtime().strftime("%Y%m%d%H%M"),
            form_id=str(options["form_id"]),
        )
        out.write_bytes(content)
        self.stdout.write(
            f"Formulir ditulis ke {out}: {len(choices.kelurahan)} kelurahan, "
            f"{len(choices.occupations)} jenis pekerjaan."
        )
