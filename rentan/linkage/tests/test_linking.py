import csv
import io

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

from rentan.linkage.engines import java_present, open_engine
from rentan.linkage.linking import estimate_from_files, link
from rentan.linkage.participants_file import write_participants
from rentan.linkage.tests.builders import planted_pair, region_people

KEY = b"kunci-bersama-jawa-tengah-2026-0123456789"


def _pairs(table):
    return {
        tuple(sorted(pair))
        for pair in zip(
            table.column("record_id_l").to_pylist(),
            table.column("record_id_r").to_pylist(),
            strict=True,
        )
    }


def test_duckdb_finds_the_people_planted_twice_with_their_evidence(tmp_path):
    first, second, planted = planted_pair(tmp_path)
    with open_engine("duckdb", tmp_path) as engine:
        result = link([first, second], engine=engine, workdir=tmp_path)

    # Two doubles found (one with two errors at once); the other Muhammad Rizki born the
    # same day, with a NIK of his own, is not.
    assert _pairs(result.pairs) == planted
    assert result.records == 23
    by_name = {row["name_r"]: row for row in result.pairs.to_pylist()}
    by_name |= {row["name_l"]: row for row in result.pairs.to_pylist()}
    slamet = by_name["Slamet Riyad"]
    assert slamet["kind"] == "dua wilayah"
    assert slamet["match_probability"] >= 0.95
    assert slamet["evidence"].startswith("NIK beda 1 digit, tanggal lahir sama: +")
    assert "nama mirip: +" in slamet["evidence"]
    assert slamet["agreeing"] == "birth_date, sex"
    assert by_name["Nur Hidayah"]["evidence"].startswith("NIK sama: +")


def test_duckdb_finds_nobody_in_two_regions_that_share_nobody(tmp_path):
    first, second = tmp_path / "a.parquet", tmp_path / "b.parquet"
    write_participants(region_people("33.75", shift=0), first)
    write_participants(region_people("33.26", shift=1), second)
    with open_engine("duckdb", tmp_path) as engine:
        result = link([first, second], engine=engine, workdir=tmp_path)
    assert result.records == 20
    assert result.doubles == 0


def test_hashed_files_link_on_the_hash_and_the_result_holds_no_nik(tmp_path):
    first, second, planted = planted_pair(tmp_path, key=KEY)
    (tmp_path / "plain").mkdir()
    plain = planted_pair(tmp_path / "plain")[:2]
    plain_niks = {nik for path in plain for nik in pq.read_table(path).column("nik").to_pylist()}
    out = tmp_path / "ganda.csv"
    printed = io.StringIO()
    call_command("link_regions", str(first), str(second), "--out", str(out), stdout=printed)

    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    found = {tuple(sorted((r["record_id_l"], r["record_id_r"]))) for r in rows}
    # the same NIK still agrees as the same hash; a NIK one digit off is another hash
    assert ("33.26/jamsos-2026/M101", "33.75/jamsos-2026/M2") in found
    assert found <= planted
    written = {r["nik_l"] for r in rows} | {r["nik_r"] for r in rows}
    assert written
    assert not plain_niks & written
    assert f"ditulis ke {out}" in printed.getvalue()


def test_the_command_refuses_a_file_out_of_format_naming_it(tmp_path):
    first, _, _ = planted_pair(tmp_path)
    stranger = tmp_path / "dari-wilayah-lain.parquet"
    pq.write_table(pq.read_table(first).drop_columns(["payer"]), stranger)
    with pytest.raises(CommandError, match=r"Berkas dari-wilayah-lain\.parquet: kolom “payer”"):
        call_command("link_regions", str(first), str(stranger), "--out", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match=r"harus berakhiran \.parquet atau \.csv"):
        call_command("link_regions", str(first), "--out", str(tmp_path / "x.xlsx"))


@pytest.mark.spark
def test_spark_finds_what_duckdb_finds(tmp_path):
    # The one Spark session of the suite: Spark starts a JVM (tens of seconds).
    pytest.importorskip("pyspark")
    if not java_present():
        pytest.skip("Spark memerlukan Java")
    first, second, planted = planted_pair(tmp_path)
    out = tmp_path / "ganda.parquet"
    call_command(
        "link_regions",
        str(first),
        str(second),
        "--engine",
        "spark",
        "--spark-master",
        "local[1]",
        "--spark-partitions",
        "1",
        "--out",
        str(out),
        "--workdir",
        str(tmp_path),
        stdout=io.StringIO(),
    )
    on_spark = pq.read_table(out)
    assert _pairs(on_spark) == planted

    with open_engine("duckdb", tmp_path) as engine:
        on_duckdb = link([first, second], engine=engine, workdir=tmp_path).pairs
    assert on_spark.column("evidence").to_pylist() == on_duckdb.column("evidence").to_pylist()
    for spark_p, duck_p in zip(
        on_spark.column("match_probability").to_pylist(),
        on_duckdb.column("match_probability").to_pylist(),
        strict=True,
    ):
        assert spark_p == pytest.approx(duck_p, abs=1e-9)


def test_the_share_of_doubles_is_taken_from_the_nik_shared_across_payers_only(tmp_path):
    first, second, _ = planted_pair(tmp_path)
    # the same NIK paid twice by one payer (a file sent twice) is no double cover
    again = tmp_path / "lagi.parquet"
    pq.write_table(
        pq.read_table(first).set_column(
            0, "record_id", [[f"{r}-lagi" for r in pq.read_table(first)["record_id"].to_pylist()]]
        ),
        again,
    )
    rows = [row for path in (first, second, again) for row in pq.read_table(path).to_pylist()]
    shared = sum(
        1
        for i, left in enumerate(rows)
        for right in rows[i + 1 :]
        if left["nik"] == right["nik"]
        and (left["region_code"], left["payer"]) != (right["region_code"], right["payer"])
    )
    assert shared == 2  # Nurul in 33.26, against both copies of 33.75

    estimated = estimate_from_files([first, second, again], hashed=False, workdir=tmp_path)

    assert estimated.records == len(rows) == 33
    pairs = len(rows) * (len(rows) - 1) / 2
    assert estimated.probability_two_random_records_match == pytest.approx(shared / 0.9 / pairs)
    alone = estimate_from_files([first], hashed=False, workdir=tmp_path)
    assert alone.probability_two_random_records_match == pytest.approx(1 / (10 * 9 / 2))
