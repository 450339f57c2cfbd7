"""The life of a membership (kepesertaan): its states and the only moves between them.

ditetapkan (on the approved list) > didaftarkan (sent to the BPJS branch) > aktif (KPJ
number and start date from the branch) or ditolak (the branch's reason) > berhenti (ended,
with a reason). A rejected person may be corrected and sent again; an ended membership is
final (a person who comes back gets a new placement and a new membership).
"""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class MembershipStatus(TextChoices):
    APPROVED = "approved", _("Ditetapkan")
    REGISTERED = "registered", _("Didaftarkan")
    ACTIVE = "active", _("Aktif")
    REJECTED = "rejected", _("Ditolak")
    ENDED = "ended", _("Berhenti")


class EndReason(TextChoices):
    DIED = "died", _("Meninggal dunia")
    MOVED_AWAY = "moved_away", _("Pindah domisili ke luar daerah")
    FORMAL_WORK = "formal_work", _("Bekerja di sektor formal")
    OVER_AGE = "over_age", _("Melewati batas usia")
    BY_REQUEST = "by_request", _("Atas permintaan yang bersangkutan")
    INELIGIBLE = "ineligible", _("Tidak layak lagi setelah peninjauan")


S = MembershipStatus

# from -> the states it may move to. Everything not listed is refused.
TRANSITIONS: dict[MembershipStatus, frozenset[MembershipStatus]] = {
    S.APPROVED: frozenset({S.REGISTERED, S.ENDED}),
    S.REGISTERED: frozenset({S.ACTIVE, S.REJECTED, S.ENDED}),
    S.ACTIVE: frozenset({S.ENDED}),
    S.REJECTED: frozenset({S.REGISTERED, S.ENDED}),
    S.ENDED: frozenset(),
}


class TransitionRefused(ValueError):
    def __init__(self, current: MembershipStatus, target: MembershipStatus) -> None:
        self.current = current
        self.target = target
        super().__init__(
            _("Status kepesertaan tidak dapat diubah dari “%(current)s” menjadi “%(target)s”.")
            % {"current": current.label, "target": target.label}
        )


def may_move(current: MembershipStatus, target: MembershipStatus) -> bool:
    return target in TRANSITIONS[current]


# How each state is marked in lists and on the membership page (the stylesheet's badge
# classes): covered is good news, refused or ended is not, the rest is under way.
BADGE: dict[MembershipStatus, str] = {S.ACTIVE: "ok", S.REJECTED: "off", S.ENDED: "off"}


def check_transition(current: MembershipStatus, target: MembershipStatus) -> None:
    """Raise TransitionRefused unless the table allows current -> target."""
    if not may_move(MembershipStatus(current), MembershipStatus(target)):
        raise TransitionRefused(MembershipStatus(current), MembershipStatus(target))
