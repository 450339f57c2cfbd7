"""Staging a file: read once, the same result every time, duplicates flagged with their pairs."""

import pytest

from rentan.imports import reading, services
from rentan.imports.models import BatchStatus, RowStatus, StagedRow
from rentan.imports.tests.files import write_csv, write_xlsx
from rentan.registry.dedup import MatchReason
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

HEAD = ["NIK", "No KK", "Nama", "Tgl Lahir", "JK", "Alamat", "Kelurahan", "Pekerjaan"]
ROWS = [
    ["3375014501850001", "3375010101100001", "Siti Aminah", "05-01-1985", "P", "Jl. Progo 12"],
    ["3375011205750002", "3375010101100002", "Budi Santoso", "12-05-1975", "L", "Jl. Salak 3"],
    # Row 4: Budi again, his NIK with two digits swapped.
    ["3375011205750020", "", "Budi Santoso", "12-05-1975", "L", "Jl. Salak 3"],
    ["3375011205750003", "", "Joko", "bukan tanggal", "L", ""],
    ["3375016003900004", "", "Rina Wati", "20-03-1990", "P", "Gg. Kenanga 7"],
]


def _rows() -> list[list[str]]:
    return [HEAD, *([*row, "Medono", "Buruh batik"] for row in ROWS)]


def _stage(path, actor):
    batch = services.upload_batch(actor=actor, path=path, original_name=path.name)
    return services.stage_batch(batch_id=batch.pk)


def _staged(batch):
    return list(
        StagedRow.objects.filter(batch=batch)
        .order_by("row_number")
        .values_list("row_number", "status", "is_accepted", "nik", "cells", "issues", "matches")
    )


def test_a_spreadsheet_is_opened_once_for_its_header_and_its_rows(
    tmp_path, import_media, admin_user, monkeypatch
):
    parsed = []
    sheet_rows = reading._sheet_rows

    def counting(path, name):
        parsed.append(path)
        return sheet_rows(path, name)

    monkeypatch.setattr(reading, "_sheet_rows", counting)
    batch = _stage(write_xlsx(tmp_path / "medono.xlsx", _rows()), admin_user)

    assert batch.rows_total == len(ROWS)
    assert len(parsed) == 1


def test_the_same_file_staged_twice_gives_the_same_rows(tmp_path, import_media, admin_user):
    PersonFactory(nik="3375016003900004", name="Rina Wati")
    path = write_csv(tmp_path / "medono.csv", _rows())

    first = _staged(_stage(path, admin_user))
    second = _staged(_stage(path, admin_user))

    assert first == second
    statuses = {number: status for number, status, *_ in first}
    assert statuses == {
        2: RowStatus.READY,
        3: RowStatus.READY,
        4: RowStatus.DUPLICATE,
        5: RowStatus.ERROR,
        6: RowStatus.ALREADY_REGISTERED,
    }


def test_flagged_rows_keep_their_pairs_and_wait_for_a_decision(tmp_path, import_media, admin_user):
    person = PersonFactory(nik="3375016003900004", name="Rina Wati")
    batch = _stage(write_xlsx(tmp_path / "medono.xlsx", _rows()), admin_user)

    budi = StagedRow.objects.get(batch=batch, row_number=4)
    assert (budi.status, budi.is_accepted) == (RowStatus.DUPLICATE, False)
    assert [match["other"] for match in budi.matches] == ["row:3"]
    assert MatchReason.NIK_SWAPPED_DIGITS in budi.matches[0]["reasons"]
    rina = StagedRow.objects.get(batch=batch, row_number=6)
    assert (rina.status, rina.is_accepted) == (RowStatus.ALREADY_REGISTERED, False)
    assert rina.matches[0]["other"] == f"person:{person.pk}"
    assert MatchReason.SAME_NIK in rina.matches[0]["reasons"]
    assert StagedRow.objects.get(batch=batch, row_number=2).matches == []
    assert (batch.rows_ready, batch.rows_duplicate, batch.rows_registered) == (2, 1, 1)


def test_a_failure_while_staging_leaves_no_staged_rows_behind(
    tmp_path, import_media, admin_user, monkeypatch
):
    path = write_csv(tmp_path / "medono.csv", _rows())
    batch = services.upload_batch(actor=admin_user, path=path, original_name=path.name)
    monkeypatch.setattr(services, "CHUNK", 2)
    staged_row = services._staged_row

    def failing(batch_id, outcome):
        if outcome.number == 5:
            raise RuntimeError("listrik padam")
        return staged_row(batch_id, outcome)

    monkeypatch.setattr(services, "_staged_row", failing)
    batch = services.stage_batch(batch_id=batch.pk)

    assert not StagedRow.objects.filter(batch=batch).exists()
    # Not left "being checked": failed, with a reason and a retry.
    assert (batch.status, batch.failed_step) == (BatchStatus.FAILED, "stage")
    assert "RuntimeError" in batch.problem


def test_a_damaged_spreadsheet_fails_the_batch_with_its_reason(tmp_path, import_media, admin_user):
    path = tmp_path / "medono.xlsx"
    path.write_bytes(b"PK\x03\x04 cut off in the middle")
    batch = _stage(path, admin_user)

    assert batch.status == BatchStatus.FAILED
    assert batch.problem.startswith("Berkas medono.xlsx tidak dapat dibaca: ")
    assert not StagedRow.objects.filter(batch=batch).exists()
