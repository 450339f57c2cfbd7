"""End to end in Debian's Chromium: the pimpinan reads the 2022 and 2023 figures as the city
reports them (target 1,000, realised 423; target 2,000 = 423 continuing + 1,577 new)."""

from datetime import date
from typing import Any

import pytest

from rentan.programmes.models import Placement, PlacementKind
from rentan.registry.models import Occupation, Person
from rentan.registry.nik import Sex, compose_nik
from rentan.testing.browser import horizontal_overflow, keep_screenshot, sign_in
from rentan.testing.documents import pdf_text
from rentan.testing.factories import CycleFactory, ProgrammeFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KELURAHAN = ["33.75.01.1002", "33.75.02.1004", "33.75.03.1002", "33.75.04.1010"]


def _persons(count: int) -> list[Person]:
    job = Occupation.objects.get(code="pengayuh-becak")
    people = []
    for n in range(count):
        kelurahan = KELURAHAN[n % len(KELURAHAN)]
        born = date(1970 + n % 30, 1 + n % 12, 1 + n % 28)
        people.append(
            Person(
                nik=compose_nik(
                    district_code=kelurahan[:8], birth_date=born, sex=Sex.MALE, serial=1 + n
                ),
                name=f"Peserta {n}",
                birth_date=born,
                sex=Sex.MALE if n % 3 else Sex.FEMALE,
                kelurahan_id=kelurahan,
                occupation=job,
            )
        )
    return Person.objects.bulk_create(people)


def _place(cycle: Any, people: list[Person], kind: str, first_rank: int) -> list[Placement]:
    return Placement.objects.bulk_create(
        Placement(
            cycle=cycle,
            person=person,
            kind=kind,
            rank=first_rank + n,
            score=50,
            kelurahan_id=person.kelurahan_id,
        )
        for n, person in enumerate(people)
    )


def _fits(page: Any, name: str) -> None:
    keep_screenshot(page, name)
    assert horizontal_overflow(page) == 0, f"{name}: halaman lebih lebar dari layar"


def test_pimpinan_reads_2022_and_2023_target_against_realisation(page, browser):
    programme = ProgrammeFactory(legal_basis="Perwal 19 B/2022")
    cycle_2022 = CycleFactory(
        programme=programme,
        year=2022,
        target=1_000,
        budget_ceiling=1_000 * 16_800 * 2,
        coverage_start_on=date(2022, 11, 1),
        coverage_months=2,
    )
    cycle_2023 = CycleFactory(programme=programme, year=2023, target=2_000)
    people = _persons(2_001)
    continuing = people[:423]
    _place(cycle_2022, continuing, PlacementKind.NEW, 1)
    placed = _place(cycle_2023, continuing, PlacementKind.CONTINUING, 1)
    _place(cycle_2023, people[423:2_000], PlacementKind.NEW, 424)
    (waiting,) = _place(cycle_2023, people[2_000:], PlacementKind.WAITING, 2_001)
    # During 2023 one continuing participant ends and the first on the waiting list takes
    # the place: approved 423 + 1,577 stays the decision, the list now is 422 + 1,578.
    Placement.objects.filter(pk=placed[0].pk).update(
        ended_on=date(2023, 3, 20), end_reason="Pindah domisili"
    )
    Placement.objects.filter(pk=waiting.pk).update(kind=PlacementKind.NEW, replaces=placed[0])
    leader = make_user("pimpinan")

    sign_in(page, leader.username)

    years = page.get_by_test_id("years")
    row_2022 = years.get_by_test_id("year-2022").inner_text()
    assert "1.000" in row_2022
    assert "423" in row_2022
    assert "0 + 423" in row_2022
    row_2023 = years.get_by_test_id("year-2023").inner_text()
    assert "2.000" in row_2023
    assert "423 + 1.577" in row_2023  # as approved
    assert "422 + 1.578" in row_2023  # now, after the replacement
    glance = page.get_by_test_id("glance-2023")
    assert glance.get_by_test_id("approved-split").inner_text() == "423 lanjutan + 1.577 baru"
    assert glance.get_by_test_id("now-split").inner_text() == "422 lanjutan + 1.578 baru"
    assert glance.get_by_test_id("ended").inner_text() == "1 / 1"
    assert "Peserta 1234" not in page.content()  # no name on the page
    _fits(page, "pimpinan-beranda")

    page.get_by_role("link", name="Laporan", exact=True).click()
    page.get_by_role("combobox", name="Tahun").select_option("2022")
    page.get_by_role("button", name="Tampilkan").click()
    glance = page.get_by_test_id("glance-2022")
    assert glance.get_by_test_id("target").inner_text() == "1.000"
    assert glance.get_by_test_id("approved").inner_text() == "423"
    assert glance.get_by_test_id("active").inner_text() == "0"
    assert "belum ada kepesertaan BPJS tercatat" in glance.inner_text()
    with page.expect_download() as download_info:
        page.get_by_test_id("table-wilayah").get_by_role("link").click()
    assert download_info.value.suggested_filename == "laporan-wilayah-2022.xlsx"
    _fits(page, "pimpinan-laporan")

    # The mayor's one-page PDF, from the Laporan.
    page.get_by_role("link", name="Laporan satu halaman untuk Wali Kota (PDF)").click()
    with page.expect_download() as pdf_info:
        page.get_by_test_id("mayor-pdf-default").click()
    pdf_file = pdf_info.value
    assert pdf_file.suggested_filename.endswith(".pdf")
    with open(pdf_file.path(), "rb") as stream:
        printed = pdf_text(stream.read())
    assert "Kepala Dinas" in printed

    # The same two pages on a desktop screen.
    desktop = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 800})
    try:
        wide = desktop.new_page()
        wide.base_url = page.base_url
        sign_in(wide, leader.username)
        wide.get_by_test_id("years").wait_for()
        _fits(wide, "pimpinan-beranda")
        wide.get_by_role("link", name="Laporan", exact=True).click()
        wide.get_by_test_id("glance-2023").wait_for()
        _fits(wide, "pimpinan-laporan")
    finally:
        desktop.close()
