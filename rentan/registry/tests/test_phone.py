import pytest

from rentan.registry.phone import (
    PhoneError,
    PhoneProblem,
    format_phone_display,
    normalise_optional_phone,
    normalise_phone,
)


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("0812 3456 7890", "+6281234567890"),
        ("0812.3456.7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("+62 812-3456-789", "+628123456789"),
        ("+62 (0)812-3456-789", "+628123456789"),
        ("0062 812 3456 789", "+628123456789"),
        ("81234567890", "+6281234567890"),
        ("(0285) 421234", "+62285421234"),
        ("021-5551234", "+62215551234"),
        ("0812345678", "+62812345678"),
        ("0812345678901", "+62812345678901"),
        (81234567890.0, "+6281234567890"),
        ("81234567890.0", "+6281234567890"),
        (81234567890, "+6281234567890"),
        (6281234567890, "+6281234567890"),
        (285421234, "+62285421234"),
    ],
    ids=[
        "mobile-with-dashes",
        "mobile-with-spaces",
        "mobile-with-dots",
        "country-code-without-plus",
        "e164-with-separators",
        "country-code-then-trunk-0",
        "international-prefix-00",
        "mobile-without-0",
        "pekalongan-landline",
        "jakarta-landline",
        "shortest-mobile",
        "longest-mobile",
        "excel-float",
        "excel-float-as-text",
        "excel-int",
        "excel-int-with-country-code",
        "excel-landline-without-0",
    ],
)
def test_indonesian_numbers_are_normalised_to_e164(raw: object, e164: str) -> None:
    assert normalise_phone(raw) == e164


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (None, PhoneProblem.EMPTY),
        ("", PhoneProblem.EMPTY),
        ("  ", PhoneProblem.EMPTY),
        (float("nan"), PhoneProblem.EMPTY),
        ("--", PhoneProblem.EMPTY),
        ("0812-3456-789O", PhoneProblem.NOT_DIGITS),
        ("0812 3456 7890 / 0813 1111 2222", PhoneProblem.NOT_DIGITS),
        ("tidak ada", PhoneProblem.NOT_DIGITS),
        (8.1234e10 + 0.5, PhoneProblem.NOT_DIGITS),
        (-81234567890, PhoneProblem.NOT_DIGITS),
        (True, PhoneProblem.NOT_DIGITS),
        ("08123456", PhoneProblem.TOO_SHORT),
        ("0285 4212", PhoneProblem.TOO_SHORT),
        ("+62", PhoneProblem.TOO_SHORT),
        ("08123456789012", PhoneProblem.TOO_LONG),
        (6.281234567890123e15, PhoneProblem.TOO_LONG),
        ("+65 9123 4567", PhoneProblem.NOT_INDONESIAN),
        ("0065 9123 4567", PhoneProblem.NOT_INDONESIAN),
        ("+1 415 555 0100", PhoneProblem.NOT_INDONESIAN),
        ("1 415 555 0100", PhoneProblem.NOT_INDONESIAN),
        ("+62 00812 3456 789", PhoneProblem.NOT_INDONESIAN),
    ],
    ids=[
        "none",
        "empty",
        "blank",
        "nan-from-pandas",
        "only-separators",
        "letter-o-for-zero",
        "two-numbers",
        "words",
        "fractional-float",
        "negative",
        "boolean",
        "mobile-9-digits",
        "landline-8-digits",
        "country-code-only",
        "14-digits",
        "float-beyond-15-digits",
        "singapore",
        "singapore-with-00",
        "united-states",
        "united-states-without-plus",
        "double-trunk-0",
    ],
)
def test_unusable_phone_number_is_rejected(raw: object, problem: PhoneProblem) -> None:
    with pytest.raises(PhoneError) as excinfo:
        normalise_phone(raw)

    assert excinfo.value.problem is problem
    assert str(excinfo.value) == excinfo.value.detail


@pytest.mark.parametrize(("raw"), [None, "", "   ", float("nan")])
def test_optional_phone_may_be_left_empty(raw: object) -> None:
    assert normalise_optional_phone(raw) == ""


def test_optional_phone_is_still_checked_when_given() -> None:
    assert normalise_optional_phone("0812-3456-7890") == "+6281234567890"
    with pytest.raises(PhoneError) as excinfo:
        normalise_optional_phone("0812")
    assert excinfo.value.problem is PhoneProblem.TOO_SHORT


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+6281234567890", "0812-3456-7890"),
        ("+628123456789", "0812-3456-789"),
        ("+62812345678", "0812-345-678"),
        ("+62812345678901", "0812-3456-78901"),
        ("+62285421234", "(0285) 421234"),
        ("+62215551234", "(021) 5551234"),
        ("+6591234567", "+6591234567"),
        ("", ""),
    ],
    ids=[
        "mobile-12-digits",
        "mobile-11-digits",
        "mobile-10-digits",
        "mobile-13-digits",
        "pekalongan-landline",
        "jakarta-landline",
        "foreign-unchanged",
        "empty-unchanged",
    ],
)
def test_phone_is_displayed_the_indonesian_way(e164: str, shown: str) -> None:
    assert format_phone_display(e164) == shown


@pytest.mark.parametrize(
    "raw", ["0812-3456-7890", "(0285) 421234", "+62 812-3456-789", "021 5551234"]
)
def test_displayed_phone_normalises_back_to_the_same_number(raw: str) -> None:
    e164 = normalise_phone(raw)

    assert normalise_phone(format_phone_display(e164)) == e164
