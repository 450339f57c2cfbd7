"""rentan export_bpjs CYCLE --out FILE: a cycle's registration file for the BPJS branch, as the
page makes it. CYCLE is the cycle's id or PROGRAMMECODE-YEAR.

Like the page, it first looks for members lacking a field the branch requires (the branch
refuses such a row a month later): it then writes nothing and says who lacks what, unless
told to write the complete members only (--lengkap-saja); the others stay ditetapkan and go
in a later file once their data is fixed."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rentan.core.audit import record_read
from rentan.core.formatting import format_number
from rentan.enrollment import selectors, services
from rentan.enrollment.services import exchange_files as file_services
from rentan.programmes.models import Cycle

# The members lacking data that the refusal lists; the rest are counted.
INCOMPLETE_LISTED = 20


class Command(BaseCommand):
    help = (
        "Tulis berkas pendaftaran BPJS (.xlsx) untuk periode CYCLE: id periode, atau "
        "KODEPROGRAM-TAHUN (mis. jamsos-pekalongan-2023). Bila ada peserta yang datanya "
        "belum lengkap, tidak ada yang ditulis kecuali dengan --lengkap-saja."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("cycle")
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument(
            "--lengkap-saja",
            dest="complete_only",
            action="store_true",
            help="Tulis hanya peserta yang datanya lengkap; yang lain ikut berkas berikutnya.",
        )

    def handle(
        self, *args: Any, cycle: str, out: Path, complete_only: bool, **options: Any
    ) -> None:
        try:
            found = selectors.find_cycle(cycle)
        except Cycle.DoesNotExist as missing:
            raise CommandError(f"Periode “{cycle}” tidak ditemukan.") from missing
        if not complete_only:
            self._refuse_incomplete(found)
        try:
            exchange = file_services.export_registration(
                actor=None, cycle=found, today=timezone.localdate(), complete_only=complete_only
            )
        except services.EnrollmentRefused as refused:
            raise CommandError(str(refused)) from refused
        out.write_bytes(bytes(exchange.content))
        self.stdout.write(
            f"{exchange.rows} peserta ditulis ke {out} (SHA-256 {exchange.checksum})."
        )

    def _refuse_incomplete(self, cycle: Cycle) -> None:
        sendable = selectors.sendable_memberships(cycle)
        incomplete = selectors.incomplete_registrations(sendable, selectors.columns_for(cycle)[0])
        if not incomplete:
            return
        listed = incomplete[:INCOMPLETE_LISTED]
        # Masked NIKs and kelurahan shown on the terminal: a read of those persons' data.
        record_read(
            actor=None,
            persons=[member.person_id for member in listed],
            page=f"rentan export_bpjs {cycle.pk}",
            note=f"Peserta belum lengkap untuk berkas pendaftaran {cycle}",
            target=cycle,
        )
        lines = [
            f"- NIK {member.masked_nik}, {member.kelurahan}: belum ada "
            + ", ".join(member.missing_labels)
            for member in listed
        ]
        if len(incomplete) > len(listed):
            lines.append(f"- dan {format_number(len(incomplete) - len(listed))} peserta lain.")
        raise CommandError(
            f"{format_number(len(incomplete))} peserta belum lengkap datanya untuk BPJS "
            "Ketenagakerjaan, yang menolak pendaftaran tanpa nama ibu kandung, tempat lahir "
            "atau alamat. Tidak ada berkas yang ditulis.\n"
            + "\n".join(lines)
            + "\nLengkapi data mereka, atau tulis berkas untuk "
            f"{format_number(sendable.count() - len(incomplete))} peserta yang lengkap dengan "
            "--lengkap-saja."
        )
