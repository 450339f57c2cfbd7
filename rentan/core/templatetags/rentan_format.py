"""Template filters for Indonesian formats; loaded as a builtin in every template."""

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import timezone

from rentan.core import formatting

register = template.Library()


@register.filter
def rupiah(value: int | Decimal | None) -> str:
    return formatting.format_rupiah(value)


@register.filter
def angka(value: int | None) -> str:
    return formatting.format_number(value)


@register.filter
def desimal(value: int | float | Decimal | None) -> str:
    """``12.5`` -> ``12,5``; ``30.0`` -> ``30``."""
    return formatting.format_decimal(None if value is None else Decimal(str(value)))


@register.filter
def tanggal(value: date | datetime | None) -> str:
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formatting.format_date(value)


@register.filter
def waktu(value: datetime | None) -> str:
    if value is not None and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formatting.format_datetime(value)
