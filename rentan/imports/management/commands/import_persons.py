"""rentan import_persons FILE [--kelurahan KODE] [--commit]: the web import, from a terminal."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rentan.accounts.models import User
from rentan.imports import selectors, services
from rentan.imports.models import BatchStatus
from rentan.regions.models import Area


class ProgressBar:
    """A text progress bar on stderr, redrawn in place."""

    LABELS = {"validate": "Memeriksa baris", "dedup": "Mencari data ganda", "commit": "Menyimpan"}

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.last: tuple[str, int] = ("", -1)

    def __call__(self, phase: str, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if (phase, percent) == self.last:
            return
        self.last = (phase, percent)
        filled = percent // 4
        label = self.LABELS.get(phase, phase)
        self.stream.write(
            f"\r{label:<18} [{'#' * filled}{'.' * (25 - filled)}] {percent:3d}% "
            f"({done:,}/{total:,})".replace(",", ".")
        )
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Periksa (dan dengan --commit simpan) berkas data pekerja .xlsx/.xls/.ods/.csv. "
        "Tanpa --commit hanya melaporkan."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--kelurahan",
            default="",
            help="Kode kelurahan (mis. 33.75.01.1002) untuk baris tanpa kolom/isi kelurahan.",
        )
        parser.add_argument("--commit", action="store_true", help="Simpan baris yang siap.")
        parser.add_argument(
            "--user", default="", help="Nama pengguna yang tercatat sebagai pengimpor."
        )
        parser.add_argument(
            "--no-household-rule",
            action="store_true",
            help="Jangan tandai anggota KK yang sama sebagai data ganda.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"Berkas {path} tidak ada.")
        code = options["kelurahan"]
        if code and not Area.objects.filter(code=code).exists():
            raise CommandError(f"Kode kelurahan {code} tidak dikenal.")
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"Pengguna {options['user']} tidak ada.")
        progress = ProgressBar(self.stderr if self.stderr else sys.stderr)
        try:
            batch = services.upload_batch(
                actor=actor,
                path=path,
                original_name=path.name,
                default_kelurahan_code=code,
                household_rule=not options["no_household_rule"],
            )
        except services.FileAlreadyImported as already:
            self.stdout.write(str(already))
            return
        batch = services.stage_batch(batch_id=batch.pk, progress=progress)
        self._report(batch)
        if batch.status != BatchStatus.REVIEW:
            raise CommandError("Berkas tidak dapat diimpor; lihat keterangan di atas.")
        if not options["commit"]:
            self.stdout.write(
                f"Belum ada yang disimpan (impor #{batch.pk}). Jalankan lagi dengan --commit "
                f"untuk menyimpan {batch.rows_ready} baris yang siap."
            )
            return
        result = services.commit_batch(batch_id=batch.pk, actor=actor, progress=progress)
        self.stdout.write(
            f"Disimpan: {result.created} pekerja ditambahkan; {result.already_registered} sudah "
            f"terdaftar; {result.left_out} baris tidak disimpan (impor #{batch.pk})."
        )

    def _report(self, batch: Any) -> None:
        out = self.stdout.write
        if batch.status == BatchStatus.FAILED:
            out(f"Berkas tidak dapat dibaca: {batch.problem}")
            return
        if batch.status == BatchStatus.NEEDS_MAPPING:
            missing = ", ".join(services.missing_columns(batch))
            out(f"Kolom wajib tidak ditemukan: {missing}. Judul kolom berkas: {batch.headers}")
            return
        out(f"Impor #{batch.pk}: {batch.original_name} (judul kolom di baris {batch.header_row})")
        out(f"  baris data          : {batch.rows_total}")
        out(f"  siap disimpan       : {batch.rows_ready}")
        out(f"  dengan kesalahan    : {batch.rows_error}")
        out(f"  mungkin data ganda  : {batch.rows_duplicate}")
        out(f"  sudah terdaftar     : {batch.rows_registered}")
        for row in selectors.rows_with_errors(batch, limit=200):
            for issue in row.issues:
                if not issue.get("is_warning"):
                    out(
                        f"  baris {row.row_number}, kolom {issue['column']} "
                        f"({issue['value']!s}): {issue['message']}"
                    )
        for item in selectors.rows_to_decide(batch.uploaded_by, batch):
            row = item["row"]
            for other in item["others"]:
                if other["person"]:
                    who = f"{other['person'].name} ({other['person'].masked_nik})"
                elif other["is_elsewhere"]:
                    who = "pekerja terdaftar yang tidak terlihat oleh pengimpor"
                else:
                    who = f"baris {other['row']}"
                out(
                    f"  baris {row.row_number} ({row.get_status_display()}): mirip {who}: "
                    f"{', '.join(other['reasons'])}"
                )
