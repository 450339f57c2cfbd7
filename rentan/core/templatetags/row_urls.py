"""`{% row_url %}`: the address of each row of a list, as `{% url %}` gives it, for less.

A list's page links each of its rows (25 persons, 40 sides of duplicate pairs) and Django
reverses each link anew, matching the whole URL pattern each time: on the person list that
cost as much as the rest of its table. Here a view name is reversed once per process with
stand-in numbers, checked against a real reverse, and each row's ids then take the stand-ins'
places. Only whole numbers are put in so (a row's id, a year: every URL converter takes
them as they are written); any other argument is part of the kept pattern (a programme's
code), and whatever does not fit the check goes through `reverse` as before."""

from threading import Lock
from typing import Any

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

# Numbers no address holds otherwise, standing for the row's numbers while a pattern is made.
_STAND_IN = 904_117_263
_patterns: dict[tuple[Any, ...], list[str] | None] = {}
_lock = Lock()


def _is_number(value: Any) -> bool:
    return type(value) is int and value >= 0


@register.simple_tag
def row_url(view_name: str, *args: Any) -> str:
    numbers = [value for value in args if _is_number(value)]
    if not numbers:
        return reverse(view_name, args=args)
    key = (
        get_script_prefix(),
        get_urlconf(),
        view_name,
        tuple(None if _is_number(value) else value for value in args),
    )
    if key in _patterns:
        parts = _patterns[key]
    else:
        parts = _pattern(view_name, args)
        with _lock:
            _patterns[key] = parts
    if parts is None:
        return reverse(view_name, args=args)
    pieces = [parts[0]]
    for number, part in zip(numbers, parts[1:], strict=True):
        pieces.append(str(number))
        pieces.append(part)
    return "".join(pieces)


def _pattern(view_name: str, args: tuple[Any, ...]) -> list[str] | None:
    """The address split around each number's place, or None where the stand-ins cannot
    be told apart in it or the result differs from `reverse` for these arguments."""
    stand_ins: list[str] = []
    with_stand_ins = []
    for value in args:
        if _is_number(value):
            stand_ins.append(str(_STAND_IN + len(stand_ins)))
            with_stand_ins.append(int(stand_ins[-1]))
        else:
            with_stand_ins.append(value)
    address = reverse(view_name, args=with_stand_ins)
    parts = []
    rest = address
    for stand_in in stand_ins:
        if address.count(stand_in) != 1:
            return None
        before, _, rest = rest.partition(stand_in)
        parts.append(before)
    parts.append(rest)
    if len(parts) != len(stand_ins) + 1:
        return None
    numbers = iter(str(value) for value in args if _is_number(value))
    rebuilt = parts[0] + "".join(next(numbers) + part for part in parts[1:])
    return parts if rebuilt == reverse(view_name, args=args) else None
