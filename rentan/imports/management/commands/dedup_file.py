from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rentan.core.exports import csv_writer
from rentan.imports.person_sheet import FIELDS, SpreadsheetError, read_persons
from rentan.registry.dedup import DEFAULT_THRESHOLD, find_pairs


def _mapping(pairs: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        header, sep, field = pair.partition("=")
        if not sep or not header.strip() or not field.strip():
            raise CommandError(f"--map harus berbentuk judul=kolom, bukan {pair!r}.")
        mapping[header.strip()] = field.strip()
    return mapping


class Command(BaseCommand):
    help = (
        "Periksa satu berkas (.xlsx, .xls, .ods, .csv) terhadap dirinya sendiri: tulis satu "
        "baris per pasangan yang kemungkinan orang yang sama (nomor kedua baris, skor, alasan), "
        "agar kelurahan dapat membersihkan berkasnya sebelum dikirim."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--out", type=Path, required=True, help="Berkas CSV hasil.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="JUDUL=KOLOM",
            help=f"Petakan judul kolom berkas ke salah satu dari: {', '.join(FIELDS)}.",
        )
        parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["file"]
        if not source.is_file():
            raise CommandError(f"Berkas {source} tidak ditemukan.")
        try:
            sheet = read_persons(source, mapping=_mapping(options["map"]))
        except SpreadsheetError as error:
            raise CommandError(str(error)) from error
        pairs = find_pairs(sheet.records, threshold=options["threshold"])
        with options["out"].open("w", newline="", encoding="utf-8") as out:
            writer = csv_writer(out)
            writer.writerow(["baris_1", "baris_2", "skor", "pasti_sama", "alasan"])
            for pair in sorted(pairs, key=lambda p: (_row(p.left), _row(p.right))):
                writer.writerow(
                    [
                        _row(pair.left),
                        _row(pair.right),
                        f"{pair.score:.2f}".replace(".", ","),
                        "ya" if pair.is_exact else "tidak",
                        "; ".join(str(reason.label) for reason in pair.reasons),
                    ]
                )
        self.stdout.write(
            f"{len(sheet.records)} baris dibaca, {len(pairs)} pasangan kemungkinan duplikat "
            f"ditulis ke {options['out']}."
        )


def _row(key: str) -> int:
    return int(key.removeprefix("row:"))
