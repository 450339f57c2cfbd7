"""The .xlsx files Rentan hands out: the empty template and the error file of a batch."""

import io
from collections.abc import Iterable, Sequence
from datetime import date

from rentan.core.exports import xlsx_workbook
from rentan.imports.cells import ERROR_COLUMN, FIELD_LABELS, ImportField
from rentan.imports.reading import DATA_SHEET

TEMPLATE_COLUMNS: tuple[tuple[ImportField, int, str], ...] = (
    (ImportField.NIK, 20, "16 digit, sesuai KTP. Kolom ini berformat Teks: jangan diubah."),
    (ImportField.KK_NUMBER, 20, "16 digit nomor Kartu Keluarga (boleh kosong)."),
    (ImportField.NAME, 28, "Nama sesuai KTP."),
    (ImportField.BIRTH_PLACE, 16, "Kota/kabupaten tempat lahir."),
    (ImportField.BIRTH_DATE, 14, "Tanggal lahir, mis. 12-05-1975 atau 12 Mei 1975."),
    (ImportField.SEX, 8, "L atau P (pilih dari daftar)."),
    (ImportField.STREET_ADDRESS, 30, "Nama jalan/gang dan nomor rumah."),
    (ImportField.RT, 6, "Nomor RT, mis. 003."),
    (ImportField.RW, 6, "Nomor RW, mis. 005."),
    (ImportField.KELURAHAN, 20, "Pilih dari daftar kelurahan wilayah program."),
    (ImportField.PHONE, 16, "Nomor HP, mis. 0812-3456-7890 (boleh kosong)."),
    (ImportField.OCCUPATION, 28, "Pilih dari daftar jenis pekerjaan."),
    (ImportField.MONTHLY_INCOME, 14, "Perkiraan penghasilan per bulan dalam rupiah, angka saja."),
    (ImportField.DEPENDENTS, 10, "Jumlah orang yang ditanggung (0-20)."),
)

_TEMPLATE_ROWS = 2000


def build_template(
    *,
    kelurahan_names: Sequence[str],
    occupation_names: Sequence[str],
    example_kelurahan: str,
    example_occupation: str,
    region_name: str,
) -> bytes:
    """The downloadable template: a Data sheet with text NIK/KK columns and drop-down lists,
    an instructions sheet with an example row, and a hidden sheet holding the lists."""
    output = io.BytesIO()
    workbook = xlsx_workbook(output)
    bold = workbook.add_format({"bold": True, "bg_color": "#E6F0EA", "border": 1})
    as_text = workbook.add_format({"num_format": "@"})
    as_date = workbook.add_format({"num_format": "dd-mm-yyyy"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    title = workbook.add_format({"bold": True, "font_size": 14})

    data = workbook.add_worksheet(DATA_SHEET)
    guide = workbook.add_worksheet("Petunjuk")
    lists = workbook.add_worksheet("Daftar")

    lists.write_column(0, 0, kelurahan_names)
    lists.write_column(0, 1, occupation_names)
    lists.write_column(0, 2, ["L", "P"])
    lists.hide()
    workbook.define_name("DaftarKelurahan", f"=Daftar!$A$1:$A${max(1, len(kelurahan_names))}")
    workbook.define_name("DaftarPekerjaan", f"=Daftar!$B$1:$B${max(1, len(occupation_names))}")

    for column, (field, width, _hint) in enumerate(TEMPLATE_COLUMNS):
        data.write_string(0, column, FIELD_LABELS[field], bold)
        cell_format = None
        if field in (
            ImportField.NIK,
            ImportField.KK_NUMBER,
            ImportField.PHONE,
            ImportField.RT,
            ImportField.RW,
        ):
            # Text, so Excel keeps all 16 digits and the leading zeros.
            cell_format = as_text
        elif field is ImportField.BIRTH_DATE:
            cell_format = as_date
        data.set_column(column, column, width, cell_format)
        if cell_format is as_text:
            # Formatted blank cells as well: some spreadsheet programs ignore column formats.
            for row in range(1, _TEMPLATE_ROWS + 1):
                data.write_blank(row, column, None, as_text)
        validation: dict[str, object] | None = None
        if field is ImportField.KELURAHAN:
            validation = {"validate": "list", "source": "=DaftarKelurahan"}
        elif field is ImportField.OCCUPATION:
            validation = {"validate": "list", "source": "=DaftarPekerjaan"}
        elif field is ImportField.SEX:
            validation = {"validate": "list", "source": ["L", "P"]}
        if validation:
            validation["error_message"] = "Pilih salah satu isian dari daftar."
            data.data_validation(1, column, _TEMPLATE_ROWS, column, validation)
    data.freeze_panes(1, 0)

    guide.set_column(0, 0, 24)
    guide.set_column(1, 1, 70)
    guide.write(0, 0, f"Templat data pekerja informal rentan — {region_name}", title)
    lines = [
        "Isi satu baris untuk satu orang di lembar Data, mulai baris 2. Jangan ubah judul kolom.",
        "NIK dan No. KK ditulis sebagai teks 16 digit. Jika Excel mengubahnya menjadi "
        "3,37501E+15, digit terakhir sudah hilang: ketik ulang.",
        "Kelurahan, jenis kelamin dan jenis pekerjaan dipilih dari daftar.",
        "Baris yang salah tidak ikut disimpan; Rentan memberikan berkas kesalahan yang dapat "
        "diperbaiki lalu diunggah lagi.",
    ]
    for index, line in enumerate(lines, start=2):
        guide.write(index, 0, f"{index - 1}.")
        guide.write(index, 1, line, wrap)
    row = len(lines) + 3
    guide.write(row, 0, "Kolom", bold)
    guide.write(row, 1, "Cara mengisi", bold)
    for offset, (field, _width, hint) in enumerate(TEMPLATE_COLUMNS, start=1):
        guide.write(row + offset, 0, FIELD_LABELS[field])
        guide.write(row + offset, 1, hint, wrap)
    row += len(TEMPLATE_COLUMNS) + 2
    guide.write(row, 0, "Contoh baris (jangan disalin ke lembar Data)", bold)
    example = {
        ImportField.NIK: "3375014501850001",
        ImportField.KK_NUMBER: "3375010101100001",
        ImportField.NAME: "Siti Aminah",
        ImportField.BIRTH_PLACE: "Pekalongan",
        ImportField.BIRTH_DATE: "05-01-1985",
        ImportField.SEX: "P",
        ImportField.STREET_ADDRESS: "Jl. Progo Gg. 3 No. 12",
        ImportField.RT: "003",
        ImportField.RW: "005",
        ImportField.KELURAHAN: example_kelurahan,
        ImportField.PHONE: "0812-3456-7890",
        ImportField.OCCUPATION: example_occupation,
        ImportField.MONTHLY_INCOME: "1500000",
        ImportField.DEPENDENTS: "2",
    }
    for column, (field, _width, _hint) in enumerate(TEMPLATE_COLUMNS):
        guide.write_string(row + 1, column, FIELD_LABELS[field], bold)
        guide.write_string(row + 2, column, example[field])
    workbook.close()
    return output.getvalue()


def build_error_file(
    *, headers: Sequence[str], rows: Iterable[tuple[Sequence[object], str]]
) -> bytes:
    """The file's own header and rows, each with the reasons it was refused in a last column,
    to be fixed and uploaded again (the extra column is ignored on upload)."""
    output = io.BytesIO()
    workbook = xlsx_workbook(output)
    bold = workbook.add_format({"bold": True, "bg_color": "#FDE8E8", "border": 1})
    as_text = workbook.add_format({"num_format": "@"})
    error_format = workbook.add_format({"font_color": "#B42318", "text_wrap": True})
    sheet = workbook.add_worksheet(DATA_SHEET)
    width = len(headers)
    for column, header in enumerate(headers):
        sheet.write_string(0, column, str(header), bold)
        sheet.set_column(column, column, 18, as_text)
    sheet.write_string(0, width, ERROR_COLUMN, bold)
    sheet.set_column(width, width, 60)
    for index, (cells, errors) in enumerate(rows, start=1):
        for column, cell in enumerate(list(cells)[:width]):
            if isinstance(cell, bool) or cell in ("", None):
                sheet.write(index, column, cell if cell not in ("", None) else None)
            elif isinstance(cell, int | float):
                sheet.write_number(index, column, cell)
            elif isinstance(cell, date):
                sheet.write_string(index, column, cell.strftime("%d-%m-%Y"))
            else:
                sheet.write_string(index, column, str(cell))
        if errors:
            sheet.write_string(index, width, errors, error_format)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return output.getvalue()
