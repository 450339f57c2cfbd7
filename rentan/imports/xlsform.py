"""The field form: the import template as an XLSForm for KoboCollect and ODK Collect.

The questions are the template's columns (`workbooks.TEMPLATE_COLUMNS`, in its order) after a
consent question, each named the way the import's header matching reads it
(`question_name`), inside one group: a KoboToolbox export (`data_pekerja/nik`) and a
KoboToolbox submission go through the import's own checks as a kelurahan's spreadsheet does.
The choice lists are the template's (`ProgrammeChoices`: a kelurahan or job type is stored by
its code and shown by its name) and the sexes of the NIK. The constraints say the registry's
checks in XPath, so the enumerator hears of a mistake at the door: the NIK's structure
(`registry.nik.nik_pattern`), the birth date and sex agreeing with it, names without digits,
the lengths of `registry.validation.MAX_LENGTHS`. The server checks every answer again.

Written through `core.exports.xlsx_workbook`, as every workbook that leaves Rentan is.
No ORM or HTTP: the lists come in as arguments.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from rentan.core.exports import xlsx_workbook
from rentan.imports.cells import (
    FIELD_LABELS,
    FORM_METADATA_QUESTIONS,
    REQUIRED_FIELDS,
    Choice,
    ImportField,
    normalise_header,
)
from rentan.imports.rows import MAX_MONTHLY_INCOME
from rentan.imports.workbooks import TEMPLATE_COLUMNS, ProgrammeChoices
from rentan.registry.nik import FEMALE_DAY_OFFSET, Sex, kk_pattern, nik_pattern
from rentan.registry.validation import MAX_LENGTHS

DEFAULT_FORM_ID = "rentan_pendataan"
# The group the person's questions sit in; an export names its columns "data_pekerja/nik".
GROUP = "data_pekerja"
YES, NO = "ya", "tidak"
# Choice lists by name: the yes/no of consent, the sexes and the programme's two lists.
YES_NO_LIST = "ya_tidak"
SEX_LIST = "jenis_kelamin"
KELURAHAN_LIST = "kelurahan"
OCCUPATION_LIST = "jenis_pekerjaan"
# registry.validation.check_person: at most this many dependents.
MAX_DEPENDENTS = 20

SURVEY_COLUMNS = (
    "type",
    "name",
    "label",
    "hint",
    "required",
    "appearance",
    "relevant",
    "constraint",
    "constraint_message",
)


def question_name(field: ImportField) -> str:
    """The question's name: the template's header as an XML name ("Nama Lengkap" ->
    "nama_lengkap"), which the import's header matching reads back as the same field."""
    return normalise_header(FIELD_LABELS[field]).replace(" ", "_")


@dataclass(frozen=True)
class Question:
    type: str
    hint: str = ""
    appearance: str = ""
    relevant: str = ""
    constraint: str = ""
    constraint_message: str = ""


def _ref(field: ImportField) -> str:
    return "${" + question_name(field) + "}"


def _no_digits(limit: int) -> str:
    return f"not(regex(., '[0-9]')) and string-length(.) <= {limit}"


def _questions() -> dict[ImportField, Question]:
    """Each template column as a question; the checks as the registry makes them."""
    nik = _ref(ImportField.NIK)
    nik_day = f"number(substr({nik}, 7, 2))"
    female, male = Sex.FEMALE.value, Sex.MALE.value
    return {
        ImportField.NIK: Question(
            "text",
            hint=_("16 digit, sesuai KTP."),
            appearance="numbers",
            constraint=f"regex(., '{nik_pattern()}')",
            constraint_message=_(
                "NIK harus 16 digit sesuai KTP: dua digit pertama kode provinsi, digit 7-12 "
                "tanggal lahir (hari ditambah 40 untuk perempuan), 4 digit terakhir bukan 0000."
            ),
        ),
        ImportField.KK_NUMBER: Question(
            "text",
            hint=_("16 digit nomor Kartu Keluarga (boleh kosong)."),
            appearance="numbers",
            constraint=f"regex(., '{kk_pattern()}')",
            constraint_message=_(
                "No. KK harus 16 digit, dua digit pertama kode provinsi; kosongkan bila tidak ada."
            ),
        ),
        ImportField.NAME: Question(
            "text",
            hint=_("Nama sesuai KTP."),
            constraint=_no_digits(MAX_LENGTHS["name"]),
            constraint_message=_("Nama tidak boleh berisi angka, paling banyak %(limit)s huruf.")
            % {"limit": MAX_LENGTHS["name"]},
        ),
        ImportField.BIRTH_PLACE: Question(
            "text",
            hint=_("Kota/kabupaten tempat lahir."),
            constraint=f"string-length(.) <= {MAX_LENGTHS['birth_place']}",
            constraint_message=_("Tempat lahir paling banyak %(limit)s huruf.")
            % {"limit": MAX_LENGTHS["birth_place"]},
        ),
        ImportField.BIRTH_DATE: Question(
            "date",
            # The day, month and year written in the NIK (digits 7-12).
            constraint=(
                f". <= today() and format-date(., '%m%y') = substr({nik}, 9, 4) and "
                f"({nik_day} = number(format-date(., '%e')) or "
                f"{nik_day} = number(format-date(., '%e')) + {FEMALE_DAY_OFFSET})"
            ),
            constraint_message=_(
                "Tanggal lahir tidak sesuai dengan NIK (digit 7-12: hari, bulan, tahun) atau "
                "jatuh setelah hari ini."
            ),
        ),
        ImportField.SEX: Question(
            "select_one " + SEX_LIST,
            appearance="horizontal",
            constraint=(
                f"(. = '{male}' and {nik_day} <= 31) or "
                f"(. = '{female}' and {nik_day} > {FEMALE_DAY_OFFSET})"
            ),
            constraint_message=_(
                "Jenis kelamin tidak sesuai dengan NIK: pada NIK perempuan hari lahir "
                "ditambah %(offset)s."
            )
            % {"offset": FEMALE_DAY_OFFSET},
        ),
        ImportField.MOTHER_NAME: Question(
            "text",
            hint=_(
                "Nama gadis ibu kandung, sesuai KK. Boleh kosong, tetapi wajib untuk "
                "pendaftaran BPJS Ketenagakerjaan."
            ),
            constraint=_no_digits(MAX_LENGTHS["mother_name"]),
            constraint_message=_(
                "Nama ibu kandung tidak boleh berisi angka, paling banyak %(limit)s huruf."
            )
            % {"limit": MAX_LENGTHS["mother_name"]},
        ),
        ImportField.STREET_ADDRESS: Question(
            "text",
            hint=_("Nama jalan/gang dan nomor rumah."),
            constraint=f"string-length(.) <= {MAX_LENGTHS['street_address']}",
            constraint_message=_("Alamat paling banyak %(limit)s huruf.")
            % {"limit": MAX_LENGTHS["street_address"]},
        ),
        ImportField.RT: Question(
            "text",
            hint=_("Nomor RT, mis. 003."),
            appearance="numbers",
            constraint="regex(., '^[0-9]{1,3}$')",
            constraint_message=_("RT paling banyak 3 angka, mis. 003."),
        ),
        ImportField.RW: Question(
            "text",
            hint=_("Nomor RW, mis. 005."),
            appearance="numbers",
            constraint="regex(., '^[0-9]{1,3}$')",
            constraint_message=_("RW paling banyak 3 angka, mis. 005."),
        ),
        ImportField.KELURAHAN: Question(
            "select_one " + KELURAHAN_LIST, appearance="minimal autocomplete"
        ),
        ImportField.PHONE: Question(
            "text",
            hint=_("Nomor HP, mis. 081234567890 (boleh kosong)."),
            appearance="numbers",
            # registry.phone: 0 or +62, then 8 to 12 digits not starting with 0 or 1.
            constraint="regex(., '^(\\+62|0)[2-9][0-9]{7,11}$')",
            constraint_message=_("Nomor HP diawali 0, mis. 081234567890 (9 sampai 13 angka)."),
        ),
        ImportField.OCCUPATION: Question(
            "select_one " + OCCUPATION_LIST, appearance="minimal autocomplete"
        ),
        ImportField.MONTHLY_INCOME: Question(
            "integer",
            hint=_("Perkiraan penghasilan per bulan dalam rupiah, angka saja."),
            constraint=f". >= 0 and . <= {MAX_MONTHLY_INCOME}",
            constraint_message=_("Penghasilan per bulan dalam rupiah, mis. 1500000."),
        ),
        ImportField.DEPENDENTS: Question(
            "integer",
            hint=_("Jumlah orang yang ditanggung (0-20)."),
            constraint=f". >= 0 and . <= {MAX_DEPENDENTS}",
            constraint_message=_("Jumlah tanggungan 0 sampai %(limit)s orang.")
            % {"limit": MAX_DEPENDENTS},
        ),
    }


def survey_rows() -> list[dict[str, str]]:
    """The survey sheet as rows of SURVEY_COLUMNS."""
    consent = question_name(ImportField.CONSENT)
    rows: list[dict[str, str]] = [{"type": name, "name": name} for name in FORM_METADATA_QUESTIONS]
    # Asked before anything else: without a yes, nothing about the person is asked or sent.
    rows.append(
        {
            "type": "select_one " + YES_NO_LIST,
            "name": consent,
            "label": _(
                "Apakah yang bersangkutan setuju datanya dicatat untuk program jaminan sosial "
                "ketenagakerjaan pekerja rentan?"
            ),
            "hint": _("Jelaskan tujuan pendataan dan bahwa data pribadi dilindungi UU 27/2022."),
            "required": "yes",
            "appearance": "horizontal",
            "constraint": f". = '{YES}'",
            "constraint_message": _(
                "Tanpa persetujuan yang bersangkutan, data tidak dicatat: akhiri wawancara."
            ),
        }
    )
    rows.append(
        {
            "type": "begin_group",
            "name": GROUP,
            "label": _("Data pekerja"),
            "relevant": f"${{{consent}}} = '{YES}'",
        }
    )
    questions = _questions()
    for field, _width, _hint in TEMPLATE_COLUMNS:
        question = questions[field]
        rows.append(
            {
                "type": question.type,
                "name": question_name(field),
                "label": FIELD_LABELS[field],
                "hint": question.hint,
                "required": "yes"
                if field in REQUIRED_FIELDS or field is ImportField.KELURAHAN
                else "",
                "appearance": question.appearance,
                "constraint": question.constraint,
                "constraint_message": question.constraint_message,
            }
        )
    rows.append({"type": "end_group", "name": GROUP})
    return rows


def choice_rows(choices: ProgrammeChoices) -> list[tuple[str, str, str]]:
    """The choices sheet: (list name, choice name, label)."""
    lists: list[tuple[str, Sequence[Choice]]] = [
        (YES_NO_LIST, [Choice(YES, _("Ya")), Choice(NO, _("Tidak"))]),
        (SEX_LIST, [Choice(sex.value, str(sex.label)) for sex in Sex]),
        (KELURAHAN_LIST, choices.kelurahan),
        (OCCUPATION_LIST, choices.occupations),
    ]
    return [(name, choice.code, choice.name) for name, items in lists for choice in items]


def build_xlsform(
    *, choices: ProgrammeChoices, region_name: str, version: str, form_id: str = DEFAULT_FORM_ID
) -> bytes:
    """The XLSForm as .xlsx: the survey, choices and settings sheets."""
    output = io.BytesIO()
    workbook = xlsx_workbook(output)
    bold = workbook.add_format({"bold": True})

    survey = workbook.add_worksheet("survey")
    for column, name in enumerate(SURVEY_COLUMNS):
        survey.write_string(0, column, name, bold)
    for row, values in enumerate(survey_rows(), start=1):
        for column, name in enumerate(SURVEY_COLUMNS):
            if values.get(name):
                survey.write_string(row, column, values[name])
    survey.set_column(0, 0, 28)
    survey.set_column(1, 1, 22)
    survey.set_column(2, 2, 40)

    sheet = workbook.add_worksheet("choices")
    for column, name in enumerate(("list_name", "name", "label")):
        sheet.write_string(0, column, name, bold)
    for row, choice in enumerate(choice_rows(choices), start=1):
        for column, value in enumerate(choice):
            sheet.write_string(row, column, value)
    sheet.set_column(0, 2, 24)

    settings = workbook.add_worksheet("settings")
    for column, (name, value) in enumerate(
        (
            (
                "form_title",
                _("Pendataan pekerja informal rentan — %(region)s") % {"region": region_name},
            ),
            ("form_id", form_id),
            ("version", version),
        )
    ):
        settings.write_string(0, column, name, bold)
        settings.write_string(1, column, value)
    workbook.close()
    return output.getvalue()
