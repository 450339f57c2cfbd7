"""Real kelurahan files, written by the tests the way Excel and its users write them: every
mess is found on the exact row and column, with its reason member."""

from datetime import date, datetime

import pytest

from rentan.imports import services
from rentan.imports.cells import CellProblem
from rentan.imports.models import BatchStatus, RowStatus, StagedRow
from rentan.imports.tests.files import HEADER, write_csv, write_ods, write_xlsx
from rentan.registry.models import Person
from rentan.registry.nik import NikProblem
from rentan.registry.phone import PhoneProblem
from rentan.registry.validation import RecordProblem

pytestmark = pytest.mark.django_db


def _stage(path, actor, **kwargs):
    batch = services.upload_batch(actor=actor, path=path, original_name=path.name, **kwargs)
    return services.stage_batch(batch_id=batch.pk)


def _row(batch, number):
    return StagedRow.objects.get(batch=batch, row_number=number)


def _problems(batch, number):
    return {(i["column"], i["problem"]) for i in _row(batch, number).issues if not i["is_warning"]}


def _messy_xlsx(path):
    # Two title rows, then the header on row 3; data from row 4.
    return write_xlsx(
        path,
        [
            [*HEADER, None, None],  # trailing empty columns
            [
                1,
                "3375014501850001",
                "3375010101100001",
                "  SITI   AMINAH ",
                "pekalongan",
                "05-01-1985",
                "P",
                "Jl. Progo  12",
                "3/5",
                "Medono",
                "0812-3456-7890",
                "Buruh batik",
            ],
            [
                2,
                3375011205750002,
                "",
                "Budi",
                "",
                "12/05/75",
                "L",
                "",
                "",
                "Medono",
                "",
                "Buruh batik",
            ],  # NIK typed into a General cell: an Excel number
            [
                3,
                "3.37501E+15",
                "",
                "Joko",
                "",
                "12 Mei 1975",
                "L",
                "",
                "",
                "Medono",
                "",
                "Buruh batik",
            ],  # NIK as Excel shows it, pasted as text
            [],  # an empty row in the middle
            [
                5,
                "3375011205750005",
                "",
                "ahmad   fauzi",
                "",
                27526,
                "L",
                "",
                "",
                "Medonno",
                "",
                "Buruh batik",
            ],  # serial date; kelurahan misspelled
            [
                6,
                "3375011205750006",
                "",
                "Slamet",
                "",
                datetime(1975, 5, 12),
                "L",
                "",
                "",
                "Medono",
                "62812345678",
                "Buruh batik",
            ],
            [
                7,
                "3375011205750007",
                "",
                "Wahyu",
                "",
                "12 Mei 1975",
                "L",
                "",
                "",
                "Medono",
                "+62 812-3456-789",
                "Buruh batik",
            ],
            [
                8,
                "3375011205750008",
                "",
                "Rudi",
                "",
                "31-02-1975",
                "L",
                "",
                "",
                "Medono",
                "0812",
                "Buruh batik",
            ],
            [
                9,
                "3375014501850001",
                "",
                "Siti Aminah",
                "",
                "05-01-1985",
                "P",
                "",
                "",
                "Medono",
                "",
                "Buruh batik",
            ],  # the same NIK as row 4
        ],
        preamble=2,
    )


def test_messy_xlsx_is_read_with_every_problem_on_its_row_and_column(
    tmp_path, import_media, admin_user
):
    batch = _stage(_messy_xlsx(tmp_path / "medono.xlsx"), admin_user)

    assert batch.status == BatchStatus.REVIEW
    assert batch.header_row == 3
    siti = _row(batch, 4)
    assert siti.status == RowStatus.READY
    assert siti.name == "Siti Aminah"
    assert siti.birth_place == "Pekalongan"
    assert siti.street_address == "Jl. Progo 12"
    assert (siti.rt, siti.rw) == ("003", "005")
    assert siti.phone == "+6281234567890"
    assert siti.kelurahan_code == "33.75.01.1002"

    assert _problems(batch, 5) == {("No. KTP", NikProblem.STORED_AS_NUMBER.value)}
    assert _row(batch, 5).nik == ""  # never stored
    assert _problems(batch, 6) == {("No. KTP", NikProblem.SCIENTIFIC_NOTATION.value)}
    assert not StagedRow.objects.filter(batch=batch, row_number=7).exists()  # the empty row

    ahmad = _row(batch, 8)
    assert ahmad.birth_date == date(1975, 5, 12)
    assert ahmad.name == "Ahmad Fauzi"
    assert _problems(batch, 8) == {("Kelurahan", CellProblem.KELURAHAN_UNKNOWN.value)}
    assert "Medono" in ahmad.issues[0]["message"]

    assert _row(batch, 9).birth_date == date(1975, 5, 12)
    assert _row(batch, 9).phone == "+62812345678"
    assert _row(batch, 10).phone == "+628123456789"
    assert _problems(batch, 11) == {
        ("Tgl Lahir", CellProblem.DATE_IMPOSSIBLE.value),
        ("No. HP", PhoneProblem.TOO_SHORT.value),
    }
    assert _problems(batch, 12) == {("No. KTP", CellProblem.NIK_REPEATED_IN_FILE.value)}
    assert (batch.rows_total, batch.rows_ready, batch.rows_error) == (8, 3, 5)


def test_nik_ending_in_zero_in_a_column_of_excel_numbers_is_suspected_rounded(
    tmp_path, import_media, admin_user
):
    path = write_xlsx(
        tmp_path / "angka.xlsx",
        [
            ["NIK", "Nama", "Tgl Lahir", "JK", "Kelurahan", "Pekerjaan"],
            [3375011205750001, "Budi", "12-05-1975", "L", "Medono", "Buruh batik"],
            ["3375011205750010", "Joko", "12-05-1975", "L", "Medono", "Buruh batik"],
        ],
    )
    batch = _stage(path, admin_user)
    assert _problems(batch, 2) == {("NIK", NikProblem.STORED_AS_NUMBER.value)}
    assert _problems(batch, 3) == {("NIK", NikProblem.ROUNDED_BY_EXCEL.value)}


def test_semicolon_csv_in_windows_1252_is_read(tmp_path, import_media, admin_user):
    path = write_csv(
        tmp_path / "sokoduwet.csv",
        [
            [
                "NIK",
                "Nama Lengkap",
                "Tgl. Lahir",
                "Jenis Kelamin",
                "Desa/Kelurahan",
                "Jenis Pekerjaan",
                "No HP",
                "Penghasilan (Rp)",
            ],
            [
                "3375044501850001",
                "Ni\u2019mah",
                "05/01/1985",
                "P",
                "Sokoduwet",
                "Buruh batik",
                "0812 3456 7890",
                "1.500.000",
            ],
            ["3,37504E+15", "Joko", "12 Mei 1975", "L", "Sokodwet", "Buruh batik", "", ""],
            ["", "", "", "", "", "", "", ""],
            [
                "3375041205750004",
                "Jos\u00e9",
                "12-05-1975",
                "X",
                "Sokoduwet",
                "Tukang sihir",
                "",
                "satu juta",
            ],
        ],
        delimiter=";",
        encoding="cp1252",
    )
    batch = _stage(path, admin_user)
    first = _row(batch, 2)
    assert first.status == RowStatus.READY
    assert first.name == "Ni\u2019mah"
    assert first.monthly_income == 1500000
    assert _problems(batch, 3) == {
        ("NIK", NikProblem.SCIENTIFIC_NOTATION.value),
        ("Desa/Kelurahan", CellProblem.KELURAHAN_UNKNOWN.value),
    }
    assert _problems(batch, 5) == {
        ("Jenis Kelamin", CellProblem.SEX_UNREADABLE.value),
        ("Jenis Pekerjaan", CellProblem.OCCUPATION_UNKNOWN.value),
        ("Penghasilan (Rp)", CellProblem.NUMBER_UNREADABLE.value),
    }
    assert _row(batch, 5).name == "Jos\u00e9"


def test_comma_csv_in_utf8_with_bom_is_read(tmp_path, import_media, admin_user):
    path = write_csv(
        tmp_path / "bom.csv",
        [
            ["NIK", "Nama", "Tanggal Lahir", "L/P", "Kelurahan", "Pekerjaan"],
            ["3375014501850001", "Siti Ni\u2019mah", "1985-01-05", "P", "Medono", "buruh batik"],
        ],
        delimiter=",",
        encoding="utf-8",
        bom=True,
    )
    batch = _stage(path, admin_user)
    assert batch.status == BatchStatus.REVIEW
    assert _row(batch, 2).status == RowStatus.READY
    assert _row(batch, 2).name == "Siti Ni\u2019mah"


def test_unknown_required_column_waits_for_the_users_mapping(tmp_path, import_media, admin_user):
    path = write_xlsx(
        tmp_path / "peta.xlsx",
        [
            ["Identitas", "Nama", "Tgl Lahir", "JK", "Kelurahan", "Pekerjaan", "Catatan"],
            ["3375014501850001", "Siti", "05-01-1985", "P", "Medono", "Buruh batik", "ok"],
        ],
    )
    batch = _stage(path, admin_user)
    assert batch.status == BatchStatus.NEEDS_MAPPING
    assert services.missing_columns(batch) == ["NIK"]
    assert services.unmapped_headers(batch) == [(0, "Identitas"), (6, "Catatan")]

    services.map_columns(actor=admin_user, batch=batch, mapping={0: services.ImportField.NIK})
    batch = services.stage_batch(batch_id=batch.pk)
    assert batch.status == BatchStatus.REVIEW
    assert _row(batch, 2).nik == "3375014501850001"


def test_file_without_a_header_fails_with_its_reason(tmp_path, import_media, admin_user):
    path = write_xlsx(tmp_path / "kosong.xlsx", [["a", "b"], [1, 2]])
    batch = _stage(path, admin_user)
    assert batch.status == BatchStatus.FAILED
    assert "judul kolom" in batch.problem


def test_operator_rows_outside_their_kelurahan_are_refused_and_missing_kelurahan_is_theirs(
    tmp_path, import_media, operator_user
):
    path = write_xlsx(
        tmp_path / "op.xlsx",
        [
            ["NIK", "Nama", "Tgl Lahir", "JK", "Kelurahan", "Pekerjaan"],
            ["3375014501850001", "Siti", "05-01-1985", "P", "", "Buruh batik"],
            ["3375044501850002", "Ani", "05-01-1985", "P", "Sokoduwet", "Buruh batik"],
        ],
    )
    batch = _stage(path, operator_user)
    assert batch.default_kelurahan_id == "33.75.01.1002"
    assert _row(batch, 2).kelurahan_code == "33.75.01.1002"
    assert _row(batch, 2).status == RowStatus.READY
    assert _problems(batch, 3) == {("Kelurahan", CellProblem.KELURAHAN_NOT_YOURS.value)}


def test_missing_name_and_birth_date_cells_are_reported_by_the_registry_checks(
    tmp_path, import_media, admin_user
):
    path = write_xlsx(
        tmp_path / "kurang.xlsx",
        [
            ["NIK", "Nama", "Tgl Lahir", "JK", "Kelurahan", "Pekerjaan"],
            ["3375014501850001", "", "", "P", "Medono", "Buruh batik"],
        ],
    )
    batch = _stage(path, admin_user)
    assert _problems(batch, 2) == {
        ("Nama", RecordProblem.NAME_MISSING.value),
        ("Tgl Lahir", RecordProblem.BIRTH_DATE_MISSING.value),
    }


def test_ods_from_libreoffice_is_read(tmp_path, import_media, admin_user):
    path = write_ods(
        tmp_path / "medono.ods",
        [
            ["NIK", "Nama", "Tgl Lahir", "JK", "Kelurahan", "Pekerjaan"],
            ["3375014501850001", "SITI AMINAH", "5 Januari 1985", "P", "Medono", "Buruh batik"],
            ["3375014501850002", "Ani", "05-01-1985", "P", "Medonno", "Buruh batik"],
        ],
    )
    batch = _stage(path, admin_user)
    assert _row(batch, 2).status == RowStatus.READY
    assert _row(batch, 2).name == "Siti Aminah"
    assert _problems(batch, 3) == {("Kelurahan", CellProblem.KELURAHAN_UNKNOWN.value)}


def test_jobs_written_by_the_names_people_use_are_imported_as_their_job_types(
    tmp_path, import_media, operator_user
):
    path = write_xlsx(
        tmp_path / "pekerjaan.xlsx",
        [
            ["NIK", "Nama", "Tgl Lahir", "JK", "Kelurahan", "Pekerjaan"],
            ["3375014501850001", "Siti", "05-01-1985", "P", "Medono", "tukang colet"],
            ["3375011205750002", "Budi", "12-05-1975", "L", "Medono", "P.K.L."],
            # A NIK of a kecamatan the region does not know: a warning, so the full check.
            ["3375091205750003", "Darto", "12-05-1975", "L", "Medono", "ABK"],
            ["3375011205750004", "Karno", "12-05-1975", "L", "Medono", "Tukang  Becak"],
            ["3375011205750005", "Joko", "12-05-1975", "L", "Medono", "tukang parkir"],
            ["3375011205750006", "Tono", "12-05-1975", "L", "Medono", "pembatk"],
        ],
    )
    batch = _stage(path, operator_user)
    codes = {n: _row(batch, n).occupation_code for n in (2, 3, 4, 5)}
    assert codes == {2: "buruh-batik", 3: "pedagang-kaki-lima", 4: "nelayan", 5: "pengayuh-becak"}
    assert all(_row(batch, n).status == RowStatus.READY for n in codes)
    assert any(issue["is_warning"] for issue in _row(batch, 4).issues)
    for number, typed, said in (
        (6, "tukang parkir", "minta admin Dinas menambahkan nama ini"),
        (7, "pembatk", "Mungkin maksudnya \u201cpembatik\u201d (Buruh batik)?"),
    ):
        [issue] = _row(batch, number).issues
        assert (issue["column"], issue["problem"], issue["value"]) == (
            "Pekerjaan",
            CellProblem.OCCUPATION_UNKNOWN.value,
            typed,
        )
        assert said in issue["message"]
    assert "Mungkin" not in _row(batch, 6).issues[0]["message"]

    assert services.commit_batch(batch_id=batch.pk, actor=operator_user).created == 4
    assert dict(Person.objects.values_list("name", "occupation__code")) == {
        "Siti": "buruh-batik",
        "Budi": "pedagang-kaki-lima",
        "Darto": "nelayan",
        "Karno": "pengayuh-becak",
    }
