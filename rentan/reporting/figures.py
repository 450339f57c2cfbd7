"""Rules of the reports over plain values: age bands, the months of a trend, small cells.

No ORM here; the selectors count, these decide how counts are grouped and shown.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rentan.core.formatting import format_number

# BPS's ten-year working-age bands, the first cut at the programme's usual lower age limit.
AGE_BANDS: tuple[tuple[int, int | None], ...] = (
    (0, 17),
    (18, 24),
    (25, 34),
    (35, 44),
    (45, 54),
    (55, 64),
    (65, None),
)

# A published cell counting fewer people than this is shown as "<5": a kecamatan with two
# participants of one job type is close to naming them.
SMALL_CELL = 5
SUPPRESSED = "<5"


def band_label(low: int, high: int | None) -> str:
    return f"{low}\u2013{high}" if high is not None else f"{low}+"  # an en dash, as printed


def years_before(on: date, years: int) -> date:
    """The same day `years` earlier (29 February becomes the 28th)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def band_birth_dates(on: date) -> list[tuple[str, date | None, date | None]]:
    """Per age band on `on`: (label, born after, born on or before), either end open (None).

    A person is `low` years old or more on `on` when born on or before `on` minus `low` years,
    and at most `high` when born after `on` minus `high` + 1 years."""
    bands = []
    for low, high in AGE_BANDS:
        latest = years_before(on, low) if low else None
        earliest = years_before(on, high + 1) if high is not None else None
        bands.append((band_label(low, high), earliest, latest))
    return bands


@dataclass(frozen=True)
class Cell:
    """A count as published: the number, or "<5" when it is too small to show."""

    value: int
    is_suppressed: bool

    def __str__(self) -> str:
        return SUPPRESSED if self.is_suppressed else format_number(self.value)


def suppress_small(values: Sequence[int], *, total_shown: bool = True) -> list[Cell]:
    """Cells under SMALL_CELL become "<5". When the column's total is published and only one
    cell of it was hidden, the total minus the others would give it back, so the next
    smallest cell is hidden with it."""
    hidden = {i for i, value in enumerate(values) if value < SMALL_CELL}
    if total_shown and len(hidden) == 1 and len(values) > 1:
        others = sorted((value, i) for i, value in enumerate(values) if i not in hidden)
        hidden.add(others[0][1])
    return [Cell(value, i in hidden) for i, value in enumerate(values)]


def published_total(total: int) -> Cell:
    return Cell(total, total < SMALL_CELL)
