"""Random cells and random or damaged files: the cell parsers and the readers raise only their
own errors, never anything else. Example counts are kept small so the suite stays quick."""

import io
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rentan.core import safe_files
from rentan.enrollment.bpjs_files import FileNotReadable, parse_bill, parse_reply
from rentan.imports import cells
from rentan.imports.cells import CellError
from rentan.imports.person_sheet import SpreadsheetError, read_persons
from rentan.imports.reading import FileError, open_rows
from rentan.testing import hostile_files

TODAY = date(2026, 12, 1)
ANY_CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.from_regex(r"\d{1,2}[-/. ]\w{1,9}[-/. ]\d{1,4}", fullmatch=True),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(min_value=timedelta(days=-(10**5)), max_value=timedelta(days=10**5)),
)
FEW = settings(max_examples=60, deadline=None)
FILES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FEW
@given(ANY_CELL)
def test_cell_parsers_raise_only_cell_errors(cell):
    readers = (
        lambda c: cells.parse_birth_date(c, today=TODAY),
        cells.parse_sex,
        lambda c: cells.parse_whole_number(c, noun="Jumlah"),
        cells.parse_yes_no,
        cells.parse_rt_rw,
    )
    for reader in readers:
        try:
            value = reader(cell)
        except CellError as error:
            assert str(error)
        else:
            assert value is None or isinstance(value, str | int | bool | date | tuple)
    assert isinstance(cells.text(cell), str)
    cells.identity_text(cell)
    cells.is_blank(cell)
    cells.column_has_numbers([cell])
    assert isinstance(cells.normalise_header(cell), str)
    for value in (cell, datetime(2020, 1, 1), time(1, 2)):
        cells.text(value)


def _valid_xlsx():
    return hostile_files._xlsx(
        [hostile_files._row(1, hostile_files.HEADER)]
        + [hostile_files._row(n, hostile_files.ROW) for n in range(2, 6)]
    )


def _valid_csv():
    return hostile_files._csv([hostile_files.HEADER, hostile_files.ROW]).encode()


@st.composite
def damaged(draw, original):
    """The file with some bytes overwritten, cut short or with bytes put in."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        kind = draw(st.sampled_from(["flip", "cut", "insert"]))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[at:]
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=20))
    return bytes(data)


def _zip_with_damaged_sheet(draw_sheet: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in hostile_files._PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", draw_sheet)
    return buffer.getvalue()


SHEET = _valid_xlsx()
with zipfile.ZipFile(io.BytesIO(SHEET)) as _archive:
    SHEET_XML = _archive.read("xl/worksheets/sheet1.xml")
RANDOM_FILES = st.one_of(
    st.binary(max_size=2000),
    damaged(SHEET),
    damaged(_valid_csv()),
    damaged(SHEET_XML).map(_zip_with_damaged_sheet),
)


@pytest.mark.django_db
@FILES
@given(content=RANDOM_FILES, suffix=st.sampled_from([".xlsx", ".csv", ".ods", ".xls"]))
def test_readers_raise_only_their_own_errors(tmp_path_factory, content, suffix):
    path = Path(tmp_path_factory.mktemp("fuzz")) / f"data{suffix}"
    path.write_bytes(content)
    try:
        source = open_rows(path)
        for _ in source.rows():
            pass
    except FileError as error:
        assert str(error)
    try:
        read_persons(path)
    except SpreadsheetError as error:
        assert str(error)
    for parse in (parse_reply, parse_bill):
        try:
            parse(content)
        except FileNotReadable as error:
            assert str(error)
    try:
        safe_files.read_text(content, name="nik.txt", limits=safe_files.limits_for("exclusion"))
    except safe_files.FileRefused as error:
        assert str(error)
