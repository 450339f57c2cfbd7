"""Finds records that are probably the same person: within a file, across files and against
the registry. Pure: plain records in, scored pairs with their reasons out.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class MatchReason(TextChoices):
    SAME_NIK = "same_nik", _("NIK sama")
    SAME_KK = "same_kk", _("Nomor KK sama (satu peserta per keluarga)")


@dataclass(frozen=True)
class DedupRecord:
    key: str  # the caller's identifier: "row:12", "person:345"
    nik: str  # "" when missing or invalid
    name: str
    birth_date: date | None
    kelurahan_code: str
    address: str = ""
    kk_number: str = ""


@dataclass(frozen=True)
class PairMatch:
    left: str
    right: str
    score: float  # 0..1
    reasons: tuple[MatchReason, ...]

    @property
    def is_exact(self) -> bool:
        return MatchReason.SAME_NIK in self.reasons


DEFAULT_THRESHOLD = 0.85


def _grouped(records: Iterable[DedupRecord], attribute: str) -> dict[str, list[DedupRecord]]:
    groups: dict[str, list[DedupRecord]] = defaultdict(list)
    for record in records:
        value = getattr(record, attribute)
        if value:
            groups[value].append(record)
    return groups


def find_pairs(
    records: Sequence[DedupRecord],
    *,
    against: Sequence[DedupRecord] = (),
    threshold: float = DEFAULT_THRESHOLD,
    household_rule: bool = False,
) -> list[PairMatch]:
    """Pairs among `records`, and between `records` and `against` (never within `against`)."""
    reasons: dict[tuple[str, str], set[MatchReason]] = defaultdict(set)
    new_keys = {record.key for record in records}
    blocks = [("nik", MatchReason.SAME_NIK)]
    if household_rule:
        blocks.append(("kk_number", MatchReason.SAME_KK))
    for attribute, reason in blocks:
        for group in _grouped([*records, *against], attribute).values():
            for left, right in combinations(group, 2):
                if left.key in new_keys or right.key in new_keys:
                    reasons[(left.key, right.key)].add(reason)
    return sorted(
        (
            PairMatch(left, right, 1.0, tuple(sorted(found)))
            for (left, right), found in reasons.items()
            if threshold <= 1.0
        ),
        key=lambda pair: (-pair.score, pair.left, pair.right),
    )
