"""The rule for files that leave Rentan: text stays text, download names stay valid."""

import csv
import email.message
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils.translation import gettext_lazy

from rentan.core.exports import attachment_disposition, csv_text, csv_writer, xlsx_workbook

HYPERLINK = '=HYPERLINK("http://evil.example/","Klik")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+6281234567890", "'+6281234567890"),  # a phone kept as text: apostrophe in CSV
        ("-5", "'-5"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Siti Aminah", "Siti Aminah"),
        ("Jl. Merdeka = 5", "Jl. Merdeka = 5"),  # only the first character counts
        ("'=already", "'=already"),
        ("", ""),
        (None, None),
        (-5, -5),  # a number the program writes as a number is not text
        (2.5, 2.5),
        (Decimal("-16800"), Decimal("-16800")),
        (gettext_lazy("=lazy"), "'=lazy"),  # lazy text is text
    ],
)
def test_csv_text_puts_an_apostrophe_before_text_read_as_a_formula(value, written):
    assert csv_text(value) == written


def test_csv_writer_writes_every_text_cell_through_the_rule():
    out = io.StringIO()
    writer = csv_writer(out, delimiter=";")
    writer.writerow(["nama", "hp", "selisih"])
    writer.writerows([[HYPERLINK, "+6281234567890", -16800], ["Budi", "081234567890", 0]])
    rows = list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert rows == [
        ["nama", "hp", "selisih"],
        ["'" + HYPERLINK, "'+6281234567890", "-16800"],
        ["Budi", "081234567890", "0"],
    ]


def test_xlsx_workbook_writes_formula_and_link_text_as_text_even_when_asked_otherwise():
    output = io.BytesIO()
    book = xlsx_workbook(output, {"strings_to_formulas": True, "strings_to_urls": True})
    sheet = book.add_worksheet()
    values = [HYPERLINK, "http://evil.example/", "{=1+1}", "-5", "+62812"]
    for column, value in enumerate(values):
        sheet.write(0, column, value)
    book.close()
    cells = openpyxl.load_workbook(io.BytesIO(output.getvalue())).active[1]
    assert [cell.value for cell in cells] == values
    assert {cell.data_type for cell in cells} == {"s"}
    assert all(cell.hyperlink is None for cell in cells)


@pytest.mark.parametrize(
    ("filename", "header"),
    [
        ("lampiran-uji-2023.xlsx", 'attachment; filename="lampiran-uji-2023.xlsx"'),
        ('a"b;c-kesalahan.xlsx', r'attachment; filename="a\"b;c-kesalahan.xlsx"'),
        ("Médono.xlsx", "attachment; filename*=utf-8''M%C3%A9dono.xlsx"),
        ("a\r\nSet-Cookie: x=1.xlsx", 'attachment; filename="a__Set-Cookie: x=1.xlsx"'),
        ("../../etc/passwd", 'attachment; filename=".._.._etc_passwd"'),
    ],
)
def test_attachment_disposition_is_a_valid_header_for_any_file_name(filename, header):
    assert attachment_disposition(filename) == header
    parsed = email.message.Message()
    parsed["Content-Disposition"] = header
    assert parsed.get_content_disposition() == "attachment"
    assert parsed.get_filename() == filename.replace("\r", "_").replace("\n", "_").replace("/", "_")
