from datetime import date

from rentan.registry.dedup import DedupRecord, MatchReason, find_pairs


def record(key: str, nik: str = "", kk: str = "", name: str = "Slamet") -> DedupRecord:
    return DedupRecord(key, nik, name, date(1980, 1, 1), "33.75.01.1002", kk_number=kk)


def test_same_nik_within_file_and_against_registry():
    rows = [record("row:2", "3375010101800001"), record("row:3", "3375010101800001")]
    registry = [record("person:9", "3375010101800001"), record("person:10", "3375010101800002")]
    pairs = find_pairs(rows, against=registry)
    keys = {(p.left, p.right) for p in pairs}
    assert keys == {("row:2", "row:3"), ("row:2", "person:9"), ("row:3", "person:9")}
    assert all(p.is_exact and p.reasons == (MatchReason.SAME_NIK,) for p in pairs)


def test_registry_records_are_not_paired_with_each_other():
    registry = [record("person:1", "3375010101800001"), record("person:2", "3375010101800001")]
    assert find_pairs([], against=registry) == []


def test_same_kk_only_under_household_rule():
    rows = [record("row:2", kk="3375011203100005"), record("row:3", kk="3375011203100005")]
    assert find_pairs(rows) == []
    (pair,) = find_pairs(rows, household_rule=True)
    assert pair.reasons == (MatchReason.SAME_KK,) and not pair.is_exact
