"""A plain one-sheet .xlsx table, written straight as SpreadsheetML: for the large files that
go to other offices (the BPJS registration file of a whole cycle).

XlsxWriter, used for every other workbook, spends about 4 µs on each cell here: 5.9 s for
100,000 rows of 14 columns before any data is read. A table of text, numbers and dates needs
only a few fixed parts and one row element per row, which this module writes in about a
second for the same rows. What it writes:

- text as inline strings (never the shared-string table: nothing to look up per cell), with
  characters XML cannot hold escaped the way Excel reads them back (``_x0001_``);
- ``int``/``float`` as numbers, ``date`` as a date serial shown dd-mm-yyyy, ``None`` as no cell;
- a bold header row that stays in view (frozen), column widths, the document title.

The same table always gives the same bytes: every zip member carries 1 January 1980 and the
document's creation date is a parameter, so a file can be compared by its checksum.
"""

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

MAX_TEXT = 32_767  # Excel's limit for one cell; longer text is cut
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_ILLEGAL_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")
# Characters that need care inside <t>: markup, and control characters XML 1.0 cannot hold.
# Text that looks like Excel's own escape (_x0041_) has its underscore escaped, as Excel does.
_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f]|_x[0-9A-Fa-f]{4}_")
_LOOKS_ESCAPED = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# A text cell after its reference: whitespace is always kept as written.
_TEXT_OPEN = ' t="inlineStr"><is><t xml:space="preserve">'
_TEXT_CLOSE = "</t></is></c>"

STYLE_BOLD = 1
STYLE_DATE = 2


class SheetNameError(ValueError):
    pass


def check_sheet_name(name: str) -> str:
    """The name Excel accepts for a sheet, or SheetNameError saying why not."""
    name = name.strip()
    if not name or len(name) > 31:
        raise SheetNameError(_("Nama lembar harus 1 sampai 31 karakter."))
    if _ILLEGAL_SHEET_CHARACTERS.search(name) or name.startswith("'") or name.endswith("'"):
        raise SheetNameError(
            _(
                "Nama lembar tidak boleh memuat [ ] : * ? / \\ dan tidak boleh diawali atau "
                "diakhiri tanda petik '."
            )
        )
    return name


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _text(value: str) -> str:
    """The content of a <t> element: markup escaped, control characters as Excel writes them.
    Whitespace is always kept (xml:space="preserve" on every <t>)."""
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT]
    if _NEEDS_ESCAPE.search(value):
        value = escape(_LOOKS_ESCAPED.sub(r"_x005F_\1", value))
        return _CONTROL.sub(lambda found: f"_x{ord(found.group()):04X}_", value)
    return value


def _cell(reference: str, value: object, style: int = 0) -> str:
    """One <c> element; '' for an empty cell."""
    kind = type(value)
    if kind is str:
        if not value:
            return ""
        styled = f' s="{style}"' if style else ""
        text = _text(value)  # type: ignore[arg-type]
        return f'<c r="{reference}"{styled}{_TEXT_OPEN}{text}{_TEXT_CLOSE}'
    if value is None:
        return ""
    if kind is bool:
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'  # type: ignore[call-overload]
    if kind is int or kind is float:
        return f'<c r="{reference}"><v>{value!r}</v></c>'
    if kind is date:
        serial = value.toordinal() - _EXCEL_EPOCH  # type: ignore[attr-defined]
        return f'<c r="{reference}" s="{STYLE_DATE}"><v>{serial}</v></c>'
    if kind is datetime:
        moment: datetime = value  # type: ignore[assignment]
        serial_time = (
            moment.toordinal()
            - _EXCEL_EPOCH
            + (moment.hour * 3600 + moment.minute * 60 + moment.second) / 86400
        )
        return f'<c r="{reference}" s="{STYLE_DATE}"><v>{serial_time!r}</v></c>'
    return _cell(reference, str(value), style)


def _sheet_head(widths: Sequence[float], last_column: str, row_count: int) -> str:
    columns = "".join(
        f'<col min="{n}" max="{n}" width="{width:g}" customWidth="1"/>'
        for n, width in enumerate(widths, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<dimension ref="A1:{last_column}{max(row_count, 1)}"/>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{columns}</cols><sheetData>"
    )


def _rows_xml(
    headers: Sequence[str], rows: Iterable[Sequence[object]], letters: Sequence[str]
) -> Iterable[str]:
    header_cells = "".join(
        _cell(f"{letter}1", header, STYLE_BOLD)
        for letter, header in zip(letters, headers, strict=True)
    )
    yield f'<row r="1">{header_cells}</row>'
    batch: list[str] = []
    search = _NEEDS_ESCAPE.search
    for number, row in enumerate(rows, start=2):
        cells = []
        for letter, value in zip(letters, row, strict=False):  # a short row: empty cells
            # Text is most cells: written here, without a call per cell.
            if type(value) is str:
                if value:
                    if search(value) or len(value) > MAX_TEXT:
                        value = _text(value)
                    cells.append(f'<c r="{letter}{number}"{_TEXT_OPEN}{value}{_TEXT_CLOSE}')
            else:
                cells.append(_cell(f"{letter}{number}", value))
        batch.append(f'<row r="{number}">{"".join(cells)}</row>')
        if len(batch) == 2000:
            yield "".join(batch)
            batch = []
    yield "".join(batch)


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/extended-properties" '
    'Target="docProps/app.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    "</Relationships>"
)
# Style 0: default; 1: bold (header); 2: a date shown dd-mm-yyyy.
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd\\-mm\\-yyyy"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Rentan</Application></Properties>"
)


def _workbook(sheet_name: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f'<sheets><sheet name="{escape(sheet_name, {chr(34): "&quot;"})}" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    )


def _core(title: str, created: datetime) -> str:
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>Rentan</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def fitting_widths(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, sample: int = 1000
) -> list[float]:
    """Column widths (in characters) that fit the header and the first `sample` rows."""
    widths = [len(header) + 2 for header in headers]
    for row in rows[:sample]:
        for n, value in enumerate(row[: len(widths)]):
            shown = 10 if isinstance(value, date) else len(str(value)) if value is not None else 0
            widths[n] = max(widths[n], shown + 2)
    return [min(max(width, 8), 60) for width in widths]


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 0
    info.external_attr = 0
    return info


def write_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    sheet_name: str,
    title: str,
    created: datetime,
    widths: Sequence[float] | None = None,
) -> bytes:
    """The workbook's bytes: `headers` in bold on row 1, then `rows` (cells by Python type).
    Without `widths`, each column is as wide as its header or the longest of the first rows."""
    sheet_name = check_sheet_name(sheet_name)
    if widths is None:
        widths = fitting_widths(headers, rows)
    letters = [column_letters(n) for n in range(len(headers))]
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _ROOT_RELS),
            ("docProps/app.xml", _APP),
            ("docProps/core.xml", _core(title, created)),
            ("xl/workbook.xml", _workbook(sheet_name)),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
            ("xl/styles.xml", _STYLES),
        ):
            archive.writestr(_member(name), text.encode())
        with archive.open(_member("xl/worksheets/sheet1.xml"), "w") as sheet:
            sheet.write(_sheet_head(widths, letters[-1], len(rows) + 1).encode())
            for chunk in _rows_xml(headers, rows, letters):
                sheet.write(chunk.encode())
            sheet.write(b"</sheetData></worksheet>")
    return output.getvalue()
