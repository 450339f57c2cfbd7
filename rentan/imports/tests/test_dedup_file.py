"""`rentan dedup_file`: a kelurahan checks its own spreadsheet for duplicates."""

import csv
from datetime import date

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command

from rentan.imports.person_sheet import parse_date
from rentan.registry.dedup import MatchReason


def pairs_in(path):
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_xlsx(path, rows):
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Data")
    text = workbook.add_format({"num_format": "@"})
    for row_index, row in enumerate(rows):
        for column, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(
                    row_index, column, value, workbook.add_format({"num_format": "dd/mm/yyyy"})
                )
            elif isinstance(value, str) and value.isdigit():
                sheet.write_string(row_index, column, value, text)
            else:
                sheet.write(row_index, column, value)
    workbook.close()


def test_xlsx_with_title_row_lists_probable_and_exact_pairs(tmp_path):
    source = tmp_path / "medono.xlsx"
    write_xlsx(
        source,
        [
            ["Data pekerja informal Kelurahan Medono 2026"],
            [],
            ["No. KTP", "Nama Lengkap", "Tgl Lahir", "Alamat", "RT", "RW"],
            ["3375010101800001", "MUHAMMAD RIZKI", date(1980, 1, 1), "Jl. Merdeka No. 5", 3, 2],
            ["3375010101800007", "M. Rizki", date(1980, 1, 1), "Jl. Merdeka 5", 3, 2],
            ["3375014502850003", "Siti Aminah", date(1985, 2, 5), "Gg. Melati 2", 1, 1],
            ["3375014502850003", "St. Aminah", date(1985, 2, 5), "Gang Melati 2", 1, 1],
            ["3375011203700002", "Slamet Riyadi", date(1970, 3, 12), "Jl. Kurinci 9", 4, 2],
            [None, None, None, None],
        ],
    )
    out = tmp_path / "pasangan.csv"
    call_command("dedup_file", str(source), "--out", str(out))
    rows = pairs_in(out)
    assert [(r["baris_1"], r["baris_2"], r["pasti_sama"]) for r in rows] == [
        ("4", "5", "tidak"),
        ("6", "7", "ya"),
    ]
    assert str(MatchReason.NIK_ONE_DIGIT.label) in rows[0]["alasan"]
    assert rows[1]["alasan"] == str(MatchReason.SAME_NIK.label)
    assert float(rows[0]["skor"].replace(",", ".")) >= 0.85


def test_semicolon_csv_in_windows_1252_with_mapped_column(tmp_path):
    source = tmp_path / "kauman.csv"
    lines = [
        "Nama Pekerja;Tanggal lahir;Domisili;Kelurahan",
        "Dwi Astuti Ningrum;12-05-1975;Jl. Hayam Wuruk 10 RT 1 RW 3;Kauman",
        "DWI ASTUTI NINGRUM;12 Mei 1975;Jl Hayam Wuruk 10;Kauman",
        "Dwi Astuti Ningrum;12/05/75;Jl. Hayam Wuruk 10;Sugihwaras",
        "José Ramírez Pratama;01-01-1990;Jl. Sulawesi 1;Kauman",
    ]
    source.write_bytes("\r\n".join(lines).encode("cp1252"))
    out = tmp_path / "pasangan.csv"
    call_command("dedup_file", str(source), "--out", str(out), "--map", "Domisili=address")
    rows = pairs_in(out)
    assert [(r["baris_1"], r["baris_2"]) for r in rows] == [("2", "3")]
    assert str(MatchReason.SAME_BIRTH_DATE.label) in rows[0]["alasan"]


def test_file_without_name_column_is_refused_with_a_reason(tmp_path):
    source = tmp_path / "salah.csv"
    source.write_text("Nomor,Keterangan\n1,a\n", encoding="utf-8")
    with pytest.raises(CommandError, match="kolom Nama"):
        call_command("dedup_file", str(source), "--out", str(tmp_path / "x.csv"))


def test_unknown_mapping_target_is_refused(tmp_path):
    source = tmp_path / "a.csv"
    source.write_text("Nama,NIK\nBudi,3375010101800001\n", encoding="utf-8")
    with pytest.raises(CommandError, match="tidak dikenal"):
        call_command(
            "dedup_file", str(source), "--out", str(tmp_path / "x.csv"), "--map", "NIK=ktp"
        )


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("12-05-1975", date(1975, 5, 12)),
        ("12/05/75", date(1975, 5, 12)),
        ("1975-05-12", date(1975, 5, 12)),
        ("12 Mei 1975", date(1975, 5, 12)),
        ("3 Agustus 2001", date(2001, 8, 3)),
        (27526, date(1975, 5, 12)),
        ("27526", date(1975, 5, 12)),
        ("31-02-1975", None),
        ("kemarin", None),
        ("", None),
    ],
)
def test_parse_date(cell, expected):
    assert parse_date(cell) == expected
