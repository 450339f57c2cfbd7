"""Every file Rentan hands out keeps people's text as text (no formula, no link), and every
download's name makes a valid header. A new export is one line in EXPORTS; a new writer that
does not go through `core.exports` fails `test_every_file_writer_goes_through_core_exports`."""

import csv
import email.message
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

import rentan
from rentan.core.exports import FORMULA_STARTS
from rentan.core.models import AuditAction, AuditEvent
from rentan.enrollment.models import ClaimKind, ExchangeFile, Membership
from rentan.enrollment.services import bills as bill_services
from rentan.enrollment.services import claims as claim_services
from rentan.enrollment.services import memberships as membership_services
from rentan.enrollment.tests.helpers import bill_file
from rentan.imports.models import ImportBatch
from rentan.imports.tests.files import write_csv
from rentan.registry.models import DuplicatePair, Occupation, Person
from rentan.testing.factories import (
    CycleFactory,
    PersonFactory,
    PlacementFactory,
    ProgrammeFactory,
    RateTableFactory,
)

pytestmark = pytest.mark.django_db

# Text a hostile or careless user could type into each free-text field.
NAME = '=HYPERLINK("http://evil.example/","Klik")'
OTHER_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"
BIRTH_PLACE = "+Pekalongan"
STREET = "-1+1 Jl. Merdeka"
PHONE = "+6281234567890"
OCCUPATION = "=1+1 Buruh batik"
MOTHER = "=cmd|' /C notepad'!A0"
PROGRAMME = "=2+2 Jaminan Sosial"
DECREE = "=SK 400/001/2023"
UPLOAD_NAME = '=HYPERLINK("http://evil.example/","Unggah")'


@dataclass
class Hostile:
    cycle: Any
    admin: Any


@pytest.fixture
def hostile(admin_user: Any) -> Hostile:
    """An approved cycle whose two people, job type, programme and decree hold text that a
    spreadsheet program would run as a formula; both people are members (ditetapkan)."""
    occupation = Occupation.objects.create(code="rumus", name=OCCUPATION)
    RateTableFactory()
    cycle: Any = CycleFactory(
        programme=ProgrammeFactory(code="rumus", name=PROGRAMME), decree_reference=DECREE
    )
    for rank, name in enumerate((NAME, OTHER_NAME), start=1):
        person = PersonFactory(
            name=name,
            birth_place=BIRTH_PLACE,
            street_address=STREET,
            phone=PHONE,
            occupation=occupation,
            mother_name=MOTHER,
        )
        PlacementFactory(cycle=cycle, person=person, rank=rank, kind="new")
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=date(2023, 1, 5))
    return Hostile(cycle=cycle, admin=admin_user)


# --- each export, fetched the way a user or an operator gets it --------------------------


def _template(client: Any, hostile: Hostile, tmp_path: Path) -> tuple[bytes, set[str]]:
    response = client.get(reverse("imports:template"))
    return response.content, {OCCUPATION}


def _error_file(client: Any, hostile: Hostile, tmp_path: Path) -> tuple[bytes, set[str]]:
    head = ["NIK", "Nama", "Tempat Lahir", "Tgl Lahir", "JK", "Alamat", "Kelurahan"]
    rest = [STREET, "Medono", PHONE, OCCUPATION]
    path = write_csv(
        tmp_path / "rumus.csv",
        [
            [*head, "No. HP", "Pekerjaan"],
            ["123", UPLOAD_NAME, BIRTH_PLACE, "05-01-1985", "L", *rest],
            ["-3375011205750002", OTHER_NAME, BIRTH_PLACE, "12-05-1975", "L", *rest],
        ],
        encoding="utf-8",
    )
    with path.open("rb") as handle:
        client.post(reverse("imports:batch_list"), {"file": handle})
    batch = ImportBatch.objects.get()
    response = client.get(reverse("imports:batch_error_file", args=[batch.pk]))
    texts = {UPLOAD_NAME, OTHER_NAME, BIRTH_PLACE, STREET, PHONE, OCCUPATION}
    return response.content, texts | {"-3375011205750002"}


def _lampiran(client: Any, hostile: Hostile, tmp_path: Path) -> tuple[bytes, set[str]]:
    response = client.get(reverse("programmes:lampiran_xlsx", args=["rumus", 2023]))
    return response.content, {NAME, OTHER_NAME, OCCUPATION, f"{PROGRAMME} — periode 2023"}


def _registration(client: Any, hostile: Hostile, tmp_path: Path) -> tuple[bytes, set[str]]:
    client.post(reverse("enrollment:export", args=[hostile.cycle.pk]))
    exchange = ExchangeFile.objects.get(kind="registration")
    response = client.get(reverse("enrollment:exchange_download", args=[exchange.pk]))
    return response.content, _registration_texts()


def _registration_command(client: Any, hostile: Hostile, tmp_path: Path) -> tuple[bytes, set[str]]:
    out = tmp_path / "pendaftaran.xlsx"
    call_command("export_bpjs", str(hostile.cycle.pk), "--out", str(out), stdout=io.StringIO())
    return out.read_bytes(), _registration_texts()


def _registration_texts() -> set[str]:
    # The registration file writes names and places in capitals, the phone as typed.
    return {NAME.upper(), OTHER_NAME.upper(), BIRTH_PLACE.upper(), MOTHER.upper(), PHONE}


def _dedup_file(client: Any, hostile: Hostile, tmp_path: Path) -> tuple[bytes, set[str]]:
    source = write_csv(
        tmp_path / "kelurahan.csv",
        [
            ["No. KTP", "Nama Lengkap", "Tgl Lahir", "Alamat", "No. HP"],
            ["3375010101800001", NAME, "01-01-1980", STREET, PHONE],
            ["3375010101800001", NAME, "01-01-1980", STREET, PHONE],
        ],
        encoding="utf-8",
    )
    out = tmp_path / "pasangan.csv"
    call_command("dedup_file", str(source), "--out", str(out), stdout=io.StringIO())
    return out.read_bytes(), set()


def _audit(client: Any, hostile: Hostile, tmp_path: Path) -> tuple[bytes, set[str]]:
    person = Person.objects.get(name=NAME)
    client.get(reverse("registry:person_detail", args=[person.pk]))  # a read, now on record
    response = client.get(reverse("audit:event_export"))
    return response.content, {NAME}


def _report(client: Any, hostile: Hostile, tmp_path: Path) -> tuple[bytes, set[str]]:
    url = reverse("reporting:report_xlsx", args=["pekerjaan"])
    response = client.get(url, {"program": "rumus", "tahun": 2023})
    return response.content, {OCCUPATION}


def _persons(client: Any, hostile: Hostile, tmp_path: Path) -> tuple[bytes, set[str]]:
    response = client.get(reverse("reporting:export_persons"))
    return response.content, {NAME, OTHER_NAME, OCCUPATION}


def _memberships(client: Any, hostile: Hostile, tmp_path: Path) -> tuple[bytes, set[str]]:
    url = reverse("reporting:export_memberships") + f"?periode={hostile.cycle.pk}"
    return client.get(url).content, {NAME, OTHER_NAME}


def _bills(client: Any, hostile: Hostile, tmp_path: Path) -> tuple[bytes, set[str]]:
    url = reverse("reporting:export_bills") + f"?periode={hostile.cycle.pk}"
    return client.get(url).content, set()


def _claims(client: Any, hostile: Hostile, tmp_path: Path) -> tuple[bytes, set[str]]:
    for membership in Membership.objects.all():
        claim_services.record_claim(
            actor=hostile.admin,
            membership=membership,
            kind=ClaimKind.JKK_MEDICAL,
            event_on=date(2023, 2, 1),
        )
    return client.get(reverse("reporting:export_claims")).content, {NAME, OTHER_NAME}


def _placements(client: Any, hostile: Hostile, tmp_path: Path) -> tuple[bytes, set[str]]:
    url = reverse("reporting:export_placements", args=["rumus", 2023])
    return client.get(url).content, {NAME, OTHER_NAME, OCCUPATION}


def _duplicates(client: Any, hostile: Hostile, tmp_path: Path) -> tuple[bytes, set[str]]:
    left, right = Person.objects.order_by("id")
    DuplicatePair.objects.create(left=left, right=right, score=0.9, reasons=["same_birth_date"])
    return client.get(reverse("reporting:export_duplicates")).content, {NAME, OTHER_NAME}


def _reconciliation(client: Any, hostile: Hostile, tmp_path: Path) -> tuple[bytes, set[str]]:
    return client.get(
        reverse("reporting:export_reconciliation", args=[_bill(hostile).pk])
    ).content, {NAME}


def _bill(hostile: Hostile) -> Any:
    """January's bill from the branch: the first person active and billed at a wrong amount,
    a NIK nobody knows billed too."""
    first = Membership.objects.select_related("person").order_by("person__name").first()
    assert first is not None
    first.status = "active"
    first.start_on = date(2023, 1, 1)
    first.kpj_number = "23000000001"
    first.save()
    return bill_services.import_bpjs_bill(
        actor=hostile.admin,
        cycle=hostile.cycle,
        month=date(2023, 1, 1),
        content=bill_file(
            {first.person.nik: 10_000, "3375010101900009": 16_800}, month=date(2023, 1, 1)
        ),
        filename="tagihan.xlsx",
    )


@dataclass(frozen=True)
class Export:
    kind: str  # "xlsx" or "csv"
    fetch: Callable[[Any, Hostile, Path], tuple[bytes, set[str]]]


EXPORTS = {
    "templat impor": Export("xlsx", _template),
    "berkas kesalahan impor": Export("xlsx", _error_file),
    "lampiran SK (xlsx)": Export("xlsx", _lampiran),
    "berkas pendaftaran BPJS (unduh)": Export("xlsx", _registration),
    "berkas pendaftaran BPJS (rentan export_bpjs)": Export("xlsx", _registration_command),
    "dedup_file (csv)": Export("csv", _dedup_file),
    "jejak audit (xlsx)": Export("xlsx", _audit),
    "tabel laporan (xlsx)": Export("xlsx", _report),
    "daftar pekerja (xlsx)": Export("xlsx", _persons),
    "daftar kepesertaan (xlsx)": Export("xlsx", _memberships),
    "iuran dan tagihan (xlsx)": Export("xlsx", _bills),
    "pencocokan tagihan (xlsx)": Export("xlsx", _reconciliation),
    "daftar klaim (xlsx)": Export("xlsx", _claims),
    "alokasi dan cadangan (xlsx)": Export("xlsx", _placements),
    "antrean duplikat (xlsx)": Export("xlsx", _duplicates),
}

# The lists' own exports: scoped and masked as their pages, typed cells, recorded.
LIST_EXPORTS = (
    "daftar pekerja (xlsx)",
    "daftar kepesertaan (xlsx)",
    "iuran dan tagihan (xlsx)",
    "pencocokan tagihan (xlsx)",
    "daftar klaim (xlsx)",
    "alokasi dan cadangan (xlsx)",
    "antrean duplikat (xlsx)",
)

_FORMULA_OR_LINK = re.compile(rb"<f[ >/]|<hyperlink[ >]")


def _xlsx_texts(content: bytes) -> set[str]:
    """Every text cell of every sheet; fails on any formula or link."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for part in archive.namelist():
            if part.startswith("xl/worksheets/"):
                assert not _FORMULA_OR_LINK.search(archive.read(part)), part
    texts = set()
    for sheet in openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    return texts


def _csv_texts(content: bytes) -> set[str]:
    """Every cell; fails on any cell a spreadsheet program would run as a formula."""
    cells = {cell for row in csv.reader(io.StringIO(content.decode("utf-8"))) for cell in row}
    assert cells, "the CSV is empty"
    formulas = {cell for cell in cells if cell.startswith(FORMULA_STARTS)}
    assert not formulas
    return {cell.removeprefix("'") for cell in cells}


@pytest.mark.parametrize("name", EXPORTS)
def test_export_keeps_formula_like_text_as_text(name, client, hostile, tmp_path, import_media):
    export = EXPORTS[name]
    client.force_login(hostile.admin)
    content, expected = export.fetch(client, hostile, tmp_path)
    texts = _xlsx_texts(content) if export.kind == "xlsx" else _csv_texts(content)
    assert expected <= texts  # the text itself survives, character for character


# --- the lists' exports: masked, typed, recorded, scoped -----------------------------------

# Per export, a column and the type its cells hold (openpyxl reads a date as a datetime).
TYPED = {
    "daftar pekerja (xlsx)": ("Tanggal lahir", datetime),
    "daftar kepesertaan (xlsx)": ("Nama", str),
    "iuran dan tagihan (xlsx)": ("Bulan", datetime),
    "pencocokan tagihan (xlsx)": ("Seharusnya", int),
    "daftar klaim (xlsx)": ("Tanggal kejadian", datetime),
    "alokasi dan cadangan (xlsx)": ("Peringkat", int),
    "antrean duplikat (xlsx)": ("Skor", float),
}


@pytest.mark.parametrize("name", LIST_EXPORTS)
def test_list_export_masks_niks_types_its_cells_freezes_and_filters_and_is_recorded(
    name, client, hostile, tmp_path, import_media
):
    client.force_login(hostile.admin)
    before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    content, _texts = EXPORTS[name].fetch(client, hostile, tmp_path)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref is not None
    assert sheet.auto_filter.ref.startswith("A1:")
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert body, "the export is empty"
    column, kind = TYPED[name]
    values = [row[header.index(column)] for row in body]
    assert all(isinstance(value, kind) for value in values), values
    full = set(Person.objects.values_list("nik", flat=True)) | {"3375010101900009"}
    assert not full & {str(value) for row in body for value in row}
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == before + 1


def test_person_export_holds_what_the_operator_sees_with_the_pages_filter(
    client, hostile, operator_user
):
    elsewhere = PersonFactory(name="Warga Sokoduwet", kelurahan_id="33.75.04.1010")
    PersonFactory(name="Budi Medono")
    client.force_login(operator_user)
    content = client.get(reverse("reporting:export_persons")).content
    names = {row[0] for row in _rows(content)}
    assert "Budi Medono" in names
    assert NAME in names
    assert elsewhere.name not in names
    filtered = client.get(reverse("reporting:export_persons") + "?q=Budi").content
    assert [row[0] for row in _rows(filtered)] == ["Budi Medono"]
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert list(event.subjects.values_list("person_id", flat=True)) == [
        Person.objects.get(name="Budi Medono").pk
    ]


def _rows(content: bytes) -> list[tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return list(sheet.iter_rows(min_row=2, values_only=True))


# --- download names ------------------------------------------------------------------------


def test_error_file_of_an_upload_named_with_a_quote_and_semicolon_has_a_valid_header(
    client, admin_user, import_media
):
    """A browser sends the quote as %22; a script may send it escaped (curl --form-escape),
    and Django reads that back as the name typed."""
    boundary = "rentanbatas"
    rows = b"NIK;Nama\r\n123;Budi\r\n"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="a\\"b;c.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + rows
        + f"\r\n--{boundary}--\r\n".encode()
    )
    client.force_login(admin_user)
    client.generic(
        "POST",
        reverse("imports:batch_list"),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    batch = ImportBatch.objects.get()
    assert batch.original_name == 'a"b;c.csv'
    response = client.get(reverse("imports:batch_error_file", args=[batch.pk]))
    header = response["Content-Disposition"]
    assert header == r'attachment; filename="a\"b;c-kesalahan.xlsx"'
    parsed = email.message.Message()
    parsed["Content-Disposition"] = header
    assert parsed.get_filename() == 'a"b;c-kesalahan.xlsx'


# --- no writer outside the rule ------------------------------------------------------------

# Building a workbook or a CSV writer, calling a formula or link writer, or setting a
# download's name by hand: each belongs in rentan/core/exports.py only. (A plain-text search:
# it does not follow aliases such as `from csv import writer`.)
_WRITERS = re.compile(
    r"\bWorkbook\(|\bcsv\.(?:writer|DictWriter)\b|\.write_(?:formula|array_formula|url)\("
)
_APPROVED = {Path("core/exports.py")}


def test_every_file_writer_goes_through_core_exports():
    root = Path(rentan.__file__).parent
    outside = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if "tests" in relative.parts or relative in _APPROVED:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            by_hand = "Content-Disposition" in line and "attachment_disposition(" not in line
            if _WRITERS.search(line) or by_hand:
                outside.append(f"{relative}:{number}: {line.strip()}")
    assert not outside, "\n".join(outside)
