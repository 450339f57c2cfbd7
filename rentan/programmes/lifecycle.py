"""The order a cycle's status moves in, and why a move is refused (pure).

draft -> allocated (the list is computed; it may be computed again while allocated)
allocated -> approved (with a decree reference; the list is frozen from here on)
approved -> running (cover has started) -> closed (the year is over)
"""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

DRAFT, ALLOCATED, APPROVED, RUNNING, CLOSED = "draft", "allocated", "approved", "running", "closed"

ALLOWED: dict[str, frozenset[str]] = {
    DRAFT: frozenset({ALLOCATED}),
    ALLOCATED: frozenset({ALLOCATED, APPROVED, DRAFT}),
    APPROVED: frozenset({RUNNING}),
    RUNNING: frozenset({CLOSED}),
    CLOSED: frozenset(),
}


class Refusal(TextChoices):
    FROZEN = (
        "frozen",
        _("Daftar periode ini sudah ditetapkan; perubahan hanya lewat penggantian dengan alasan."),
    )
    NOT_ALLOCATED = "not_allocated", _("Periode ini belum dialokasikan.")
    NOT_APPROVED = "not_approved", _("Periode ini belum ditetapkan.")
    NOT_RUNNING = "not_running", _("Periode ini belum berjalan.")
    CLOSED = "closed", _("Periode ini sudah ditutup.")
    NO_DECREE = "no_decree", _("Nomor SK penetapan wajib diisi.")
    EMPTY_LIST = "empty_list", _("Tidak ada peserta terpilih untuk ditetapkan.")
    NO_RATE = "no_rate", _("Tidak ada tarif iuran yang berlaku pada awal masa perlindungan.")
    RULES_INVALID = "rules_invalid", _("Aturan kelayakan atau bobot skor program tidak valid.")
    EXCLUDED_ON_LIST = (
        "excluded_on_list",
        _(
            "Ada pekerja dalam daftar yang dikecualikan oleh petugas setelah alokasi terakhir; "
            "alokasikan ulang dulu."
        ),
    )


class TransitionRefused(Exception):
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
        raise TransitionRefused(Refusal.CLOSED)
    if current in (APPROVED, RUNNING) and target in (ALLOCATED, DRAFT, APPROVED):
        raise TransitionRefused(Refusal.FROZEN)
    if target == APPROVED:
        raise TransitionRefused(Refusal.NOT_ALLOCATED)
    if target == RUNNING:
        raise TransitionRefused(Refusal.NOT_APPROVED)
    if target == CLOSED:
        raise TransitionRefused(Refusal.NOT_RUNNING)
    raise TransitionRefused(Refusal.FROZEN)
