"""An import belongs to the kelurahan of its rows; an operator who meets a NIK or KK registered
elsewhere learns only that, and whom to ask."""

import io
from datetime import date
from importlib import import_module

import openpyxl
import pytest
from django.apps import apps
from django.urls import reverse

from rentan.imports import selectors, services
from rentan.imports.models import BatchStatus, ImportBatch, RowStatus
from rentan.imports.tests.files import write_xlsx
from rentan.registry.models import Household, Person
from rentan.registry.nik import Sex, compose_nik
from rentan.registry.validation import RecordProblem
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

MEDONO = "33.75.01.1002"
SOKODUWET = "33.75.04.1010"
HEAD = ["NIK", "No KK", "Nama", "Tgl Lahir", "L/P", "Kelurahan", "Pekerjaan"]
ELSEWHERE = "Terdaftar di kelurahan lain — hubungi Dinas"


@pytest.mark.parametrize(
    ("confined_to", "default", "row_codes", "expected"),
    [
        (MEDONO, MEDONO, {MEDONO}, MEDONO),
        # An operator's stray row of another kelurahan is refused; the batch stays theirs.
        (MEDONO, MEDONO, {MEDONO, SOKODUWET}, MEDONO),
        (None, MEDONO, {MEDONO}, MEDONO),
        (None, "", {SOKODUWET}, SOKODUWET),
        # The rows say Sokoduwet, the default Medono: two kelurahan, the Dinas's alone.
        (None, MEDONO, {SOKODUWET}, ""),
        (None, "", {MEDONO, SOKODUWET}, ""),
        # A row whose kelurahan could not be read might be anyone's.
        (None, "", {MEDONO, ""}, ""),
        (None, "", set(), ""),
    ],
)
def test_kelurahan_of_a_batch(confined_to, default, row_codes, expected):
    assert (
        services.kelurahan_of_batch(confined_to=confined_to, default=default, row_codes=row_codes)
        == expected
    )


def _stage(actor, tmp_path, rows, *, default=MEDONO, name="berkas.xlsx"):
    path = write_xlsx(tmp_path / name, [HEAD, *rows])
    batch = services.upload_batch(
        actor=actor, path=path, original_name=name, default_kelurahan_code=default
    )
    return services.stage_batch(batch_id=batch.pk)


def _row(nik, name, kelurahan="Medono", kk="", born="05-07-1990", sex="P"):
    return [nik, kk, name, born, sex, kelurahan, "Buruh batik"]


@pytest.fixture
def warsini():
    """A Sokoduwet person on a Sokoduwet family card."""
    born = date(1980, 2, 1)
    return PersonFactory(
        name="Warsini Rahayu",
        kelurahan_id=SOKODUWET,
        birth_date=born,
        sex=Sex.FEMALE,
        nik=compose_nik(district_code="33.75.04", birth_date=born, sex=Sex.FEMALE, serial=7),
        household=Household.objects.create(kk_number="3375040101230007"),
    )


def test_dinas_upload_of_sokoduwet_rows_with_a_medono_default_is_hidden_from_medono(
    client, tmp_path, import_media, admin_user, operator_user
):
    batch = services.upload_batch(
        actor=admin_user,
        path=write_xlsx(
            tmp_path / "s.xlsx", [HEAD, _row("3375044507900002", "Sumiati", "Sokoduwet")]
        ),
        original_name="s.xlsx",
        default_kelurahan_code=MEDONO,
    )
    # Before staging the batch has no rows yet: it is the default kelurahan's.
    assert list(selectors.batches_visible_to(operator_user)) == [batch]
    batch = services.stage_batch(batch_id=batch.pk)
    assert batch.rows_kelurahan_id is None
    assert not selectors.batches_visible_to(operator_user).exists()

    client.force_login(operator_user)
    assert "s.xlsx" not in client.get(reverse("imports:batch_list")).content.decode()
    for name in ("batch_detail", "batch_progress", "batch_error_file"):
        assert client.get(reverse(f"imports:{name}", args=[batch.pk])).status_code == 404
    assert client.post(reverse("imports:batch_commit", args=[batch.pk])).status_code == 404
    assert client.post(reverse("imports:batch_discard", args=[batch.pk])).status_code == 404
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REVIEW
    assert not Person.objects.exists()
    client.force_login(admin_user)
    assert client.get(reverse("imports:batch_detail", args=[batch.pk])).status_code == 200


def test_dinas_upload_of_medono_rows_is_medono_s(tmp_path, import_media, admin_user, operator_user):
    batch = _stage(admin_user, tmp_path, [_row("3375014507900001", "Rina")], default="")
    assert batch.rows_kelurahan_id == MEDONO
    assert selectors.batch_for(operator_user, batch.pk) == batch


def test_operator_keeps_their_own_upload_with_a_row_of_another_kelurahan(
    tmp_path, import_media, operator_user
):
    batch = _stage(
        operator_user,
        tmp_path,
        [_row("3375014507900001", "Rina"), _row("3375044507900002", "Sumiati", "Sokoduwet")],
    )
    assert batch.rows_error == 1
    assert selectors.batch_for(operator_user, batch.pk) == batch


def test_operator_review_says_a_nik_is_registered_elsewhere_without_whose(
    client, tmp_path, import_media, operator_user, admin_user, warsini
):
    client.force_login(operator_user)
    path = write_xlsx(
        tmp_path / "medono.xlsx", [HEAD, _row(warsini.nik, "Tini Prasetyo", born="01-02-1980")]
    )
    with path.open("rb") as handle:
        client.post(reverse("imports:batch_list"), {"file": handle})
    batch = ImportBatch.objects.get()
    assert batch.rows.get().status == RowStatus.ALREADY_REGISTERED

    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert ELSEWHERE in page
    # (the row's own NIK, masked, is the file's: the same digits, not the person's record)
    assert "Warsini" not in page
    assert "Sokoduwet" not in page
    error_file = client.get(reverse("imports:batch_error_file", args=[batch.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(error_file.content)).active
    text = " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)
    # A row registered elsewhere is not the file's to fix: the review page says so.
    assert sheet.max_row == 1
    assert "Warsini" not in text

    # The Dinas sees whom the row matches.
    client.force_login(admin_user)
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert "Warsini Rahayu" in page
    assert ELSEWHERE not in page


def test_operator_rows_on_a_family_card_of_another_kelurahan_are_refused(
    tmp_path, import_media, operator_user, warsini
):
    batch = _stage(
        operator_user,
        tmp_path,
        [_row("3375014507900001", "Rina Marlina", kk=warsini.household.kk_number)],
    )
    row = batch.rows.get()
    assert row.status == RowStatus.ERROR
    assert not row.is_accepted
    assert [issue["problem"] for issue in row.issues] == [RecordProblem.KK_ELSEWHERE.value]
    assert "hubungi Dinas" in row.issues[0]["message"]
    assert "Warsini" not in str(row.issues)


def test_an_operator_s_commit_does_not_join_a_family_card_of_another_kelurahan(
    tmp_path, import_media, operator_user, admin_user, warsini
):
    # Staged by the Dinas (allowed), committed by the Medono operator (not).
    batch = _stage(
        admin_user,
        tmp_path,
        [
            _row("3375014507900001", "Rina Marlina", kk=warsini.household.kk_number),
            _row("3375014507900003", "Karni Wulandari"),
        ],
    )
    services.decide_duplicate(actor=admin_user, batch=batch, row_number=2, accept=True)
    result = services.commit_batch(batch_id=batch.pk, actor=operator_user)
    assert result.created == 1
    assert list(Person.objects.filter(kelurahan_id=MEDONO).values_list("name", flat=True)) == [
        "Karni Wulandari"
    ]
    assert warsini.household.members.count() == 1
    assert batch.rows.get(row_number=2).status == RowStatus.ERROR


def test_the_dinas_may_commit_a_row_onto_a_family_card_of_another_kelurahan(
    tmp_path, import_media, admin_user, warsini
):
    batch = _stage(
        admin_user, tmp_path, [_row("3375014507900001", "Rina", kk=warsini.household.kk_number)]
    )
    services.decide_duplicate(actor=admin_user, batch=batch, row_number=2, accept=True)
    assert services.commit_batch(batch_id=batch.pk, actor=admin_user).created == 1
    assert warsini.household.members.count() == 2


def test_batches_there_were_before_get_the_kelurahan_of_their_rows(
    tmp_path, import_media, admin_user, operator_user
):
    migration = import_module("rentan.imports.migrations.0004_batch_rows_kelurahan")
    mixed = _stage(
        admin_user, tmp_path, [_row("3375044507900002", "Sumiati", "Sokoduwet")], name="a.xlsx"
    )
    medono = _stage(admin_user, tmp_path, [_row("3375014507900001", "Rina")], name="b.xlsx")
    own = _stage(operator_user, tmp_path, [_row("3375014507900003", "Karni")], name="c.xlsx")
    ImportBatch.objects.update(rows_kelurahan=SOKODUWET)
    migration.fill_rows_kelurahan(apps, None)
    kelurahan = dict(ImportBatch.objects.values_list("pk", "rows_kelurahan"))
    assert kelurahan == {mixed.pk: None, medono.pk: MEDONO, own.pk: MEDONO}
