"""Age bands and small-cell suppression, over plain values."""

from datetime import date

import pytest

from rentan.reporting.figures import band_birth_dates, published_total, suppress_small

ON = date(2023, 1, 1)


def _band_of(born: date, on: date = ON) -> str:
    for label, born_after, born_by in band_birth_dates(on):
        if (born_after is None or born > born_after) and (born_by is None or born <= born_by):
            return label
    raise AssertionError(f"no band for {born}")


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (date(2005, 1, 2), "0\u201317"),  # 17, eighteen tomorrow
        (date(2005, 1, 1), "18\u201324"),  # eighteen today
        (date(1998, 1, 2), "18\u201324"),  # 24
        (date(1998, 1, 1), "25\u201334"),  # 25 today
        (date(1958, 1, 2), "55\u201364"),  # 64
        (date(1958, 1, 1), "65+"),  # 65 today
        (date(1930, 6, 1), "65+"),
    ],
)
def test_a_person_falls_in_the_band_of_their_age_on_the_day(born, band):
    assert _band_of(born) == band


def test_every_birth_date_falls_in_exactly_one_band():
    bands = band_birth_dates(date(2024, 2, 29))
    for ordinal in range(date(1940, 1, 1).toordinal(), date(2024, 2, 29).toordinal(), 17):
        born = date.fromordinal(ordinal)
        hits = [
            label
            for label, after, by in bands
            if (after is None or born > after) and (by is None or born <= by)
        ]
        assert len(hits) == 1, (born, hits)


def test_cells_under_five_are_shown_as_less_than_five():
    assert [str(cell) for cell in suppress_small([120, 4, 0, 37], total_shown=False)] == [
        "120",
        "<5",
        "<5",
        "37",
    ]


def test_a_lone_hidden_cell_hides_the_next_smallest_so_the_total_does_not_give_it_away():
    cells = suppress_small([1_200, 3, 40, 95])
    assert [str(cell) for cell in cells] == ["1.200", "<5", "<5", "95"]
    assert [cell.value for cell in cells] == [1_200, 3, 40, 95]  # kept, only hidden


def test_a_small_total_is_hidden_too():
    assert str(published_total(4)) == "<5"
    assert str(published_total(423)) == "423"
