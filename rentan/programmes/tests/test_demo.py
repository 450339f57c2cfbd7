"""The demo's story, computed by the allocation over the real 45,000-worker generation."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client

from rentan.accounts.models import User
from rentan.programmes import services
from rentan.programmes.demo import PROGRAMME_CODE
from rentan.programmes.eligibility import Reason
from rentan.programmes.models import Cycle, CycleStatus, Placement
from rentan.programmes.selectors import SELECTED_KINDS, cycle_premium, vulnerable_occupations


@pytest.mark.django_db(transaction=True)
def test_demo_reproduces_the_pekalongan_story_through_the_allocation(settings):
    settings.RENTAN_DEMO_STEPS = ["rentan.programmes.demo.load"]
    call_command("demo_data", stdout=io.StringIO())

    cycle_2022 = Cycle.objects.get(programme__code=PROGRAMME_CODE, year=2022)
    cycle_2023 = Cycle.objects.get(programme__code=PROGRAMME_CODE, year=2023)
    assert cycle_2022.status == cycle_2023.status == CycleStatus.APPROVED
    programme = cycle_2022.programme
    assert len(vulnerable_occupations(programme, cycle_2022.coverage_start_on)) == 11
    assert (
        len(vulnerable_occupations(programme, cycle_2022.coverage_start_on.replace(month=4))) == 6
    )
    assert (
        len(vulnerable_occupations(programme, cycle_2023.coverage_start_on.replace(year=2024)))
        == 13
    )

    selected_2022 = Placement.objects.filter(cycle=cycle_2022, kind__in=SELECTED_KINDS)
    assert selected_2022.count() == 423
    assert selected_2022.order_by().values("person__occupation").distinct().count() == 11
    assert not Placement.objects.filter(cycle=cycle_2022, kind="waiting").exists()

    counts = dict(
        Placement.objects.filter(cycle=cycle_2023)
        .values_list("kind")
        .order_by()
        .annotate(n=Count("id"))
    )
    assert (counts["continuing"], counts["new"]) == (423, 1_577)
    assert counts["waiting"] > 0
    continuing = set(
        Placement.objects.filter(cycle=cycle_2023, kind="continuing").values_list(
            "person_id", flat=True
        )
    )
    assert continuing == set(selected_2022.values_list("person_id", flat=True))
    premium = cycle_premium(cycle_2023)
    assert premium == 16_800
    assert (counts["continuing"] + counts["new"]) * premium * cycle_2023.coverage_months == (
        403_200_000
    )

    # Recomputed from the registry, the 2022 rules still find exactly 423 eligible people:
    # the rest fail a rule (mostly the verification cut-off), none is left waiting.
    again = services.compute_allocation(cycle_2022)
    assert again.selected_count == 423
    assert again.waiting_count == 0
    assert again.ineligible[Reason.NOT_VERIFIED.value] > 10_000

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    page = client.get(f"/program/{PROGRAMME_CODE}/").content.decode()
    assert "Rp 403.200.000" in page
    assert "423 + 1.577" in page
