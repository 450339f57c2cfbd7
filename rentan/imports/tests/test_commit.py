"""Commit: all or nothing, once per file, every person traceable to its file and row."""

from datetime import date

import pytest
from django.db import IntegrityError, connection

from rentan.core import bulk_indexes, foreign_keys
from rentan.core.models import AuditAction, AuditEvent
from rentan.imports import services
from rentan.imports.models import BatchStatus, ImportBatch, ImportedPerson, RowStatus, StagedRow
from rentan.imports.tests.files import write_xlsx
from rentan.registry.dedup import MatchReason
from rentan.registry.models import LIST_ORDER, Household, Person, PersonSource
from rentan.registry.selectors import matching_name_or_nik
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

HEAD = ["NIK", "No KK", "Nama", "Tgl Lahir", "JK", "Kelurahan", "Pekerjaan", "No HP"]


def _file(tmp_path, name="medono.xlsx", rows=None):
    rows = rows or [
        [
            "3375014501850001",
            "3375010101100001",
            "SITI AMINAH",
            "05-01-1985",
            "P",
            "Medono",
            "Buruh batik",
            "0812 3456 7890",
        ],
        [
            "3375011205750002",
            "3375010101100002",
            "Budi",
            "12 Mei 1975",
            "L",
            "Medono",
            "Pengayuh becak",
            "",
        ],
        ["3375011205750003", "", "Joko", "bukan tanggal", "L", "Medono", "Buruh batik", ""],
    ]
    return write_xlsx(tmp_path / name, [HEAD, *rows])


def _staged(path, actor):
    batch = services.upload_batch(actor=actor, path=path, original_name=path.name)
    return services.stage_batch(batch_id=batch.pk)


def test_commit_adds_ready_rows_with_their_source_file_and_row(tmp_path, import_media, admin_user):
    batch = _staged(_file(tmp_path), admin_user)
    result = services.commit_batch(batch_id=batch.pk, actor=admin_user)

    assert result.created == 2
    assert result.left_out == 1
    assert list(StagedRow.objects.imported().values_list("row_number", flat=True)) == [2, 3]
    siti = Person.objects.get(nik="3375014501850001")
    assert siti.name == "Siti Aminah"
    assert siti.birth_date == date(1985, 1, 5)
    assert siti.phone == "+6281234567890"
    assert siti.household.kk_number == "3375010101100001"
    assert siti.source == PersonSource.IMPORT
    assert siti.source_detail == f"Impor #{batch.pk} medono.xlsx baris 2"
    assert siti.occupation.code == "buruh-batik"
    origin = ImportedPerson.objects.get(person=siti)
    assert (origin.batch_id, origin.row_number) == (batch.pk, 2)
    assert Person.objects.get(nik="3375011205750002").import_origin.row_number == 3
    assert not Person.objects.filter(name="Joko").exists()

    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    assert batch.rows_created == 2
    event = AuditEvent.objects.get(action=AuditAction.BATCH_COMMITTED)
    assert event.target_id == str(batch.pk)
    assert event.changes["after"]["pekerja_ditambahkan"] == 2
    assert event.actor == admin_user


@pytest.fixture(params=[False, True], ids=["keys-row-by-row", "keys-in-bulk"])
def keys_in_bulk(request, monkeypatch):
    """Both ways a commit has its foreign keys checked (in bulk only on PostgreSQL, where a
    small batch is made to count as large)."""
    if request.param:
        monkeypatch.setattr(foreign_keys, "BULK_FROM", 1)
        monkeypatch.setattr(foreign_keys, "CHECK_COST_RATIO", 10**6)
    return request.param and connection.vendor == "postgresql"


def _indexes_of_person() -> list[str]:
    """Every index definition of the person table (on SQLite, the name of SQLite's own index
    for a unique column)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT coalesce(sql, name) FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = 'registry_person' ORDER BY 1"
            )
        else:
            cursor.execute(
                "SELECT pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = 'registry_person'::regclass ORDER BY 1"
            )
        return [definition for (definition,) in cursor.fetchall()]


def _foreign_keys_of_person() -> list[str]:
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'registry_person'::regclass AND contype = 'f' ORDER BY conname"
        )
        return [definition for (definition,) in cursor.fetchall()]


@pytest.mark.parametrize("step", ["households", "persons", "links", "audit"])
def test_failure_during_commit_leaves_the_registry_as_it_was(
    tmp_path, import_media, admin_user, monkeypatch, step, keys_in_bulk
):
    keys, indexes = _foreign_keys_of_person(), _indexes_of_person()
    existing = PersonFactory()
    batch = _staged(_file(tmp_path), admin_user)
    before = (Person.objects.count(), Household.objects.count(), ImportedPerson.objects.count())

    def fail(reached: str) -> None:
        if reached == step:
            raise RuntimeError("listrik padam")

    monkeypatch.setattr(services, "_step_hook", fail)
    with pytest.raises(RuntimeError):
        services.commit_batch(batch_id=batch.pk, actor=admin_user)

    after = (Person.objects.count(), Household.objects.count(), ImportedPerson.objects.count())
    assert after == before
    assert list(Person.objects.all()) == [existing]
    assert not AuditEvent.objects.filter(action=AuditAction.BATCH_COMMITTED).exists()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REVIEW
    assert not StagedRow.objects.imported().exists()
    assert _foreign_keys_of_person() == keys
    assert _indexes_of_person() == indexes

    monkeypatch.setattr(services, "_step_hook", lambda reached: None)
    assert services.commit_batch(batch_id=batch.pk, actor=admin_user).created == 2
    assert _foreign_keys_of_person() == keys
    assert _indexes_of_person() == indexes


def test_a_large_commit_builds_the_person_indexes_again_after_its_rows(
    tmp_path, import_media, admin_user, monkeypatch
):
    # The batch counts as large: keys checked in bulk (PostgreSQL), indexes rebuilt.
    monkeypatch.setattr(foreign_keys, "BULK_FROM", 1)
    monkeypatch.setattr(foreign_keys, "CHECK_COST_RATIO", 10**6)
    monkeypatch.setattr(bulk_indexes, "REBUILD_FROM_ROWS", 1)
    is_postgresql = connection.vendor == "postgresql"
    # The name search's index (PostgreSQL), the person list's order (both).
    name_index = "gin_trgm_ops" if is_postgresql else "registry_person_sort_idx"
    indexes = _indexes_of_person()
    assert any(name_index in definition for definition in indexes)
    dropped: list[list[str]] = []
    monkeypatch.setattr(
        services, "_step_hook", lambda reached: dropped.append(_indexes_of_person())
    )
    batch = _staged(_file(tmp_path), admin_user)

    assert services.commit_batch(batch_id=batch.pk, actor=admin_user).created == 2

    # While the rows went in, only the keys' own indexes (id, NIK, KK) were there...
    during = dropped[1]  # at "persons", just before the persons' insert
    assert not any(name_index in definition for definition in during)
    if is_postgresql:
        assert any("UNIQUE" in definition and "(nik)" in definition for definition in during)
    else:
        assert during == ["sqlite_autoindex_registry_person_1"]
    # ...and afterwards every index is back as it was, and serves the person list.
    assert _indexes_of_person() == indexes
    if not is_postgresql:
        sql, params = Person.objects.order_by(LIST_ORDER, "id").values("id").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "registry_person_sort_idx" in plan, plan
        return
    sql, params = (
        matching_name_or_nik(Person.objects.all(), "siti").values("id").query.sql_with_params()
    )
    with connection.cursor() as cursor:
        # Neither the whole table nor another index, as in the person list's own test.
        for method in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "registry_person_name_lower_trgm" in plan, plan


def test_a_commit_small_next_to_the_registry_keeps_the_person_indexes(
    tmp_path, import_media, admin_user, monkeypatch
):
    monkeypatch.setattr(foreign_keys, "BULK_FROM", 1)
    monkeypatch.setattr(foreign_keys, "CHECK_COST_RATIO", 10**6)
    monkeypatch.setattr(bulk_indexes, "REBUILD_FROM_ROWS", 1)
    PersonFactory.create_batch(5)
    assert not bulk_indexes.is_worth_it("registry_person", 2)
    seen: list[list[str]] = []
    monkeypatch.setattr(services, "_step_hook", lambda reached: seen.append(_indexes_of_person()))
    batch = _staged(_file(tmp_path), admin_user)

    assert services.commit_batch(batch_id=batch.pk, actor=admin_user).created == 2
    assert seen[1] == _indexes_of_person()


def test_a_failed_large_commit_leaves_the_person_indexes_as_they_were(
    tmp_path, import_media, admin_user, monkeypatch
):
    monkeypatch.setattr(foreign_keys, "BULK_FROM", 1)
    monkeypatch.setattr(foreign_keys, "CHECK_COST_RATIO", 10**6)
    monkeypatch.setattr(bulk_indexes, "REBUILD_FROM_ROWS", 1)
    indexes = _indexes_of_person()
    batch = _staged(_file(tmp_path), admin_user)
    seen: list[list[str]] = []

    def fail(reached: str) -> None:
        seen.append(_indexes_of_person())
        if reached == "links":
            raise RuntimeError("stopped after the persons")

    monkeypatch.setattr(services, "_step_hook", fail)
    with pytest.raises(RuntimeError, match="stopped after the persons"):
        services.commit_batch(batch_id=batch.pk, actor=admin_user)
    assert len(seen[1]) < len(indexes)  # the persons went in without their indexes
    assert not Person.objects.exists()
    assert _indexes_of_person() == indexes


def test_a_commit_of_a_few_rows_keeps_the_indexes_without_counting_the_registry(
    django_assert_max_num_queries,
):
    with django_assert_max_num_queries(0):
        assert not bulk_indexes.is_worth_it("registry_person", bulk_indexes.REBUILD_FROM_ROWS - 1)


@pytest.mark.parametrize("keys_in_bulk", [True], indirect=True, ids=["keys-in-bulk"])
def test_keys_checked_in_bulk_still_refuse_a_row_that_breaks_them(
    tmp_path, import_media, admin_user, monkeypatch, keys_in_bulk
):
    if not keys_in_bulk:
        pytest.skip("only PostgreSQL checks keys in bulk (SQLite: at the COMMIT of the test)")
    keys = _foreign_keys_of_person()
    batch = _staged(_file(tmp_path), admin_user)

    def break_a_key(reached: str) -> None:
        if reached == "links":
            with connection.cursor() as cursor:
                cursor.execute("UPDATE registry_person SET occupation_id = 999999")

    monkeypatch.setattr(services, "_step_hook", break_a_key)
    with pytest.raises(IntegrityError):
        services.commit_batch(batch_id=batch.pk, actor=admin_user)
    assert not Person.objects.exists()
    assert _foreign_keys_of_person() == keys


def test_the_same_file_twice_creates_nothing_new_and_says_so(tmp_path, import_media, admin_user):
    path = _file(tmp_path)
    batch = _staged(path, admin_user)
    services.commit_batch(batch_id=batch.pk, actor=admin_user)
    count = Person.objects.count()

    with pytest.raises(services.FileAlreadyImported) as raised:
        services.upload_batch(actor=admin_user, path=path, original_name="lagi.xlsx")
    assert raised.value.batch == batch
    assert "sudah pernah diimpor" in str(raised.value)
    assert Person.objects.count() == count
    assert ImportBatch.objects.count() == 1


def test_the_same_rows_in_another_file_are_already_registered(tmp_path, import_media, admin_user):
    first = _staged(_file(tmp_path), admin_user)
    services.commit_batch(batch_id=first.pk, actor=admin_user)
    count = Person.objects.count()

    # Re-saved with an extra fixed row: a different checksum, the same people.
    again = _file(
        tmp_path,
        "medono-lagi.xlsx",
        [
            [
                "3375014501850001",
                "3375010101100001",
                "Siti Aminah",
                "05-01-1985",
                "P",
                "Medono",
                "Buruh batik",
                "",
            ],
            ["3375011205750003", "", "Joko", "12-05-1975", "L", "Medono", "Buruh batik", ""],
        ],
    )
    batch = _staged(again, admin_user)
    row = StagedRow.objects.get(batch=batch, row_number=2)
    assert row.status == RowStatus.ALREADY_REGISTERED
    assert MatchReason.SAME_NIK.value in row.matches[0]["reasons"]
    result = services.commit_batch(batch_id=batch.pk, actor=admin_user)
    assert result.created == 1
    assert result.already_registered == 1
    assert Person.objects.count() == count + 1


def test_same_family_card_is_held_back_until_the_user_accepts_it(
    tmp_path, import_media, admin_user
):
    household = Household.objects.create(kk_number="3375010101100001")
    PersonFactory(household=household)
    batch = _staged(_file(tmp_path), admin_user)
    row = StagedRow.objects.get(batch=batch, row_number=2)
    assert row.status == RowStatus.DUPLICATE
    assert row.matches[0]["reasons"] == [MatchReason.SAME_KK.value]
    assert not row.is_accepted
    assert batch.rows_duplicate == 1

    services.decide_duplicate(actor=admin_user, batch=batch, row_number=2, accept=True)
    result = services.commit_batch(batch_id=batch.pk, actor=admin_user)
    assert result.created == 2
    assert Person.objects.get(nik="3375014501850001").household == household


def test_a_duplicate_left_out_is_not_committed(tmp_path, import_media, admin_user):
    household = Household.objects.create(kk_number="3375010101100001")
    PersonFactory(household=household)
    batch = _staged(_file(tmp_path), admin_user)
    result = services.commit_batch(batch_id=batch.pk, actor=admin_user)
    assert result.created == 1
    assert not Person.objects.filter(nik="3375014501850001").exists()


def test_household_rule_off_lets_family_members_through(tmp_path, import_media, admin_user):
    household = Household.objects.create(kk_number="3375010101100001")
    PersonFactory(household=household)
    path = _file(tmp_path)
    batch = services.upload_batch(
        actor=admin_user, path=path, original_name=path.name, household_rule=False
    )
    batch = services.stage_batch(batch_id=batch.pk)
    assert StagedRow.objects.get(batch=batch, row_number=2).status == RowStatus.READY


def test_a_committed_batch_cannot_be_committed_again(tmp_path, import_media, admin_user):
    batch = _staged(_file(tmp_path), admin_user)
    services.commit_batch(batch_id=batch.pk, actor=admin_user)
    with pytest.raises(services.BatchNotReady):
        services.commit_batch(batch_id=batch.pk, actor=admin_user)
    assert Person.objects.count() == 2


def test_a_commit_that_doubles_the_registry_has_the_match_weights_estimated_again(
    tmp_path, import_media, admin_user, monkeypatch, django_capture_on_commit_callbacks
):
    from rentan.registry import match_model
    from rentan.registry.models import MatchWeights
    from rentan.registry.services import estimate_match_weights

    monkeypatch.setattr(match_model, "OUTGROWN_FLOOR", 1)
    PersonFactory(name="Slamet Riyadi", birth_date=date(1970, 3, 4))
    PersonFactory(name="Sri Wahyuni", birth_date=date(1981, 6, 7))
    estimate_match_weights(actor=admin_user)
    batch = _staged(_file(tmp_path), admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        services.commit_batch(batch_id=batch.pk, actor=admin_user)

    # Two persons when the weights were estimated, four now: the test settings run the
    # queued task at once, as the worker would.
    latest = MatchWeights.objects.first()
    assert MatchWeights.objects.count() == 2
    assert latest.record_count == 4
    assert latest.estimated_by is None
    assert AuditEvent.objects.filter(action=AuditAction.MATCH_WEIGHTS_ESTIMATED).count() == 2


def test_a_commit_that_does_not_double_the_registry_keeps_the_match_weights(
    tmp_path, import_media, admin_user, monkeypatch, django_capture_on_commit_callbacks
):
    from rentan.registry import match_model
    from rentan.registry.models import MatchWeights
    from rentan.registry.services import estimate_match_weights

    monkeypatch.setattr(match_model, "OUTGROWN_FLOOR", 1)
    for number in range(3):
        PersonFactory(name=f"Slamet Riyadi {number}", birth_date=date(1970 + number, 3, 4))
    estimate_match_weights(actor=admin_user)
    batch = _staged(_file(tmp_path), admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        services.commit_batch(batch_id=batch.pk, actor=admin_user)

    # Five persons against weights from three.
    assert MatchWeights.objects.count() == 1
    assert Person.objects.count() == 5
