"""The guard every uploaded table goes through: sizes, zip parts, sheet extents, encodings."""

import codecs
import io
import zipfile

import openpyxl
import pytest
import xlsxwriter

from rentan.core import safe_files
from rentan.core.safe_files import FileRefused, Limits, Refusal
from rentan.testing import hostile_files

LIMITS = Limits(
    max_bytes=20_000_000,
    max_rows=1_100_000,
    max_columns=200,
    max_unpacked_bytes=500_000_000,
    max_entries=1000,
)


def _refusal(source, name="data.xlsx"):
    with pytest.raises(FileRefused) as refused:
        safe_files.read_sheet(source, name=name, limits=LIMITS)
    return refused.value


@pytest.mark.parametrize(
    ("size", "text"),
    [(60_200_000, "60,2 MB"), (20_000_000, "20 MB"), (512_000, "512 KB"), (2_000_000_000, "2 GB")],
)
def test_sizes_are_written_the_indonesian_way(size, text):
    assert safe_files.format_size(size) == text


def test_an_upload_over_the_limit_is_refused_naming_the_limit():
    with pytest.raises(FileRefused) as refused:
        safe_files.check_size(60_200_000, LIMITS)
    assert refused.value.refusal is Refusal.TOO_LARGE
    assert str(refused.value) == "Berkas terlalu besar: 60,2 MB; batas 20 MB."


def test_the_import_form_refuses_a_file_over_the_setting(settings, admin_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from rentan.imports.forms import UploadForm

    settings.RENTAN_UPLOAD_MAX_BYTES = 1000
    form = UploadForm({}, {"file": SimpleUploadedFile("data.csv", b"x" * 2500)}, user=admin_user)
    assert not form.is_valid()
    assert form.errors["file"] == ["Berkas terlalu besar: 2,5 KB; batas 1 KB."]


def test_files_written_by_the_usual_tools_pass_and_are_read_whole(tmp_path):
    rows = [[f"k{n}" for n in range(30)], *[[f"v{r}-{n}" for n in range(30)] for r in range(50)]]
    by_openpyxl = tmp_path / "openpyxl.xlsx"
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.active["A60"] = "baris\r\nbaru"  # written as _x000D_, an ordinary character
    workbook.save(by_openpyxl)
    by_xlsxwriter = tmp_path / "xlsxwriter.xlsx"
    with xlsxwriter.Workbook(by_xlsxwriter) as book:
        sheet = book.add_worksheet("Data")
        for index, row in enumerate(rows):
            sheet.write_row(index, 0, row)
    for path in (by_openpyxl, by_xlsxwriter):
        read, _may_have_control = safe_files.read_sheet(path, name=path.name, limits=LIMITS)
        assert read[50][29] == "v49-29"
    read, _ = safe_files.read_sheet(by_openpyxl, name="x.xlsx", limits=LIMITS)
    assert not any(safe_files.control_columns(row) for row in read)


def test_a_long_narrow_table_is_measured_exactly_and_passes(tmp_path):
    # 30,000 rows x 3 columns: the quick bound (99,999 rows x 26 columns) alone would call it
    # sparse; the exact reach is the table's own.
    path = tmp_path / "panjang.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet("Data")
        for row in range(30_000):
            sheet.write_row(row, 0, [f"a{row}", f"b{row}", row])
    read, _ = safe_files.read_sheet(path, name=path.name, limits=LIMITS)
    assert len(read) == 30_000
    assert read[-1] == ["a29999", "b29999", 29999.0]


def _sheet(sheet_data, **parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in hostile_files._PARTS.items():
            archive.writestr(name, text)
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{hostile_files._MAIN}" xmlns:x="{hostile_files._MAIN}">'
            f"<sheetData>{sheet_data}</sheetData></worksheet>",
        )
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "sheet_data",
    [
        # Cells without a reference follow each other: 300 of them reach column KN.
        '<row r="1">' + "<c><v>1</v></c>" * 300 + "</row>",
        # A prefix calamine does not care about.
        '<x:row r="1"><x:c r="XFD1"><x:v>1</x:v></x:c></x:row>',
        # The reference second among the attributes.
        '<row r="1"><c t="n" r="ZZ1"><v>1</v></c></row>',
    ],
)
def test_a_sheet_written_another_way_is_walked_cell_by_cell(sheet_data):
    refused = _refusal(_sheet(sheet_data))
    assert refused.refusal is Refusal.SHEET_TOO_LARGE
    assert "batas 1.100.000 baris dan 200 kolom" in str(refused)


def test_rows_without_reference_reaching_far_down_are_counted():
    cells = "<c><v>1</v></c>" * 4
    sheet = f"<row>{cells}</row>" + "<row/>" * 600_000 + f"<row>{cells}</row>"
    refused = _refusal(_sheet(sheet))
    assert "terpakai sampai baris 600.002 kolom D" in str(refused)


def test_a_sheet_pointed_to_under_another_name_is_scanned_too():
    far = f'<worksheet xmlns="{hostile_files._MAIN}"><sheetData><row r="9"><c r="XFD9"><v>1</v>'
    far += "</c></row></sheetData></worksheet>"
    refused = _refusal(_sheet('<row r="1"><c r="A1"><v>1</v></c></row>', **{"xl/lain.xml": far}))
    assert "kolom XFD" in str(refused)


def test_a_zip_of_too_many_parts_is_refused_from_its_directory():
    parts = {f"xl/media/{n}.xml": "" for n in range(1001)}
    assert "berisi 1.006 bagian; batas 1.000" in str(_refusal(_sheet("", **parts)))


@pytest.mark.parametrize(
    ("content", "codec"),
    [
        ("NIK;Nama\n3375014501850001;André".encode(), "utf-8-sig"),
        (codecs.BOM_UTF8 + b"NIK;Nama\n1;Siti", "utf-8-sig"),
        ("NIK;Nama\n3375014501850001;André “Dede”".encode("cp1252"), "cp1252"),
    ],
)
def test_utf8_and_plain_windows_1252_are_read(content, codec):
    assert safe_files.text_encoding(content, name="a.csv").codec == codec


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (codecs.BOM_UTF16_LE + "NIK".encode("utf-16-le"), "berkode UTF-16"),
        ("NIK;Nama\n".encode("utf-16-be"), "berkode UTF-16"),
        (codecs.BOM_UTF32_LE + "NIK".encode("utf-32-le"), "berkode UTF-32"),
        ("NIK;Nama\n1;山田太郎".encode("shift_jis"), "berkode Shift-JIS (dugaan)"),
        # 0x81 is no character in Windows-1252.
        (b"NIK;Nama\n1;Siti\x81\x40", "berkode Shift-JIS (dugaan)"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "adalah gambar PNG"),
        (bytes(range(1, 32)) * 100, "bukan berkas teks CSV (isinya data biner)"),
    ],
)
def test_other_text_is_refused_naming_what_it_is(content, named):
    with pytest.raises(FileRefused) as refused:
        safe_files.text_encoding(content, name="a.csv")
    assert named in str(refused.value)


def test_a_cell_over_the_csv_field_limit_names_its_row():
    handle = io.StringIO("NIK;Nama\n1;Siti\n2;" + "A" * 200_000 + "\n")
    with pytest.raises(FileRefused) as refused:
        list(safe_files.csv_records(handle, name="a.csv"))
    assert refused.value.refusal is Refusal.CELL_TOO_LONG
    assert "baris 3: isi satu sel lebih dari 131.072 karakter" in str(refused.value)


def test_control_characters_are_found_per_cell_and_shown_replaced():
    assert safe_files.control_columns(["ok", "a\x00b", 3, "tab\tok", "x_x0001_y"]) == (1, 4)
    assert safe_files.printable("a\x00b\x1f") == "a\ufffdb\ufffd"


def test_the_hostile_sheets_are_refused_before_calamine_reads_them(monkeypatch):
    import python_calamine

    def never(*args, **kwargs):
        raise AssertionError("calamine was reached")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", never)
    for name in (
        "sel-jauh-XFD1048576.xlsx",
        "sel-jauh-N1048576.xlsx",
        "ukuran-tercatat-XFD1048576.xlsx",
        "20000-kolom.xlsx",
        "bom-zip-2GB.xlsx",
        "ukuran-zip-palsu.xlsx",
        "terpotong.xlsx",
    ):
        with pytest.raises(FileRefused):
            safe_files.read_sheet(hostile_files.build(name), name=name, limits=LIMITS)


def _ods(table):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("META-INF/manifest.xml", hostile_files.ODS_MANIFEST)
        archive.writestr(
            "content.xml",
            f"<office:document-content {hostile_files._ODS_NAMESPACES}><office:body>"
            f'<office:spreadsheet><table:table table:name="Data">{table}</table:table>'
            "</office:spreadsheet></office:body></office:document-content>",
        )
    return buffer.getvalue()


CELL = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'


def test_an_opendocument_sheet_padded_the_libreoffice_way_is_read():
    padded = _ods(
        f'<table:table-row>{CELL}<table:table-cell table:number-columns-repeated="1023"/>'
        '</table:table-row><table:table-row table:number-rows-repeated="1048575">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    read, _ = safe_files.read_sheet(padded, name="a.ods", limits=LIMITS)
    assert read == [["x"]]


def test_an_opendocument_row_repeated_a_million_times_is_refused():
    tall = _ods(
        f"<table:table-row>{CELL}</table:table-row>"
        f'<table:table-row table:number-rows-repeated="1048570">{CELL}</table:table-row>'
    )
    assert "terpakai sampai baris 1.048.571 kolom A" in str(_refusal(tall, "a.ods"))
