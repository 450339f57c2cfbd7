"""rentan export_participants --out FILE.parquet: this region's participants in the format the
regions agree on for linking (rentan.linkage.participants_file; docs/linkage.md).

With --hash-key-file (or RENTAN_LINKAGE_KEY in the environment) the NIKs are written only as
HMAC-SHA256 under the key the regions agreed on; the key itself is never printed or logged.
"""

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rentan.core.audit import record_export
from rentan.enrollment import selectors
from rentan.linkage.participants_file import (
    KeyRefused,
    Participant,
    check_key,
    write_participants,
)
from rentan.registry.names import comparable_name

KEY_ENVIRONMENT = "RENTAN_LINKAGE_KEY"


class Command(BaseCommand):
    help = (
        "Tulis peserta wilayah ini (kepesertaan dan daftar yang ditetapkan) ke berkas Parquet "
        "untuk pencocokan antarwilayah; dengan kunci, NIK hanya ditulis sebagai hash."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument(
            "--programme",
            action="append",
            default=[],
            help="kode program (boleh diulang); tanpa ini semua program",
        )
        parser.add_argument(
            "--year", type=int, help="tahun periode; tanpa ini semua periode yang belum ditutup"
        )
        parser.add_argument(
            "--hash-key-file",
            type=Path,
            help=f"berkas berisi kunci hash yang disepakati (atau variabel {KEY_ENVIRONMENT})",
        )

    def handle(
        self,
        *args: Any,
        out: Path,
        programme: list[str],
        year: int | None,
        hash_key_file: Path | None,
        **options: Any,
    ) -> None:
        key = _key(hash_key_file)
        cycles = list(
            selectors.linkage_cycles(programmes=programme, year=year).select_related("programme")
        )
        if not cycles:
            raise CommandError("Tidak ada periode dengan daftar peserta yang ditetapkan.")
        participants: list[Participant] = []
        persons: set[int] = set()
        for cycle in cycles:
            programme_ = cycle.programme
            region = programme_.region_id
            for row in selectors.covered_participants(cycle):
                persons.add(row["person_id"])
                participants.append(
                    Participant(
                        record_id=f"{region}/{programme_.code}-{cycle.year}/{row['record']}",
                        nik=row["nik"],
                        name=row["name"],
                        name_normal=comparable_name(row["name"]),
                        birth_date=row["birth_date"],
                        sex=row["sex"],
                        kelurahan_code=row["kelurahan_code"],
                        region_code=region,
                        programme=programme_.code,
                        payer=programme_.sponsor,
                        period_start=row["period_start"],
                        period_end=row["period_end"],
                    )
                )
        written = write_participants(participants, out, key=key)
        hashed = "NIK di-hash" if key is not None else "NIK apa adanya"
        record_export(
            actor=None,
            target_type="programmes.cycle",
            target_ids=[cycle.pk for cycle in cycles],
            note=f"Peserta untuk pencocokan antarwilayah ({hashed}): {out.name}",
            persons=persons,
        )
        self.stdout.write(
            f"{written} peserta dari {len(cycles)} periode ditulis ke {out} ({hashed})."
        )


def _key(path: Path | None) -> bytes | None:
    if path is not None:
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(
                f"Berkas kunci {path} tidak dapat dibaca: {error.strerror}."
            ) from None
    elif os.environ.get(KEY_ENVIRONMENT):
        raw = os.environ[KEY_ENVIRONMENT].encode()
    else:
        return None
    try:
        return check_key(raw)
    except KeyRefused as refused:
        raise CommandError(str(refused)) from None
