import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rentan.linkage.linking import check_files
from rentan.linkage.participants_file import (
    COLUMN_NAMES,
    NIK_HASHED,
    NIK_PLAIN,
    SCHEMA,
    FileForm,
    FormatRefused,
    KeyRefused,
    check_key,
    check_participants_file,
    hash_nik,
    key_id,
    write_participants,
    write_table,
)
from rentan.linkage.tests.builders import region_people

KEY = b"kunci-bersama-jawa-tengah-2026-0123456789"


def test_a_written_file_reads_back_as_written_with_its_form(tmp_path):
    people = region_people("33.75", shift=0)
    path = tmp_path / "peserta.parquet"
    assert write_participants(people, path) == len(people)

    assert check_participants_file(path) == FileForm(NIK_PLAIN)
    table = pq.read_table(path)
    assert table.schema.names == list(COLUMN_NAMES)
    assert table.to_pylist()[0] == {name: getattr(people[0], name) for name in COLUMN_NAMES}


def test_a_hashed_file_holds_only_keyed_hashes_and_names_its_key(tmp_path):
    people = region_people("33.75", shift=0)
    path = tmp_path / "peserta.parquet"
    write_participants(people, path, key=KEY)

    form = check_participants_file(path)
    assert form == FileForm(NIK_HASHED, key_id(KEY))
    niks = pq.read_table(path).column("nik").to_pylist()
    assert niks == [hash_nik(p.nik, KEY) for p in people]
    assert not {p.nik for p in people} & set(niks)
    assert hash_nik(people[0].nik, b"x" * 40) != niks[0]  # another key, another hash


def test_a_short_key_is_refused_and_a_key_file_newline_ignored():
    with pytest.raises(KeyRefused, match="terlalu pendek"):
        check_key(b"rahasia\n")
    assert check_key(KEY + b"\n") == KEY


def _table_without(column: str) -> pa.Table:
    people = region_people("33.75", shift=0)
    table = pa.Table.from_pylist([{n: getattr(p, n) for n in COLUMN_NAMES} for p in people])
    return table.cast(SCHEMA).drop_columns([column])


def _write_raw(path, table, metadata=None):
    pq.write_table(table.replace_schema_metadata(metadata), path)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda path: path.write_bytes(b"NIK;Nama\n3375"),
            "Berkas {name} bukan berkas Parquet peserta Rentan",
        ),
        (
            lambda path: _write_raw(path, _table_without("sex").cast(SCHEMA.remove(5))),
            "Berkas {name} tidak ditulis dalam format peserta Rentan",
        ),
        (
            lambda path: write_table(_table_without("birth_date"), path, form=FileForm(NIK_PLAIN)),
            "Berkas {name}: kolom “birth_date” tidak ada.",
        ),
        (
            lambda path: write_table(
                _table_without("birth_date").append_column(
                    "birth_date", pa.array(["1975-03-14"] * 10)
                ),
                path,
                form=FileForm(NIK_PLAIN),
            ),
            "Berkas {name}: kolom “birth_date” harus berisi tanggal (date32[day]), "
            "tertulis string.",
        ),
        (
            lambda path: write_table(
                _table_without("payer").append_column(
                    "payer", pa.array([None] * 3 + ["A"] * 7, pa.string())
                ),
                path,
                form=FileForm(NIK_PLAIN),
            ),
            "Berkas {name}: kolom “payer” kosong di 3 baris",
        ),
        (
            lambda path: write_table(
                _table_without("payer")
                .append_column("payer", pa.array(["A"] * 10))
                .append_column("phone", pa.array(["0812"] * 10)),
                path,
                form=FileForm(NIK_PLAIN),
            ),
            "Berkas {name}: kolom “phone” tidak dikenal",
        ),
    ],
    ids=["not-parquet", "no-format", "missing", "wrong-type", "empty", "extra"],
)
def test_a_file_out_of_format_is_refused_naming_file_and_column(tmp_path, make, message):
    path = tmp_path / "kiriman-wilayah.parquet"
    make(path)
    with pytest.raises(FormatRefused) as refused:
        check_participants_file(path)
    assert str(refused.value).startswith(message.format(name=path.name))


def test_files_that_write_the_nik_differently_are_refused_together(tmp_path):
    plain, hashed, other_key = (tmp_path / f"{n}.parquet" for n in ("a", "b", "c"))
    write_participants(region_people("33.75", shift=0), plain)
    write_participants(region_people("33.26", shift=1), hashed, key=KEY)
    write_participants(region_people("33.27", shift=2), other_key, key=KEY[::-1])

    with pytest.raises(FormatRefused, match=r"Berkas b\.parquet: kolom “nik” berisi hash NIK"):
        check_files([plain, hashed])
    with pytest.raises(FormatRefused, match=r"Berkas c\.parquet: kolom “nik” di-hash dengan kunci"):
        check_files([hashed, other_key])
    assert check_files([hashed, hashed]).hashed
