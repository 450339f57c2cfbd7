"""The field form (XLSForm): what pyxform makes of it, its lists against the template's, its
NIK check against the registry's, and a KoboToolbox export of it through the import."""

import io
import re
from datetime import date, datetime
from pathlib import Path
from xml.etree.ElementTree import Element

import openpyxl
import pytest
from defusedxml import ElementTree
from django.core.management import call_command
from django.urls import reverse
from pyxform.xls2xform import convert

from rentan.imports import services
from rentan.imports.cells import REQUIRED_FIELDS, ImportField
from rentan.imports.models import BatchStatus, RowStatus
from rentan.imports.workbooks import TEMPLATE_COLUMNS
from rentan.imports.xlsform import GROUP, question_name
from rentan.registry.models import Person
from rentan.registry.nik import NikError, nik_pattern, parse_nik

XFORMS = "{http://www.w3.org/2002/xforms}"
MEDONO = "33.75.01.1002"


def _choice_labels(root: Element, list_name: str) -> list[str]:
    instance = next(i for i in root.iter(f"{XFORMS}instance") if i.get("id") == list_name)
    return [item.findtext(f"{XFORMS}label") or "" for item in instance.iter(f"{XFORMS}item")]


@pytest.mark.django_db
def test_the_field_form_is_a_valid_xform_with_the_templates_questions_lists_and_checks(
    tmp_path: Path, admin_user, client
):
    out = tmp_path / "formulir.xlsx"
    call_command("xlsform", out=out, stdout=io.StringIO())
    warnings: list[str] = []
    xform = convert(xlsform=str(out), validate=False, warnings=warnings).xform
    assert warnings == []
    root = ElementTree.fromstring(xform)
    binds = {bind.get("nodeset"): bind for bind in root.iter(f"{XFORMS}bind")}

    # Every column of the template is a question, required where the import requires it.
    for field, _width, _hint in TEMPLATE_COLUMNS:
        bind = binds[f"/data/{GROUP}/{question_name(field)}"]
        assert (bind.get("required") == "true()") is (
            field in REQUIRED_FIELDS or field is ImportField.KELURAHAN
        ), field
    assert binds[f"/data/{GROUP}/tanggal_lahir"].get("type") == "date"
    nik = binds[f"/data/{GROUP}/nik"]
    assert nik.get("constraint") == f"regex(., '{nik_pattern()}')"
    assert "NIK harus 16 digit" in nik.get("{http://openrosa.org/javarosa}constraintMsg", "")
    # Nothing about the person is asked before the consent question says yes.
    assert binds["/data/persetujuan"].get("constraint") == ". = 'ya'"
    assert "persetujuan" in binds[f"/data/{GROUP}"].get("relevant", "")

    # The kelurahan and job types are the template's drop-down lists, in its order.
    client.force_login(admin_user)
    template = openpyxl.load_workbook(io.BytesIO(client.get(reverse("imports:template")).content))
    lists = template["Daftar"]
    kelurahan = [row[0] for row in lists.iter_rows(values_only=True) if row[0]]
    occupations = [row[1] for row in lists.iter_rows(values_only=True) if row[1]]
    assert _choice_labels(root, "kelurahan") == kelurahan
    assert _choice_labels(root, "jenis_pekerjaan") == occupations
    assert _choice_labels(root, "jenis_kelamin") == ["Laki-laki", "Perempuan"]


@pytest.mark.parametrize(
    ("nik", "is_accepted"),
    [
        ("3375014501850001", True),  # a woman born 5 January 1985
        ("3375010501850010", True),  # a man; a serial may end in 0
        ("1101017112991000", True),  # 31 December 1999, a woman
        ("337501450185000", False),  # 15 digits
        ("9975014501850001", False),  # no province 99
        ("3375013201850001", False),  # day 32
        ("3375010001850001", False),  # day 0
        ("3375017201850001", False),  # a woman's day 32
        ("3375014513850001", False),  # month 13
        ("3375014501850000", False),  # serial 0000
        ("33750145018500a1", False),
    ],
)
def test_the_forms_nik_check_refuses_what_the_registry_refuses(nik: str, is_accepted: bool):
    today = date(2026, 12, 2)
    try:
        parse_nik(nik, today=today)
    except NikError:
        registry_accepts = False
    else:
        registry_accepts = True
    assert registry_accepts is is_accepted
    assert (re.fullmatch(nik_pattern(), nik) is not None) is is_accepted


# The columns of a KoboToolbox export ("XML values and headers", groups in the headers) of
# the form, in the order it writes them: the metadata questions, the answers, its own.
KOBO_HEADER = [
    "start",
    "end",
    "persetujuan",
    "data_pekerja/nik",
    "data_pekerja/no_kk",
    "data_pekerja/nama_lengkap",
    "data_pekerja/tempat_lahir",
    "data_pekerja/tanggal_lahir",
    "data_pekerja/jenis_kelamin",
    "data_pekerja/nama_ibu_kandung",
    "data_pekerja/alamat",
    "data_pekerja/rt",
    "data_pekerja/rw",
    "data_pekerja/kelurahan",
    "data_pekerja/no_hp",
    "data_pekerja/jenis_pekerjaan",
    "data_pekerja/penghasilan_per_bulan",
    "data_pekerja/jumlah_tanggungan",
    "meta/instanceID",
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
    "_index",
]


def _kobo_row(index: int, nik: str, born: object, sex: str, name: str) -> list[object]:
    return [
        "2026-12-02T09:00:00.000+07:00",
        "2026-12-02T09:10:00.000+07:00",
        "ya",
        nik,
        "",
        name,
        "Pekalongan",
        born,
        sex,
        "Khotijah",
        "Jl. Progo Gg. 3",
        "003",
        "005",
        MEDONO,
        "081234567890",
        "buruh-batik",
        1500000,
        2,
        f"uuid:0b6c{index}",
        1000 + index,
        f"0b6c{index}",
        "2026-12-02T02:10:05",
        "",
        "",
        "submitted_via_web",
        "",
        "vQ7x",
        "",
        index,
    ]


@pytest.mark.django_db
def test_a_kobotoolbox_export_of_the_form_goes_through_the_import(import_media, admin_user):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(KOBO_HEADER)
    sheet.append(_kobo_row(1, "3375014501850001", "1985-01-05", "P", "Siti Aminah"))
    sheet.append(_kobo_row(2, "3375011208800003", datetime(1980, 8, 12), "L", "Budi Santoso"))
    sheet.append(_kobo_row(3, "3375013208800003", "1980-08-12", "L", "Joko Susilo"))
    path = import_media / "pendataan_medono_2026-12-02.xlsx"
    workbook.save(path)

    batch = services.upload_batch(actor=admin_user, path=path, original_name=path.name)
    batch = services.stage_batch(batch_id=batch.pk)

    assert batch.status == BatchStatus.REVIEW
    # The answers are read by their question names; KoboToolbox's own columns are left out,
    # not offered for mapping.
    assert services.unmapped_headers(batch) == []
    assert services.missing_columns(batch) == []
    rows = {row.row_number: row for row in batch.rows.all()}
    assert rows[2].status == RowStatus.READY
    assert (rows[2].nik, rows[2].kelurahan_code, rows[2].occupation_code) == (
        "3375014501850001",
        MEDONO,
        "buruh-batik",
    )
    assert rows[3].status == RowStatus.READY
    assert rows[3].birth_date == date(1980, 8, 12)
    assert rows[4].status == RowStatus.ERROR
    assert [issue["column"] for issue in rows[4].issues] == ["data_pekerja/nik"]

    services.commit_batch(batch_id=batch.pk, actor=admin_user)
    assert sorted(Person.objects.values_list("name", flat=True)) == ["Budi Santoso", "Siti Aminah"]
