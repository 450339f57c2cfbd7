"""The demo's desil lists: most workers get a desil, mostly low, through the import service."""

import io
from datetime import date

import pytest

from rentan.core.models import AuditAction, AuditEvent
from rentan.registry import demo_desil
from rentan.registry.models import DesilImport, DesilRanking, Household, Person
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_most_workers_get_a_low_desil_and_a_second_load_adds_nothing(admin_user):
    families = [Household.objects.create(kk_number=f"33750101012{n:05d}") for n in range(60)]
    Person.objects.bulk_create(
        [PersonFactory.build(household=families[n % 60] if n % 2 else None) for n in range(300)]
    )
    demo_desil.load(out=io.StringIO(), today=date(2026, 12, 2))
    ranked = set(DesilRanking.objects.values_list("person_id", flat=True))
    assert 0.75 < len(ranked) / 300 < 0.95
    desils = list(DesilRanking.objects.filter(ranked_on=date(2025, 12, 1)).values_list("desil"))
    low = sum(1 for (d,) in desils if d <= 5)
    assert low / len(desils) > 0.6
    assert list(DesilImport.objects.order_by("id").values_list("source", flat=True)) == [
        "DTSEN Desember 2025",
        "DTSEN Maret 2026",
    ]
    assert AuditEvent.objects.filter(action=AuditAction.DESIL_IMPORTED).count() == 2
    demo_desil.load(out=io.StringIO(), today=date(2026, 12, 2))
    assert DesilImport.objects.count() == 2


def test_a_list_dated_after_today_is_not_loaded(admin_user):
    Person.objects.bulk_create([PersonFactory.build() for _ in range(50)])
    demo_desil.load(out=io.StringIO(), today=date(2026, 1, 15))
    assert list(DesilImport.objects.values_list("source", flat=True)) == ["DTSEN Desember 2025"]
