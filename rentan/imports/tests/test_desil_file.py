"""Reading a DTSEN desil list: good rows, each kind of bad row with its number and reason,
and files refused whole."""

import io
from datetime import date

import pytest
import xlsxwriter

from rentan.imports.desil_file import read_desil_list
from rentan.imports.reading import FileError, FileProblem
from rentan.registry.desil import DesilProblem, DesilRow

TODAY = date(2026, 12, 2)
NIK = "3375014501850001"
KK = "3375010101200001"


def xlsx(rows: list[list[object]]) -> bytes:
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write_string(r, c, value) if isinstance(value, str) else sheet.write(
                    r, c, value
                )
    workbook.close()
    return output.getvalue()


HEADER: list[object] = ["No", "NIK", "No. KK", "Desil", "Tanggal Pemeringkatan"]


def read_one(nik: object, kk: object, desil: object, on: object):
    content = xlsx([["Daftar desil DTSEN"], HEADER, [1, nik, kk, desil, on]])
    return read_desil_list(content, name="desil.xlsx", today=TODAY)


@pytest.mark.parametrize(
    ("nik", "kk", "desil", "on", "expected"),
    [
        (NIK, None, 2, "01-03-2026", DesilRow(3, NIK, "", 2, date(2026, 3, 1))),
        (NIK, KK, "Desil 5", "Maret 2026", DesilRow(3, NIK, "", 5, date(2026, 3, 1))),
        (None, KK, 10.0, "2026-03", DesilRow(3, "", KK, 10, date(2026, 3, 1))),
        (f"'{NIK}", None, "1", "15 Maret 2026", DesilRow(3, NIK, "", 1, date(2026, 3, 15))),
    ],
)
def test_a_good_row_is_read(nik, kk, desil, on, expected):
    parsed = read_one(nik, kk, desil, on)
    assert parsed.issues == []
    assert parsed.rows == [expected]


@pytest.mark.parametrize(
    ("nik", "kk", "desil", "on", "problem", "words"),
    [
        (NIK, None, 0, "01-03-2026", DesilProblem.BAD_DESIL, "desil harus bilangan 1 sampai 10"),
        (NIK, None, 11, "01-03-2026", DesilProblem.BAD_DESIL, "tertulis “11”"),
        (NIK, None, "lima", "01-03-2026", DesilProblem.BAD_DESIL, "tertulis “lima”"),
        (NIK, None, None, "01-03-2026", DesilProblem.BAD_DESIL, "tertulis “kosong”"),
        (NIK, None, 3, "31-02-2026", DesilProblem.BAD_DATE, "tidak ada di kalender"),
        (NIK, None, 3, "kemarin", DesilProblem.BAD_DATE, "tidak terbaca"),
        (NIK, None, 3, "Januari 2027", DesilProblem.BAD_DATE, "setelah hari ini"),
        (NIK, None, 3, None, DesilProblem.BAD_DATE, "kosong"),
        ("33750145018500", None, 3, "03/2026", DesilProblem.BAD_NIK, "16 digit"),
        (3375014501850001, None, 3, "03/2026", DesilProblem.NIK_AS_NUMBER, "angka"),
        (None, "12345", 3, "03/2026", DesilProblem.BAD_KK, "16 digit"),
        (None, None, 3, "03/2026", DesilProblem.NO_IDENTITY, "kosong"),
    ],
)
def test_a_bad_row_is_told_with_its_number_and_reason(nik, kk, desil, on, problem, words):
    parsed = read_one(nik, kk, desil, on)
    assert parsed.rows == []
    [found] = parsed.issues
    assert found.row == 3
    assert found.problem == problem
    assert found.message.startswith("Baris 3, kolom ")
    assert words in found.message


def test_a_repeated_nik_on_the_same_date_is_told_and_another_date_is_kept():
    content = xlsx(
        [
            ["NIK", "Desil", "Periode"],
            [NIK, 2, "Maret 2026"],
            [NIK, 3, "Maret 2026"],
            [NIK, 4, "Juni 2026"],
        ]
    )
    parsed = read_desil_list(content, name="d.xlsx", today=TODAY)
    assert [(r.row, r.desil) for r in parsed.rows] == [(2, 2), (4, 4)]
    assert [(i.row, i.problem) for i in parsed.issues] == [(3, DesilProblem.REPEATED)]
    assert "baris 2" in parsed.issues[0].message


def test_a_list_without_dates_takes_the_date_given_on_the_form():
    content = xlsx([["NIK", "Desil"], [NIK, 4]])
    with pytest.raises(FileError) as refused:
        read_desil_list(content, name="d.xlsx", today=TODAY)
    assert "Tanggal pemeringkatan" in str(refused.value)
    parsed = read_desil_list(content, name="d.xlsx", today=TODAY, ranked_on=date(2026, 3, 1))
    assert parsed.rows == [DesilRow(2, NIK, "", 4, date(2026, 3, 1))]


def test_a_file_that_is_no_desil_list_is_refused():
    content = xlsx([["Nama", "Alamat"], ["Siti", "Jl. Merdeka"]])
    with pytest.raises(FileError) as refused:
        read_desil_list(content, name="d.xlsx", today=TODAY)
    assert refused.value.problem == FileProblem.NO_HEADER


def test_a_csv_with_a_damaged_cell_is_refused_whole():
    content = f"NIK;Desil;Periode\n{NIK};2\x00;03/2026\n".encode()
    with pytest.raises(FileError) as refused:
        read_desil_list(content, name="d.csv", today=TODAY)
    assert "karakter kendali" in str(refused.value)
