"""The programme page reads the figures of all its years together: each year's places,
active members and spread, in as many queries in the programme's third year as in its first."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rentan.enrollment.models import Membership
from rentan.testing.factories import (
    CycleFactory,
    PersonFactory,
    PlacementFactory,
    make_approved_cycle,
)

pytestmark = pytest.mark.django_db
MEDONO, SOKODUWET = "33.75.01.1002", "33.75.04.1010"  # two kecamatan


def _year(cycle, *, selected, waiting, active, kelurahan):
    for rank in range(1, selected + waiting + 1):
        placement = PlacementFactory(
            cycle=cycle,
            rank=rank,
            kind="new" if rank <= selected else "waiting",
            person=PersonFactory(kelurahan_id=kelurahan),
        )
        if rank <= active:
            Membership.objects.create(
                cycle=cycle,
                person=placement.person,
                placement=placement,
                status="active",
                start_on=cycle.coverage_start_on,
                requested_start_on=cycle.coverage_start_on,
            )


def _page(client, programme):
    url = reverse("programmes:programme_detail", args=[programme.code])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def test_each_year_has_its_own_figures_and_a_new_year_costs_no_query(client, admin_user):
    first = make_approved_cycle(selected=0)
    _year(first, selected=2, waiting=1, active=1, kelurahan=MEDONO)
    client.force_login(admin_user)
    _, one_year = _page(client, first.programme)

    for year, selected, active, kelurahan in ((2024, 3, 3, SOKODUWET), (2025, 1, 0, MEDONO)):
        later = CycleFactory(
            programme=first.programme, year=year, coverage_start_on=date(year, 1, 1)
        )
        _year(later, selected=selected, waiting=0, active=active, kelurahan=kelurahan)
    response, three_years = _page(client, first.programme)

    figures = {
        row["cycle"].year: (row["allocated"], row["waiting"], row["approved"], row["active"])
        for row in response.context["overview"]
    }
    assert figures == {2023: (2, 1, 2, 1), 2024: (3, 0, 3, 3), 2025: (1, 0, 1, 0)}
    spreads = response.context["spreads"]
    assert [(kelurahan, n) for _kec, kelurahan, n in spreads[2023]["area"]] == [("Medono", 2)]
    assert [(kelurahan, n) for _kec, kelurahan, n in spreads[2024]["area"]] == [("Sokoduwet", 3)]
    assert sum(n for _none, _job, n in spreads[2025]["job"]) == 1
    assert three_years == one_year
