"""The registration file (golden file, custom mapping, same bytes) and reading the replies."""

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from rentan.enrollment.bpjs_files import (
    Column,
    Field,
    FileNotReadable,
    Format,
    ReplyOutcome,
    RowProblem,
    parse_bill,
    parse_reply,
)
from rentan.enrollment.models import ExchangeFile, Membership
from rentan.enrollment.services import exchange_files as file_services
from rentan.enrollment.services import memberships as membership_services
from rentan.enrollment.states import MembershipStatus
from rentan.enrollment.tests.helpers import accepted, fixed_cycle, rejected, reply_file
from rentan.programmes.models import Programme

GOLDEN = Path(__file__).parent / "data" / "registration_default.xlsx"
TODAY = date(2023, 1, 5)


def _sheet(content: bytes) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def _xlsx(rows: list[list[object]]) -> bytes:
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    workbook.close()
    return output.getvalue()


@pytest.mark.django_db
def test_default_export_of_fixed_people_equals_the_golden_file(admin_user):
    cycle = fixed_cycle()
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY)
    exchange = file_services.export_registration(actor=admin_user, cycle=cycle, today=TODAY)
    assert bytes(exchange.content) == GOLDEN.read_bytes()
    rows = _sheet(bytes(exchange.content))
    assert rows[0][:5] == ("NIK", "NAMA LENGKAP", "TEMPAT LAHIR", "TANGGAL LAHIR", "JENIS KELAMIN")
    assert sorted(row[1] for row in rows[1:]) == [
        "BAMBANG SUTRISNO",
        "SITI AMINAH",
        "SLAMET RIYADI",
    ]
    assert {row[0] for row in rows[1:]} == set(
        Membership.objects.values_list("person__nik", flat=True)
    )
    assert exchange.rows == 3
    assert exchange.checksum
    assert exchange.created_by == admin_user


@pytest.mark.django_db
def test_exporting_the_same_batch_again_gives_the_same_bytes(admin_user):
    cycle = fixed_cycle()
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY)
    first = file_services.export_registration(actor=admin_user, cycle=cycle, today=TODAY)
    second = file_services.export_registration(
        actor=admin_user, cycle=cycle, today=date(2023, 2, 1)
    )
    assert bytes(first.content) == bytes(second.content)
    assert first.checksum == second.checksum
    assert ExchangeFile.objects.filter(kind="registration").count() == 2


@pytest.mark.django_db
def test_custom_mapping_changes_headers_order_and_formats(admin_user):
    cycle = fixed_cycle()
    file_services.save_registration_mapping(
        actor=admin_user,
        programme=Programme.objects.get(),
        columns=[
            Column("Nama Tenaga Kerja", Field.NAME, Format.TEXT),
            Column("No. KTP", Field.NIK),
            Column("Tgl Lahir", Field.BIRTH_DATE, Format.DMY_SLASH),
            Column("Jenis Kelamin", Field.SEX, Format.SEX_WORD),
        ],
        sheet_name="Template Cabang",
    )
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY)
    content = bytes(
        file_services.export_registration(actor=admin_user, cycle=cycle, today=TODAY).content
    )
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Template Cabang"]
    rows = _sheet(content)
    assert rows[0] == ("Nama Tenaga Kerja", "No. KTP", "Tgl Lahir", "Jenis Kelamin")
    slamet = next(row for row in rows if row[0] == "Slamet Riyadi")
    assert slamet[2] == "14/03/1975"
    assert slamet[3] == "LAKI-LAKI"
    assert content != GOLDEN.read_bytes()


@pytest.mark.django_db
def test_only_people_who_may_be_sent_are_in_the_file(admin_user):
    cycle = fixed_cycle()
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY)
    inactive = Membership.objects.get(person__name="Bambang Sutrisno")
    inactive.person.is_active = False
    inactive.person.save()
    exchange = file_services.export_registration(actor=admin_user, cycle=cycle, today=TODAY)
    niks = {row[0] for row in _sheet(bytes(exchange.content))[1:]}
    assert inactive.person.nik not in niks
    assert len(niks) == 2
    assert Membership.objects.get(pk=inactive.pk).status == MembershipStatus.APPROVED
    assert Membership.objects.filter(status=MembershipStatus.REGISTERED).count() == 2


def test_reply_rows_are_read_by_header_whatever_their_order():
    content = _xlsx(
        [
            ["Hasil pendaftaran kolektif"],
            ["Keterangan", "No. Peserta", "NIK", "TMT"],
            ["", "12345678901", "3375011403750001", "01-01-2023"],
            ["NIK tidak terdaftar di Dukcapil", "", "3375014211820002", ""],
        ]
    )
    parsed = parse_reply(content)
    assert [(r.nik, r.outcome) for r in parsed.rows] == [
        ("3375011403750001", ReplyOutcome.ACCEPTED),
        ("3375014211820002", ReplyOutcome.REJECTED),
    ]
    assert parsed.rows[0].start_on == date(2023, 1, 1)
    assert parsed.rows[1].reason == "NIK tidak terdaftar di Dukcapil"


@pytest.mark.parametrize(
    ("row", "code"),
    [
        (["3375011403750001", "1234", "01-01-2023", "DITERIMA", ""], RowProblem.BAD_KPJ),
        (["3375011403750001", "12345678901", "", "DITERIMA", ""], RowProblem.BAD_START_DATE),
        (["3375011403750001", "", "", "DITOLAK", ""], RowProblem.NO_REASON),
        (["33750114037500", "12345678901", "01-01-2023", "DITERIMA", ""], RowProblem.BAD_NIK),
        ([3375011403750001, "12345678901", "01-01-2023", "DITERIMA", ""], RowProblem.NIK_AS_NUMBER),
        (["3375011403750001", "", "", "MENUNGGU", ""], RowProblem.UNKNOWN_OUTCOME),
    ],
)
def test_bad_reply_row_is_reported_with_row_and_column(row, code):
    parsed = parse_reply(_xlsx([["NIK", "KPJ", "Tgl Mulai", "Status", "Alasan"], row]))
    assert parsed.rows == []
    assert [p.code for p in parsed.problems] == [code]
    assert parsed.problems[0].message.startswith("Baris 2, kolom ")


@pytest.mark.parametrize(
    "content",
    [
        b"bukan berkas excel",
        _xlsx([["Nama", "Alamat"], ["Slamet", "Jl. Hayam Wuruk"]]),
    ],
)
def test_a_file_that_is_not_a_reply_is_refused_with_a_clear_message(content):
    with pytest.raises(FileNotReadable) as refused:
        parse_reply(content)
    assert "Berkas" in str(refused.value)


def test_bill_is_read_with_its_stated_total():
    content = _xlsx(
        [
            ["Surat tagihan Maret 2023"],
            [],
            ["No", "NIK", "No KPJ", "Nama", "Iuran"],
            [1, "3375011403750001", "12345678901", "Slamet", 16800],
            [2, "3375014211820002", "12345678902", "Siti", "Rp 16.800"],
            ["", "TOTAL", "", "", 33600],
        ]
    )
    parsed = parse_bill(content)
    assert [(r.nik, r.amount) for r in parsed.rows] == [
        ("3375011403750001", 16800),
        ("3375014211820002", 16800),
    ]
    assert parsed.stated_total == 33600
    assert parsed.problems == []


def test_reply_written_by_the_branch_reads_back():
    content = reply_file(
        accepted("3375011403750001", "12345678901"), rejected("3375014211820002", "Data ganda")
    )
    parsed = parse_reply(content)
    assert [r.outcome for r in parsed.rows] == [ReplyOutcome.ACCEPTED, ReplyOutcome.REJECTED]


@pytest.mark.parametrize(
    ("value", "fmt", "cell"),
    [
        (date(2023, 3, 1), Format.MONTH, "03-2023"),
        (date(1975, 3, 14), Format.ISO, "1975-03-14"),
        (date(1975, 3, 14), Format.DATE, date(1975, 3, 14)),
        (date(1975, 3, 14), Format.TEXT, "14-03-1975"),
        ("P", Format.SEX_WORD, "PEREMPUAN"),
        ("L", Format.SEX_CODE, "L"),
        (1_000_000, Format.NUMBER, 1_000_000),
        ("Jl. Melati", Format.UPPER, "JL. MELATI"),
        ("081234", Format.TEXT, "081234"),
    ],
)
def test_each_format_shapes_the_cell(value, fmt, cell):
    from rentan.enrollment.bpjs_files import cell_value

    assert cell_value(value, fmt) == cell


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01-03-2023", date(2023, 3, 1)),
        ("01/03/2023", date(2023, 3, 1)),
        ("01.03.2023", date(2023, 3, 1)),
        ("2023-03-01", date(2023, 3, 1)),
        ("31-02-2023", None),
        ("besok", None),
    ],
)
def test_reply_start_dates_are_read_in_the_forms_branches_write(text, expected):
    from rentan.enrollment.bpjs_files.reply import read_start_date

    assert read_start_date(text, today=TODAY) == expected
