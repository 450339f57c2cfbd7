"""The states a complaint (pengaduan) moves through, the decisions that end a review, and
why a move is refused (pure).

received (diterima) -> in review (ditinjau, once someone is assigned)
in review -> decided (diputus: a decision with its reason) -> closed (selesai)

A follow-up (tindak lanjut) is recorded on a decided complaint that was upheld: what was done
through the other services (a re-check, a correction of the person's data, a place on the
waiting list, a replacement), each checked against what the records show.
"""

from dataclasses import dataclass

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class ComplaintStatus(TextChoices):
    RECEIVED = "diterima", _("Diterima")
    IN_REVIEW = "ditinjau", _("Ditinjau")
    DECIDED = "diputus", _("Diputus")
    CLOSED = "selesai", _("Selesai")


RECEIVED, IN_REVIEW, DECIDED, CLOSED = (
    ComplaintStatus.RECEIVED,
    ComplaintStatus.IN_REVIEW,
    ComplaintStatus.DECIDED,
    ComplaintStatus.CLOSED,
)

ALLOWED: dict[str, frozenset[str]] = {
    RECEIVED: frozenset({IN_REVIEW}),
    IN_REVIEW: frozenset({DECIDED}),
    DECIDED: frozenset({CLOSED}),
    CLOSED: frozenset(),
}

# Still waiting for an answer: these count against the deadline.
OPEN_STATUSES = frozenset({RECEIVED, IN_REVIEW})


class Channel(TextChoices):
    DESK = "loket", _("Loket (datang langsung)")
    PHONE = "telepon", _("Telepon / WhatsApp")
    LETTER = "surat", _("Surat")
    LAPOR = "lapor", _("Rujukan SP4N-LAPOR!")


class Category(TextChoices):
    NOT_SELECTED = "tidak_terpilih", _("Tidak terpilih")
    WRONGLY_SELECTED = "salah_terpilih", _("Salah terpilih")
    DATA_WRONG = "data_salah", _("Data salah")
    APPEAL = "banding", _("Banding atas keputusan")
    BPJS_CARD = "bpjs", _("Kartu atau pendaftaran BPJS")
    CLAIM = "klaim", _("Klaim")
    CONDUCT = "perilaku", _("Perilaku petugas")


class Reporter(TextChoices):
    PERSON = "pekerja", _("Pekerja yang bersangkutan")
    OTHER = "lain", _("Pelapor lain (tidak terdaftar)")
    ANONYMOUS = "anonim", _("Anonim")


class Decision(TextChoices):
    UPHELD = "dikabulkan", _("Dikabulkan")
    PARTLY_UPHELD = "sebagian", _("Dikabulkan sebagian")
    REJECTED = "ditolak", _("Ditolak")
    WITHDRAWN = "dicabut", _("Dicabut")
    REFERRED = "dirujuk", _("Dirujuk")


UPHOLDING = frozenset({Decision.UPHELD, Decision.PARTLY_UPHELD})


class FollowUp(TextChoices):
    RECHECKED = "diperiksa_ulang", _("Diperiksa ulang; hasil seleksi tetap")
    DATA_CORRECTED = "data_dikoreksi", _("Data pekerja dikoreksi")
    WAITING_LIST = "cadangan", _("Ada di daftar cadangan periode ini")
    REPLACEMENT = "pengganti", _("Masuk sebagai pengganti dari daftar cadangan")


class Refusal(TextChoices):
    CLOSED = "closed", _("Pengaduan ini sudah selesai.")
    NOT_RECEIVED = "not_received", _("Pengaduan ini sudah ditinjau.")
    NOT_IN_REVIEW = "not_in_review", _("Pengaduan ini belum ditinjau atau sudah diputus.")
    NOT_DECIDED = "not_decided", _("Pengaduan ini belum diputus.")
    NO_ASSIGNEE = "no_assignee", _("Tugaskan pengaduan ini kepada petugas sebelum ditinjau.")
    NO_REASON = "no_reason", _("Alasan putusan wajib diisi.")
    NO_PERSON = "no_person", _("Pilih pekerja yang mengadu, atau pilih pelapor lain/anonim.")
    NO_REPORTER_NAME = "no_reporter_name", _("Nama pelapor wajib diisi.")
    NO_KELURAHAN = "no_kelurahan", _("Kelurahan wajib diisi untuk pelapor yang tidak terdaftar.")
    NO_TEXT = "no_text", _("Isi pengaduan wajib diisi.")
    APPEAL_UNDECIDED = (
        "appeal_undecided",
        _("Banding hanya atas pengaduan yang sudah diputus."),
    )
    APPEAL_NOT_APPEAL = (
        "appeal_not_appeal",
        _("Pengaduan yang membanding harus berkategori banding."),
    )
    ASSIGNEE_NOT_ALLOWED = (
        "assignee_not_allowed",
        _("Petugas ini tidak dapat menangani pengaduan dari kelurahan ini."),
    )
    NOT_UPHELD = "not_upheld", _("Tindak lanjut hanya untuk pengaduan yang dikabulkan.")
    NO_CORRECTION = (
        "no_correction",
        _("Belum ada perubahan data pekerja sejak pengaduan diterima."),
    )
    NO_CYCLE = "no_cycle", _("Pengaduan ini tidak menyebut periode.")
    NOT_WAITING = "not_waiting", _("Pekerja tidak ada di daftar cadangan periode ini.")
    NOT_REPLACEMENT = (
        "not_replacement",
        _("Pekerja belum masuk sebagai pengganti pada periode ini."),
    )


class ComplaintRefused(Exception):
    def __init__(self, refusal: Refusal, detail: str = "") -> None:
        message = str(refusal.label) + (f" {detail}" if detail else "")
        super().__init__(message)
        self.refusal = refusal


def may_move(current: str, target: str) -> bool:
    return target in ALLOWED.get(current, frozenset())


def check_transition(current: str, target: str) -> None:
    if may_move(current, target):
        return
    if current == CLOSED:
        raise ComplaintRefused(Refusal.CLOSED)
    if target == IN_REVIEW:
        raise ComplaintRefused(Refusal.NOT_RECEIVED)
    if target == DECIDED:
        raise ComplaintRefused(Refusal.NOT_IN_REVIEW)
    raise ComplaintRefused(Refusal.NOT_DECIDED)


@dataclass(frozen=True)
class Intake:
    """What the desk wrote down, before it is a complaint."""

    reporter: str  # Reporter
    has_person: bool
    reporter_name: str
    has_kelurahan: bool
    text: str
    category: str  # Category
    appealed_status: str | None  # the status of the complaint appealed, if one is named


def intake_refusal(intake: Intake) -> Refusal | None:
    """Why the desk's record cannot be taken as it is, or None."""
    if not intake.text.strip():
        return Refusal.NO_TEXT
    if intake.reporter == Reporter.PERSON and not intake.has_person:
        return Refusal.NO_PERSON
    if intake.reporter == Reporter.OTHER and not intake.reporter_name.strip():
        return Refusal.NO_REPORTER_NAME
    if not intake.has_person and not intake.has_kelurahan:
        return Refusal.NO_KELURAHAN
    if intake.appealed_status is not None:
        if intake.category != Category.APPEAL:
            return Refusal.APPEAL_NOT_APPEAL
        if intake.appealed_status not in (DECIDED, CLOSED):
            return Refusal.APPEAL_UNDECIDED
    return None


@dataclass(frozen=True)
class FollowUpFacts:
    """What the records show about the person since the complaint was received."""

    status: str
    decision: str
    has_cycle: bool
    corrected_since_received: bool
    on_waiting_list: bool
    is_replacement: bool


def follow_up_refusal(kind: str, facts: FollowUpFacts) -> Refusal | None:
    """Why this follow-up cannot be recorded: the complaint must be decided and upheld, and
    what the follow-up says was done must be what the records show."""
    if facts.status != DECIDED:
        return Refusal.CLOSED if facts.status == CLOSED else Refusal.NOT_DECIDED
    if facts.decision not in UPHOLDING:
        return Refusal.NOT_UPHELD
    if kind == FollowUp.DATA_CORRECTED and not facts.corrected_since_received:
        return Refusal.NO_CORRECTION
    if kind in (FollowUp.WAITING_LIST, FollowUp.REPLACEMENT) and not facts.has_cycle:
        return Refusal.NO_CYCLE
    if kind == FollowUp.WAITING_LIST and not facts.on_waiting_list:
        return Refusal.NOT_WAITING
    if kind == FollowUp.REPLACEMENT and not facts.is_replacement:
        return Refusal.NOT_REPLACEMENT
    return None
