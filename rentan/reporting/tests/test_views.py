"""Beranda per role, the Laporan and its workbooks, and the public page."""

import io
from datetime import datetime

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from rentan.core.models import AuditAction, AuditEvent
from rentan.registry.models import DuplicatePair, Person
from rentan.reporting.tests.conftest import MEDONO, SOKODUWET
from rentan.testing.documents import workbook_text
from rentan.testing.factories import PersonFactory, make_user

pytestmark = pytest.mark.django_db


def _signed_in(role: str, *, kelurahan_code: str | None = None) -> Client:
    client = Client()
    client.force_login(make_user(role, username=f"{role}-laporan", kelurahan_code=kelurahan_code))
    return client


def _personal_data() -> list[str]:
    """Every name, NIK (full and masked) and phone number in the registry."""
    values: list[str] = []
    for person in Person.objects.all():
        values += [person.name, person.nik, person.masked_nik]
        if person.phone:
            values.append(person.phone)
    return values


def test_pimpinan_sees_the_year_at_a_glance_and_no_person_anywhere(running_year):
    PersonFactory(name="Tarsih Lestari", phone="081299990042")
    client = _signed_in("pimpinan")
    home = client.get(reverse("home"))
    body = home.content.decode()
    assert home.status_code == 200
    (programme,) = home.context["programmes"]
    row = programme["figures"].row
    assert (row.lists.approved_continuing, row.lists.approved_new) == (2, 4)
    assert (row.lists.now_continuing, row.lists.now_new) == (1, 5)
    assert "2 lanjutan + 4 baru" in body
    assert "1 lanjutan + 5 baru" in body
    assert "work" not in home.context  # the work waiting is for those who do it

    pages = [body]
    report = client.get(reverse("reporting:report"))
    assert report.status_code == 200
    pages.append(report.content.decode())
    for slug in report.context["tables"]:
        download = client.get(reverse("reporting:report_xlsx", args=[slug]))
        assert download.status_code == 200, slug
        pages.append(workbook_text(download.content))
    for page in pages:
        assert not [value for value in _personal_data() if value in page]


def test_admin_and_verifikator_see_what_needs_doing_today(running_year):
    left = PersonFactory(kelurahan_id=MEDONO, name="Budi Santoso")
    right = PersonFactory(kelurahan_id=MEDONO, name="Budi Santosa")
    DuplicatePair.objects.create(left=left, right=right, score=0.95)
    PersonFactory(verified_at=datetime(2023, 1, 5, 10).astimezone())
    for role in ("admin", "verifikator"):
        home = _signed_in(role).get(reverse("home"))
        tasks = {str(item["task"].label): item["task"].count for item in home.context["work"]}
        assert tasks["Pasangan duplikat terbuka"] == 1
        assert tasks["Klaim menunggu"] == 1  # the claim recorded in May, not yet paid
        # Every person of the world but the one verified: none was verified by the factory.
        assert tasks["Pekerja belum diverifikasi"] == Person.objects.count() - 1
        assert "Yang perlu dikerjakan hari ini" in home.content.decode()


def test_an_operator_sees_their_own_kelurahan_and_nothing_of_another(running_year):
    client = _signed_in("operator", kelurahan_code=MEDONO)
    home = client.get(reverse("home"))
    assert home.context["kelurahan"].code == MEDONO
    assert (
        home.context["figures"].totals["active"]
        == Person.objects.filter(kelurahan_id=MEDONO, is_active=True).count()
    )
    (programme,) = home.context["programmes"]
    assert (programme["row"].lists.now, programme["row"].active_now) == (3, 3)
    assert "figures" not in programme  # no city-wide year figures for an operator

    # The Laporan of another kelurahan, asked for by address, is still their own.
    report = client.get(reverse("reporting:report"), {"wilayah": SOKODUWET})
    assert report.context["choice"].area == MEDONO
    assert report.context["figures"].row.lists.now == 3
    assert not report.context["areas"]


def test_a_report_of_an_area_outside_the_region_is_not_found(running_year):
    client = _signed_in("pimpinan")
    assert client.get(reverse("reporting:report"), {"wilayah": "31.71"}).status_code == 404
    assert client.get(reverse("reporting:report_xlsx", args=["tidak-ada"])).status_code == 404


def test_each_table_downloads_with_numbers_dates_a_frozen_header_and_filters(running_year):
    client = _signed_in("pimpinan")
    response = client.get(
        reverse("reporting:report_xlsx", args=["bulan"]), {"tahun": 2023, "wilayah": ""}
    )
    assert response["Content-Disposition"] == 'attachment; filename="laporan-bulan-2023.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:E15"
    header = [cell.value for cell in sheet[3]]
    assert header == ["Bulan", "Peserta tercakup", "Iuran", "Dibayar", "Klaim (tanggal kejadian)"]
    january = [cell.value for cell in sheet[4]]
    assert january == [datetime(2023, 1, 1), 6, 100_800, 100_800, 0]
    assert sheet["C4"].number_format == '"Rp" #,##0'
    event = AuditEvent.objects.get(action=AuditAction.REPORT_DOWNLOADED)
    assert (event.target_type, event.target_id) == ("reporting.laporan", "bulan")
    assert event.changes["tabel"] == "bulan"
    assert event.actor.username == "pimpinan-laporan"
    assert "Per bulan" in event.note
    assert not event.subjects.exists()

    years = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("reporting:report_xlsx", args=["tahun"])).content)
    ).active
    assert [cell.value for cell in years[4]][:9] == ["2023", "Ditetapkan", 10, 2, 4, 6, 1, 5, 6]


def test_public_page_is_off_unless_the_setting_turns_it_on(running_year, settings):
    settings.RENTAN_PUBLIC_REPORT = False
    assert Client().get(reverse("reporting:public")).status_code == 404
    settings.RENTAN_PUBLIC_REPORT = True
    response = Client().get(reverse("reporting:public"))
    assert response.status_code == 200
    (section,) = response.context["sections"]
    assert section["years"] == [2023]
    lines = {str(label): [str(cell) for cell in cells] for label, cells in section["lines"]}
    # Three people in each of two kecamatan, none in the other two: every cell is small.
    assert lines["Kec. Pekalongan Barat"] == ["<5"]
    assert lines["Kec. Pekalongan Timur"] == ["<5"]
    assert lines["Kec. Pekalongan Selatan"] == ["<5"]
    assert lines["Peserta saat ini"] == ["6"]
    assert lines["Target"] == ["10"]
    assert lines["Aktif di BPJS"] == ["6"]
    body = response.content.decode()
    assert "&lt;5" in body
    assert not [value for value in _personal_data() if value in body]


@pytest.mark.parametrize(
    ("role", "linked"), [("pimpinan", True), ("admin", True), ("operator", False)]
)
def test_the_laporan_links_the_mayors_page_and_the_map_for_those_who_may_open_them(
    running_year, role, linked
):
    client = _signed_in(role, kelurahan_code=MEDONO if role == "operator" else None)
    page = client.get(reverse("reporting:report")).content.decode()
    for url in (reverse("reporting:mayor_report"), reverse("reporting:coverage_map")):
        assert (f'href="{url}"' in page) is linked
        assert client.get(url).status_code == (200 if linked else 403)
