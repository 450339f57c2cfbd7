"""Form fields for numbers typed the Indonesian way (``300.000.000``, ``Rp 16.800``, ``1,5``).

Every number a person types into a form goes through one of these two fields, which read it
with `core/numbers.py` and show it back grouped (``300.000.000``, ``1,5``). They render as a
text box with a numeric keyboard on phones: a browser's own number box reads ``300.000.000``
by the browser's language, or not at all, before the server ever sees it.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from rentan.core.formatting import format_decimal
from rentan.core.numbers import NumberRefused, parse_number, parse_whole_number


class NumberInput(forms.TextInput):
    """A text box for a number, shown grouped; what a person typed is shown back as typed
    when it cannot be read, so they can correct it."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, str):
            try:
                parsed = parse_number(value, noun="")
            except NumberRefused:
                return value
            return format_decimal(parsed) if parsed is not None else None
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return format_decimal(value)
        return super().format_value(value)


class _Limits:
    """The field's lower and upper limits, checked with the limit shown grouped
    (Django's own message would print "1000000000")."""

    min_value: Any
    max_value: Any

    def _check_limits(self, value: Any) -> None:
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(
                gettext("Tidak boleh kurang dari %(limit)s.")
                % {"limit": format_decimal(self.min_value)},
                code="min_value",
            )
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                gettext("Tidak boleh lebih dari %(limit)s.")
                % {"limit": format_decimal(self.max_value)},
                code="max_value",
            )


def _noun(field: forms.Field) -> str:
    return str(field.label) if field.label else gettext("Angka")


class IntegerField(_Limits, forms.IntegerField):
    """A whole number or an amount in rupiah: ``300.000.000``, ``Rp 300.000.000``,
    ``300000000``."""

    widget = NumberInput

    def __init__(
        self, *, min_value: int | None = None, max_value: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.min_value, self.max_value = min_value, max_value
        self.widget.attrs.setdefault("inputmode", "numeric")

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return parse_whole_number(str(value), noun=_noun(self))
        except NumberRefused as refused:
            raise ValidationError(str(refused), code="invalid") from refused

    def validate(self, value: Any) -> None:
        super().validate(value)
        self._check_limits(value)


class DecimalField(_Limits, forms.DecimalField):
    """A number that may have decimals, with a decimal comma: ``1,5``, ``12.500,25``."""

    widget = NumberInput

    def __init__(
        self,
        *,
        min_value: Decimal | int | None = None,
        max_value: Decimal | int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.min_value, self.max_value = min_value, max_value
        self.widget.attrs.setdefault("inputmode", "decimal")

    # Django's DecimalField is an IntegerField that reads a Decimal, and so is this one.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return Decimal(value)
        try:
            return parse_number(str(value), noun=_noun(self))
        except NumberRefused as refused:
            raise ValidationError(str(refused), code="invalid") from refused

    def validate(self, value: Any) -> None:
        super().validate(value)
        self._check_limits(value)
