"""Storing a DTSEN desil list: a row by NIK ranks the person, a row by KK every member of
the family; the latest ranking wins and an older list never replaces it; rows naming nobody
are told back; a refused file changes nothing."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rentan.core.models import AuditAction, AuditEvent
from rentan.imports.desil_file import read_desil_list
from rentan.imports.tests.test_desil_file import xlsx
from rentan.registry import selectors
from rentan.registry.desil import DesilProblem, DesilRow, describe, is_newer
from rentan.registry.models import DesilImport, DesilRanking, Household
from rentan.registry.services import import_desil_list
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db
MARCH = date(2026, 3, 1)
JUNE = date(2026, 6, 1)
UNKNOWN_NIK = "3375014501850999"


def store(actor, rows, source="DTSEN Maret 2026", issues=()):
    return import_desil_list(
        actor=actor,
        rows=rows,
        issues=issues,
        total_rows=len(rows) + len(issues),
        source=source,
        filename="desil.xlsx",
        checksum="0" * 64,
    )


def test_a_row_by_nik_ranks_the_person_and_by_kk_every_member(admin_user):
    family = Household.objects.create(kk_number="3375010101200001")
    mother, son = PersonFactory(household=family), PersonFactory(household=family)
    alone = PersonFactory()
    outcome = store(
        admin_user,
        [
            DesilRow(2, alone.nik, "", 2, MARCH),
            DesilRow(3, "", family.kk_number, 3, MARCH),
            # The son's own row wins over his family's for the same date.
            DesilRow(4, son.nik, "", 1, MARCH),
        ],
    )
    assert {p.pk: selectors.latest_desil(p).desil for p in (mother, son, alone)} == {
        mother.pk: 3,
        son.pk: 1,
        alone.pk: 2,
    }
    assert DesilRanking.objects.get(person=mother).is_by_kk
    assert outcome.issues == []
    assert outcome.desil_import.summary["baru"] == 3


def test_the_latest_ranking_wins_and_an_older_list_is_only_history(admin_user):
    person = PersonFactory()
    store(admin_user, [DesilRow(2, person.nik, "", 4, JUNE)], source="DTSEN Juni 2026")
    late = store(admin_user, [DesilRow(2, person.nik, "", 2, MARCH)], source="DTSEN Maret 2026")
    latest = selectors.latest_desil(person)
    assert (latest.desil, latest.ranked_on, latest.source.source) == (4, JUNE, "DTSEN Juni 2026")
    assert late.desil_import.summary["lebih_lama"] == 1
    # As of a date before June, the March ranking is the one in force.
    assert selectors.latest_desil(person, on=date(2026, 5, 31)).desil == 2
    assert selectors.latest_desil(person, on=date(2026, 2, 1)) is None


def test_a_second_list_for_the_same_date_corrects_the_first(admin_user):
    person = PersonFactory()
    store(admin_user, [DesilRow(2, person.nik, "", 4, MARCH)])
    again = store(admin_user, [DesilRow(2, person.nik, "", 4, MARCH)])
    fixed = store(admin_user, [DesilRow(2, person.nik, "", 3, MARCH)], source="Perbaikan")
    assert again.desil_import.summary["sama"] == 1
    assert fixed.desil_import.summary["diperbaiki"] == 1
    assert DesilRanking.objects.filter(person=person).count() == 1
    assert selectors.latest_desil(person).source.source == "Perbaikan"


def test_rows_naming_nobody_are_told_with_their_row(admin_user):
    outcome = store(
        admin_user,
        [DesilRow(5, UNKNOWN_NIK, "", 2, MARCH), DesilRow(6, "", "3375010101209999", 1, MARCH)],
    )
    assert [(i.row, i.problem) for i in outcome.issues] == [
        (5, DesilProblem.UNKNOWN_NIK),
        (6, DesilProblem.UNKNOWN_KK),
    ]
    assert outcome.issues[0].message == (
        "Baris 5, kolom NIK: NIK 3375********0999 tidak ada di registri."
    )
    assert not DesilRanking.objects.exists()


def test_the_import_is_audited_with_its_counts(admin_user):
    person = PersonFactory()
    outcome = store(admin_user, [DesilRow(2, person.nik, "", 2, MARCH)])
    event = AuditEvent.objects.get(action=AuditAction.DESIL_IMPORTED)
    assert event.target_id == str(outcome.desil_import.pk)
    assert event.changes == {
        "before": {"peringkat": 0},
        "after": {
            "peringkat": 1,
            "sumber": "DTSEN Maret 2026",
            "baris": 1,
            "pekerja": 1,
            "baru": 1,
            "diperbaiki": 0,
            "sama": 0,
            "lebih_lama": 0,
            "bermasalah": 0,
        },
    }


def test_a_refused_file_leaves_the_stored_desil_as_it_was(admin_client, admin_user):
    person = PersonFactory()
    store(admin_user, [DesilRow(2, person.nik, "", 4, MARCH)])
    content = xlsx([["Nama", "Alamat"], ["Siti", "Jl. Merdeka"]])
    response = admin_client.post(
        "/impor/desil/",
        {
            "file": SimpleUploadedFile("desil.xlsx", content),
            "source": "DTSEN Juni 2026",
        },
    )
    assert response.status_code == 200
    assert "bukan daftar desil" in response.content.decode()
    assert "Tidak ada data yang diubah" in response.content.decode()
    assert DesilImport.objects.count() == 1
    assert list(DesilRanking.objects.values_list("desil", "ranked_on")) == [(4, MARCH)]


def test_the_upload_page_stores_a_list_and_lists_its_bad_rows(admin_client):
    person = PersonFactory()
    content = xlsx(
        [
            ["NIK", "Desil", "Periode"],
            [person.nik, 2, "Maret 2026"],
            [UNKNOWN_NIK, 3, "Maret 2026"],
            [person.nik, "sebelas", "Juni 2026"],
        ]
    )
    response = admin_client.post(
        "/impor/desil/",
        {"file": SimpleUploadedFile("desil.xlsx", content), "source": "DTSEN Maret 2026"},
        follow=True,
    )
    page = response.content.decode()
    assert "Baris 3, kolom NIK: NIK 3375********0999 tidak ada di registri." in page
    assert "Baris 4, kolom Desil" in page
    assert selectors.latest_desil(person).desil == 2
    assert "DTSEN Maret 2026" in admin_client.get("/impor/desil/").content.decode()


def test_a_newer_date_is_newer_and_words_name_the_source():
    assert is_newer(JUNE, MARCH)
    assert is_newer(MARCH, None)
    assert not is_newer(MARCH, JUNE)
    assert not is_newer(MARCH, MARCH)
    assert describe(2, "DTSEN Maret 2026") == "desil 2 per DTSEN Maret 2026"


def test_a_csv_list_is_read_and_stored(admin_user):
    person = PersonFactory()
    content = f"NIK;Desil;Tanggal Pemeringkatan\n{person.nik};7;01/03/2026\n".encode()
    parsed = read_desil_list(content, name="desil.csv", today=date(2026, 12, 2))
    store(admin_user, parsed.rows)
    assert selectors.latest_desil(person).desil == 7


def test_the_person_page_shows_the_latest_desil_with_its_date_and_source(admin_client, admin_user):
    person = PersonFactory()
    page = admin_client.get(f"/pekerja/{person.pk}/").content.decode()
    assert "belum diketahui" in page
    store(admin_user, [DesilRow(2, person.nik, "", 3, MARCH)])
    store(admin_user, [DesilRow(2, person.nik, "", 2, JUNE)], source="DTSEN Juni 2026")
    page = admin_client.get(f"/pekerja/{person.pk}/").content.decode()
    assert "Desil 2 per DTSEN Juni 2026 (diperingkat 1 Juni 2026)" in page
