"""Reaching a person's explanation from the interface: the cycle page's lists (selected,
waiting, not on the list) searched by name or NIK, the person's own page, and the
explanation printed as a letter."""

from collections import Counter
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rentan.core.models import AuditAction, AuditEvent
from rentan.programmes import services
from rentan.programmes.eligibility import (
    Candidate,
    CycleContext,
    Reason,
    RuleSet,
    explain_region,
)
from rentan.programmes.explanation import Standing, person_standings
from rentan.programmes.models import Cycle, Programme
from rentan.programmes.tests.conftest import VERIFIED, make_cycle
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(programme: Programme, admin_user: Any) -> tuple[Cycle, Any, Any, Any]:
    """One place: Budi (low income) selected, Agus waiting, Citra not verified in time."""
    budi = PersonFactory(verified_at=VERIFIED, monthly_income=500_000, name="Budi Santoso")
    agus = PersonFactory(
        verified_at=VERIFIED, monthly_income=3_000_000, name="AGUS", kelurahan_id="33.75.04.1010"
    )
    citra = PersonFactory(verified_at=None, name="Citra Lestari")
    cycle = make_cycle(programme, target=1)
    services.allocate_cycle(actor=admin_user, cycle=cycle)
    cycle.refresh_from_db()
    return cycle, budi, agus, citra


def _names(response: Any) -> list[str]:
    page = response.context["page"]
    return [getattr(row, "person", row).name for row in page]


def test_the_cycle_page_lists_those_not_on_the_list_with_the_first_rule_they_fail(
    client, three, admin_user
):
    _cycle, _budi, _agus, citra = three
    client.force_login(admin_user)

    response = client.get("/program/uji/2023/", {"jenis": "tidak"})

    assert _names(response) == ["Citra Lestari"]
    body = response.content.decode()
    assert f"/program/uji/2023/pekerja/{citra.pk}/" in body
    assert f"Tidak memenuhi syarat: {Reason.NOT_VERIFIED.label}" in body


def test_each_list_on_the_cycle_page_is_searched_by_name_or_nik(client, three, admin_user):
    _cycle, budi, _agus, citra = three
    client.force_login(admin_user)

    def found(**params: str) -> list[str]:
        return _names(client.get("/program/uji/2023/", params))

    assert found(jenis="waiting") == ["AGUS"]
    assert found(jenis="waiting", q="agus") == ["AGUS"]
    assert found(jenis="waiting", q="budi") == []
    assert found(q="santoso") == ["Budi Santoso"]
    assert found(q=budi.nik[:10]) == ["Budi Santoso"]
    assert found(jenis="tidak", q="lestari") == ["Citra Lestari"]
    assert found(jenis="tidak", q=citra.nik) == ["Citra Lestari"]
    assert found(jenis="tidak", q="budi") == []


def test_the_list_of_those_not_on_it_pages_by_name(client, programme, admin_user, monkeypatch):
    from rentan.programmes import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for name in ["dewi", "Eko", "ANI", "Fajar"]:
        PersonFactory(verified_at=None, name=name)
    cycle = make_cycle(programme, target=1)
    services.allocate_cycle(actor=admin_user, cycle=cycle)
    client.force_login(admin_user)

    first = client.get("/program/uji/2023/", {"jenis": "tidak"})
    assert _names(first) == ["ANI", "dewi"]
    last_pk = first.context["page"].last_pk
    second = client.get("/program/uji/2023/", {"jenis": "tidak", "sesudah": str(last_pk)})
    assert _names(second) == ["Eko", "Fajar"]


def test_the_explanation_names_the_kelurahan_and_links_its_letter(client, three, admin_user):
    _cycle, _budi, agus, _citra = three
    client.force_login(admin_user)

    body = client.get(f"/program/uji/2023/pekerja/{agus.pk}/").content.decode()

    assert "Sokoduwet" in body
    assert "33.75.04.1010" not in body
    assert f"/program/uji/2023/pekerja/{agus.pk}/surat/" in body


def test_the_region_rule_explains_with_area_names_and_falls_back_to_the_code():
    candidate = Candidate(
        1,
        "3375010101900001",
        "Budi",
        date(1990, 1, 1),
        "L",
        "33.75.01.1002",
        "x",
        None,
        None,
        True,
        None,
        0,
        False,
    )
    ctx = CycleContext("33.75", date(2023, 1, 1), date(2023, 1, 1), frozenset())
    named = CycleContext(
        "33.75",
        date(2023, 1, 1),
        date(2023, 1, 1),
        frozenset(),
        area_names={"33.75": "Kota Pekalongan", "33.75.01.1002": "Medono"},
    )
    rules = RuleSet(codes=())

    assert "Kelurahan Medono (Kota Pekalongan" in explain_region(
        candidate, named, rules, Reason.PASSED
    )
    assert "33.75.01.1002" in explain_region(candidate, ctx, rules, Reason.PASSED)


def test_the_letter_is_laid_out_for_the_person_and_its_reading_is_recorded(
    client, three, admin_user, settings
):
    settings.RENTAN_AGENCY_NAME = "Dinas Perindustrian dan Tenaga Kerja"
    settings.RENTAN_SIGNATORY_NAME = "Drs. Contoh Nama"
    _cycle, _budi, _agus, citra = three
    client.force_login(admin_user)
    before = AuditEvent.objects.filter(action=AuditAction.VIEW).count()

    response = client.get(f"/program/uji/2023/pekerja/{citra.pk}/surat/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Dinas Perindustrian dan Tenaga Kerja" in body
    assert "Pemerintah Kota Pekalongan" in body
    assert "Kepada Yth." in body
    assert "Citra Lestari" in body
    assert "Kelurahan Medono" in body
    assert "Data sudah diverifikasi</strong> — tidak terpenuhi" in body
    assert "Drs. Contoh Nama" in body
    # The date in Indonesian words, e.g. "Pekalongan, 2 Desember 2026".
    import re

    assert re.search(
        r"Pekalongan, \d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|"
        r"Agustus|September|Oktober|November|Desember) \d{4}",
        body,
    )
    assert "@media print" in body
    assert citra.nik not in body
    read = AuditEvent.objects.filter(action=AuditAction.VIEW).order_by("-id").first()
    assert AuditEvent.objects.filter(action=AuditAction.VIEW).count() == before + 1
    assert read is not None
    assert "surat" in read.changes["halaman"]


def test_standings_say_selected_waiting_and_not_eligible_with_the_reason(three):
    _cycle, budi, agus, citra = three

    (budi_2023,) = person_standings(budi)
    (agus_2023,) = person_standings(agus)
    (citra_2023,) = person_standings(citra)

    assert budi_2023.standing == Standing.SELECTED
    assert budi_2023.placement.rank == 1
    assert agus_2023.standing == Standing.WAITING
    assert agus_2023.placement.rank == 2
    assert citra_2023.standing == Standing.NOT_ELIGIBLE
    assert citra_2023.detail == Reason.NOT_VERIFIED.label


def test_a_persons_page_shows_their_standing_and_links_the_explanation(
    client, three, admin_user, operator_user
):
    _cycle, budi, _agus, citra = three
    client.force_login(admin_user)

    body = client.get(f"/pekerja/{citra.pk}/").content.decode()
    assert 'data-testid="programme-history"' in body
    assert "Tidak memenuhi syarat" in body
    assert f"/program/uji/2023/pekerja/{citra.pk}/" in body
    body = client.get(f"/pekerja/{budi.pk}/").content.decode()
    assert "Terpilih" in body
    assert "Medono" in body

    # An operator sees the standing of their kelurahan's worker, without the link they could
    # not open.
    client.force_login(operator_user)
    body = client.get(f"/pekerja/{budi.pk}/").content.decode()
    assert "Terpilih" in body
    assert "Penjelasan seleksi" not in body


def test_a_persons_standings_read_cycles_and_places_without_joining_the_programme_to_sort(
    client, three, admin_user
):
    _cycle, budi, _agus, citra = three
    client.force_login(admin_user)

    for person in (budi, citra):
        with CaptureQueriesContext(connection) as queries:
            body = client.get(f"/pekerja/{person.pk}/").content.decode()
        joined = [
            query["sql"]
            for query in queries.captured_queries
            if query["sql"]
            .split(" FROM ", 1)[-1]
            .startswith(('"programmes_placement"', '"programmes_cycle"'))
            and '"programmes_programme"' in query["sql"]
        ]
        assert 'data-testid="programme-history"' in body
        # Only the list of cycles shown reads their programme (its name and rules); the
        # person's places and the cycles the rules compare are read alone.
        assert len(joined) == 1, joined


def test_a_persons_standings_read_what_every_year_shares_once_for_all_years(
    three, programme, admin_user
):
    _cycle, _budi, _agus, citra = three
    for year in (2024, 2025):
        later = make_cycle(programme, year=year, coverage_start_on=date(year, 1, 1), target=1)
        services.allocate_cycle(actor=admin_user, cycle=later)

    with CaptureQueriesContext(connection) as queries:
        standings = person_standings(citra)
    tables = Counter(
        query["sql"].split(" FROM ", 1)[-1].split(" ", 1)[0] for query in queries.captured_queries
    )

    assert [(s.cycle.year, s.standing, s.detail) for s in standings] == [
        (year, Standing.NOT_ELIGIBLE, Reason.NOT_VERIFIED.label) for year in (2025, 2024, 2023)
    ]
    # Read once for the three years, not once a year: the job types, the desil sources, the
    # decisions on job types, and the cycles (listed for the page, compared by the rules).
    assert tables['"registry_occupation"'] == 1
    assert tables['"registry_desilimport"'] == 1
    assert tables['"programmes_occupationdecision"'] == 1
    assert tables['"programmes_cycle"'] == 1
    # What differs by year is read per year: the exclusions and the person as judged then.
    assert tables['"programmes_excludednik"'] == 3
    assert tables['"programmes_manualexclusion"'] == 3
