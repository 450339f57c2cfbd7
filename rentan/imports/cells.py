"""Reading the cells of a kelurahan spreadsheet: headers, dates, numbers, kelurahan and job types.

Spreadsheets are typed by hand in Excel by different people, so every reader here is lenient
about form (case, spaces, punctuation, Indonesian month names, Excel serial dates) and strict
about meaning: a value that cannot be read raises :class:`CellError` with a member of
:class:`CellProblem` and an Indonesian sentence naming what was found.

Headers: a `HeaderSpec` per kind of file lists the spellings of each column ("No. KTP" for
the NIK), compared without case, spaces or punctuation; `find_header` finds the header row
below any title rows. The import, `rentan dedup_file` and the BPJS reply and bill all read
their headers this way. The import also reads a field form's export or submission
(KoboToolbox, ODK): `data_pekerja/nik` is the NIK, and the form's metadata columns (`_id`,
`_uuid`, `start`, `meta/instanceID`, ...) are left out (`FORM_METADATA_QUESTIONS`).

Pure: no ORM, settings or HTTP.
"""

import math
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Generic, TypeVar

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz, process

from rentan.core import numbers
from rentan.core.formatting import format_date
from rentan.registry.job_names import JobNames


class ImportField(StrEnum):
    """A column the import understands; values are PersonDraft attributes where one exists."""

    NIK = "nik"
    KK_NUMBER = "kk_number"
    NAME = "name"
    BIRTH_PLACE = "birth_place"
    BIRTH_DATE = "birth_date"
    SEX = "sex"
    STREET_ADDRESS = "street_address"
    RT = "rt"
    RW = "rw"
    RT_RW = "rt_rw"
    KELURAHAN = "kelurahan"
    PHONE = "phone"
    OCCUPATION = "occupation"
    MONTHLY_INCOME = "monthly_income"
    DEPENDENTS = "dependents"
    HAS_DISABILITY = "has_disability"
    DISABILITY_NOTE = "disability_note"
    MOTHER_NAME = "mother_name"
    # Whether the person agreed to be recorded; a field form asks it before anything else.
    CONSENT = "consent"
    IGNORE = "ignore"


FIELD_LABELS: dict[ImportField, str] = {
    ImportField.NIK: "NIK",
    ImportField.KK_NUMBER: "No. KK",
    ImportField.NAME: "Nama Lengkap",
    ImportField.BIRTH_PLACE: "Tempat Lahir",
    ImportField.BIRTH_DATE: "Tanggal Lahir",
    ImportField.SEX: "Jenis Kelamin",
    ImportField.STREET_ADDRESS: "Alamat",
    ImportField.RT: "RT",
    ImportField.RW: "RW",
    ImportField.RT_RW: "RT/RW",
    ImportField.KELURAHAN: "Kelurahan",
    ImportField.PHONE: "No. HP",
    ImportField.OCCUPATION: "Jenis Pekerjaan",
    ImportField.MONTHLY_INCOME: "Penghasilan per Bulan",
    ImportField.DEPENDENTS: "Jumlah Tanggungan",
    ImportField.HAS_DISABILITY: "Disabilitas",
    ImportField.DISABILITY_NOTE: "Keterangan Disabilitas",
    ImportField.MOTHER_NAME: "Nama Ibu Kandung",
    ImportField.CONSENT: "Persetujuan",
    ImportField.IGNORE: "(abaikan kolom ini)",
}

# The column the error file adds; read back on re-upload and ignored.
ERROR_COLUMN = "Keterangan Kesalahan"

REQUIRED_FIELDS = (
    ImportField.NIK,
    ImportField.NAME,
    ImportField.BIRTH_DATE,
    ImportField.SEX,
    ImportField.OCCUPATION,
)

# Header spellings met in kelurahan spreadsheets, after normalise_header().
_SYNONYMS: dict[ImportField, tuple[str, ...]] = {
    ImportField.NIK: (
        "nik",
        "no ktp",
        "nomor ktp",
        "no nik",
        "nomor nik",
        "ktp",
        "nik ktp",
        "no induk kependudukan",
        "nomor induk kependudukan",
    ),
    ImportField.KK_NUMBER: (
        "kk",
        "no kk",
        "nomor kk",
        "no kartu keluarga",
        "nomor kartu keluarga",
        "kartu keluarga",
    ),
    ImportField.NAME: (
        "nama",
        "nama lengkap",
        "nama pekerja",
        "nama peserta",
        "nama sesuai ktp",
        "nama lengkap sesuai ktp",
    ),
    ImportField.BIRTH_PLACE: ("tempat lahir", "tmp lahir", "tmpt lahir", "tempat lhr"),
    ImportField.BIRTH_DATE: (
        "tanggal lahir",
        "tgl lahir",
        "tgl lhr",
        "tanggal lhr",
        "tgl lahir dd mm yyyy",
        "tanggal lahir dd mm yyyy",
    ),
    ImportField.SEX: ("jenis kelamin", "jk", "l p", "kelamin", "gender", "jns kelamin"),
    ImportField.STREET_ADDRESS: (
        "alamat",
        "alamat lengkap",
        "alamat rumah",
        "alamat domisili",
        "jalan",
        "dusun jalan",
    ),
    ImportField.RT: ("rt",),
    ImportField.RW: ("rw",),
    ImportField.RT_RW: ("rt rw", "rt dan rw"),
    ImportField.KELURAHAN: (
        "kelurahan",
        "kel",
        "desa",
        "kelurahan desa",
        "desa kelurahan",
        "kode kelurahan",
        "nama kelurahan",
    ),
    ImportField.PHONE: (
        "hp",
        "no hp",
        "nomor hp",
        "no hp wa",
        "telepon",
        "no telp",
        "no telepon",
        "nomor telepon",
        "no wa",
        "whatsapp",
        "telp",
    ),
    ImportField.OCCUPATION: (
        "pekerjaan",
        "jenis pekerjaan",
        "profesi",
        "mata pencaharian",
        "jenis usaha",
    ),
    ImportField.MONTHLY_INCOME: (
        "penghasilan",
        "penghasilan per bulan",
        "penghasilan bulan",
        "pendapatan",
        "pendapatan per bulan",
        "upah",
        "perkiraan penghasilan per bulan",
    ),
    ImportField.DEPENDENTS: ("tanggungan", "jumlah tanggungan", "jml tanggungan"),
    ImportField.HAS_DISABILITY: ("disabilitas", "penyandang disabilitas", "difabel"),
    ImportField.DISABILITY_NOTE: ("keterangan disabilitas", "jenis disabilitas"),
    ImportField.MOTHER_NAME: (
        "nama ibu kandung",
        "ibu kandung",
        "nama ibu",
        "nama gadis ibu kandung",
        "nama ibu kandung sesuai kk",
        "nm ibu kandung",
        "nama ibu kand",
    ),
    ImportField.CONSENT: ("persetujuan", "setuju", "persetujuan pendataan", "bersedia didata"),
    ImportField.IGNORE: ("no", "no urut", "nomor urut", "keterangan kesalahan"),
}

F = TypeVar("F", bound=StrEnum)

# Fewer recognised headers than this and the row is not taken for the header.
_MIN_HEADER_MATCHES = 3
HEADER_SCAN_ROWS = 20


class CellProblem(TextChoices):
    DATE_UNREADABLE = "date_unreadable", _("Tanggal tidak terbaca")
    DATE_IMPOSSIBLE = "date_impossible", _("Tanggal tidak ada di kalender")
    DATE_IN_FUTURE = "date_in_future", _("Tanggal lahir belum terjadi")
    SEX_UNREADABLE = "sex_unreadable", _("Jenis kelamin harus L atau P")
    NUMBER_UNREADABLE = "number_unreadable", _("Harus berupa angka")
    YES_NO_UNREADABLE = "yes_no_unreadable", _("Harus Ya atau Tidak")
    KELURAHAN_UNKNOWN = "kelurahan_unknown", _("Kelurahan tidak dikenal di wilayah program")
    KELURAHAN_NOT_YOURS = "kelurahan_not_yours", _("Kelurahan di luar wilayah tugas Anda")
    OCCUPATION_UNKNOWN = "occupation_unknown", _("Jenis pekerjaan tidak dikenal")
    RT_RW_UNREADABLE = "rt_rw_unreadable", _("RT/RW harus ditulis seperti 003/005")
    NIK_REPEATED_IN_FILE = "nik_repeated", _("NIK yang sama sudah ada di baris lain berkas ini")
    CONTROL_CHARACTER = "control_character", _("Sel berisi karakter kendali (mis. NUL)")
    NO_CONSENT = "no_consent", _("Yang bersangkutan tidak menyetujui pendataan")


class CellError(ValueError):
    """A cell that cannot be read; ``str(error)`` is the Indonesian sentence."""

    def __init__(self, problem: CellProblem, detail: str) -> None:
        super().__init__(problem, detail)
        self.problem = problem
        self.detail = detail

    def __str__(self) -> str:
        return self.detail


# ---------------------------------------------------------------------------- headers


def normalise_header(raw: object) -> str:
    """``"No. KTP "`` -> ``"no ktp"``; ``"Penghasilan (Rp)"`` -> ``"penghasilan"``."""
    text = unicodedata.normalize("NFKC", str(raw if raw is not None else "")).lower()
    text = re.sub(r"\(\s*rp\s*\)|\brp\b\.?", " ", text)
    text = re.sub(r"[^0-9a-z]+", " ", text)
    return " ".join(text.split())


def header_key(raw: object) -> str:
    """A header as compared: ``"No. KTP "`` and ``"NoKTP"`` -> ``"noktp"``."""
    return normalise_header(raw).replace(" ", "")


class HeaderSpec(Generic[F]):
    """One kind of file's headers: the spellings met for each column, and what a row must name
    to be taken for the header row.

    Headers are compared without case, spaces or punctuation (``header_key``), so ``No. KPJ``,
    ``NO KPJ`` and ``NoKPJ`` are one spelling. `ignored` is the field of columns that are
    recognised only to be left out (a row number); it may stand in several columns and does not
    count towards a header.
    """

    def __init__(
        self,
        synonyms: Mapping[F, Iterable[str]],
        *,
        is_header: Callable[[Collection[F]], bool],
        ignored: F | None = None,
        reads_form_exports: bool = False,
    ) -> None:
        self.synonyms = synonyms
        self.is_header = is_header
        self.ignored = ignored
        self.reads_form_exports = reads_form_exports and ignored is not None
        self.lookup: dict[str, F] = {
            header_key(spelling): field
            for field, spellings in synonyms.items()
            for spelling in spellings
        }

    def match(self, raw: object) -> F | None:
        found = self.lookup.get(header_key(raw))
        if found is None and self.reads_form_exports:
            found = self._form_export_column(str(raw if raw is not None else "").strip())
        return found

    def _form_export_column(self, raw: str) -> F | None:
        """A column of a field form's export (KoboToolbox, ODK): a question inside a group
        is named `group/question`, and the export adds columns of its own, which are left
        out rather than shown as unknown."""
        if raw.startswith("_"):
            return self.ignored
        question = raw.rsplit("/", 1)[-1]
        if header_key(question) in _FORM_METADATA_KEYS:
            return self.ignored
        return self.lookup.get(header_key(question)) if question != raw else None


# The metadata a field form's export or submission carries beside the answers: the form's
# own metadata questions (FORM_METADATA_QUESTIONS, declared by rentan.imports.xlsform) and
# what ODK and KoboToolbox add (meta/instanceID, formhub/uuid). KoboToolbox's own columns
# (_id, _uuid, _submission_time, _validation_status, __version__, ...) all begin with "_".
FORM_METADATA_QUESTIONS = ("start", "end")
_FORM_METADATA_KEYS = frozenset(
    header_key(name)
    for name in (*FORM_METADATA_QUESTIONS, "instanceID", "instanceName", "deprecatedID", "uuid")
)

PERSON_HEADERS = HeaderSpec(
    _SYNONYMS,
    is_header=lambda fields: len(fields) >= _MIN_HEADER_MATCHES,
    ignored=ImportField.IGNORE,
    reads_form_exports=True,
)


def match_header(raw: object) -> ImportField | None:
    return PERSON_HEADERS.match(raw)


@dataclass(frozen=True)
class HeaderGuess(Generic[F]):
    row_index: int  # 0-based index of the header row among the file's rows
    columns: dict[int, F]  # column index -> field, for recognised headers
    unknown: dict[int, str]  # column index -> header text, for headers not recognised

    def column_of(self, field: F) -> int | None:
        for column, found in self.columns.items():
            if found == field:
                return column
        return None


def find_header(
    rows: Sequence[Sequence[object]],
    spec: HeaderSpec[F],
    *,
    extra: Mapping[str, F] | None = None,
) -> HeaderGuess[F] | None:
    """The header row among the first rows: the one naming the most known columns, if it names
    what `spec` asks of a header. `extra` maps a header as written (compared as `header_key`)
    to a field, before the spec's own spellings: a user's reading of their file.

    Files often start with a title, a date or a blank line before the header.
    """
    own = {header_key(header): field for header, field in (extra or {}).items()}
    best: HeaderGuess[F] | None = None
    best_count = 0
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns: dict[int, F] = {}
        unknown: dict[int, str] = {}
        for column, cell in enumerate(row):
            if is_blank(cell):
                continue
            field = own.get(header_key(cell)) or spec.match(cell)
            if field is None:
                unknown[column] = " ".join(str(cell).split())
            elif field not in columns.values() or field is spec.ignored:
                columns[column] = field
        named = {f for f in columns.values() if f is not spec.ignored}
        if len(named) > best_count and spec.is_header(named):
            best, best_count = HeaderGuess(index, columns, unknown), len(named)
    return best


def is_blank(cell: object) -> bool:
    if type(cell) is str:
        return not cell.strip()
    if cell is None:
        return True
    if isinstance(cell, float) and math.isnan(cell):
        return True
    return isinstance(cell, str) and not cell.strip()


def column_has_numbers(values: Iterable[object]) -> bool:
    """Whether Excel has been treating this column's values as numbers.

    True when a cell arrived as a number, or as the text Excel writes for one (scientific
    notation, or a trailing ``.0``) in a CSV export.
    """
    for value in values:
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            return True
        if isinstance(value, str) and _NUMBER_TEXT.fullmatch(value.strip()):
            return True
    return False


_NUMBER_TEXT = re.compile(r"[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+|\d{12,}[.,]0+")


# ---------------------------------------------------------------------------- values


def text(cell: object) -> str:
    """A cell as plain text with spaces collapsed; a whole float loses its ``.0``."""
    if type(cell) is str:
        return " ".join(cell.split())
    if is_blank(cell):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    return " ".join(str(cell).split())


def identity_text(cell: object) -> object:
    """A NIK or KK cell as found, for parse_nik: numbers stay numbers so they are recognised."""
    if is_blank(cell):
        return ""
    if isinstance(cell, str):
        # Excel users force text with a leading apostrophe; a CSV keeps it.
        return cell.strip().lstrip("'")
    return cell


_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("januari", "jan", "january"),
        ("februari", "feb", "pebruari", "peb", "february"),
        ("maret", "mar", "march"),
        ("april", "apr"),
        ("mei", "may"),
        ("juni", "jun", "june"),
        ("juli", "jul", "july"),
        ("agustus", "agu", "agt", "agus", "ags", "aug", "august"),
        ("september", "sep", "sept"),
        ("oktober", "okt", "oct", "october"),
        ("november", "nov", "nop", "nopember"),
        ("desember", "des", "dec", "december"),
    ),
    start=1,
):
    for _name in _names:
        _MONTHS[_name] = _number

_NUMERIC_DATE = re.compile(r"(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{2}|\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_NAMED_DATE = re.compile(r"(\d{1,2})\s*[-/. ]\s*([a-z]+)\.?\s*[-/. ]\s*(\d{2}|\d{4})")
_SERIAL = re.compile(r"\d{4,5}(?:[.,]0+)?")
# Excel's 1900 date system, with its phantom 29 February 1900: serial 61 is 1 March 1900.
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_birth_date(cell: object, *, today: date) -> date | None:
    """A birth date as Excel or a person wrote it (see `parse_date`); never after today."""
    return parse_date(cell, today=today)


def parse_date(
    cell: object, *, today: date, noun: str = "Tanggal lahir", may_be_future: bool = False
) -> date | None:
    """A date as Excel or a person wrote it; None for an empty cell. `noun` names the date in
    messages; unless `may_be_future`, a date after `today` is refused.

    Reads date cells, Excel serial numbers (27526), ``12-05-1975``, ``12/05/75``,
    ``12.05.1975``, ``1975-05-12`` and ``12 Mei 1975`` (Indonesian or English month names and
    their abbreviations). Numbers are day first, as written in Indonesia. A two-digit year is
    the latest year not after today.
    """
    if is_blank(cell):
        return None
    latest = None if may_be_future else today
    if isinstance(cell, datetime):
        return _not_after(cell.date(), latest, noun)
    if isinstance(cell, date):
        return _not_after(cell, latest, noun)
    if isinstance(cell, bool):
        raise CellError(CellProblem.DATE_UNREADABLE, f"{noun} tertulis ya/tidak.")
    if isinstance(cell, int | float):
        return _from_serial(float(cell), noun, latest)

    raw = " ".join(str(cell).split())
    lowered = raw.lower()
    if _SERIAL.fullmatch(lowered):
        return _from_serial(float(lowered.replace(",", ".")), noun, latest)
    if match := _ISO_DATE.fullmatch(lowered):
        return _build(int(match[3]), int(match[2]), int(match[1]), raw, noun, latest)
    if match := _NUMERIC_DATE.fullmatch(lowered):
        return _build(int(match[1]), int(match[2]), _full_year(match[3], today), raw, noun, latest)
    if match := _NAMED_DATE.fullmatch(lowered):
        month = _MONTHS.get(match[2])
        if month is None:
            raise CellError(
                CellProblem.DATE_UNREADABLE,
                f"Nama bulan “{match[2]}” pada {noun.lower()} {raw} tidak dikenal.",
            )
        return _build(int(match[1]), month, _full_year(match[3], today), raw, noun, latest)
    raise CellError(
        CellProblem.DATE_UNREADABLE,
        f"{noun} “{raw}” tidak terbaca. Tulis seperti 12-05-1975 atau 12 Mei 1975.",
    )


def _full_year(digits: str, today: date) -> int:
    year = int(digits)
    if len(digits) == 4:
        return year
    return 2000 + year if year <= today.year % 100 else 1900 + year


def _build(day: int, month: int, year: int, raw: str, noun: str, latest: date | None) -> date:
    try:
        value = date(year, month, day)
    except ValueError:
        raise CellError(
            CellProblem.DATE_IMPOSSIBLE, f"{noun} {raw} tidak ada di kalender (hari-bulan-tahun)."
        ) from None
    return _not_after(value, latest, noun)


def _from_serial(serial: float, noun: str, latest: date | None) -> date:
    if not serial.is_integer() or not 1 <= serial <= 2_958_465:
        raise CellError(
            CellProblem.DATE_UNREADABLE, f"{noun} berisi angka {serial:g}, bukan tanggal."
        )
    return _not_after(_EXCEL_EPOCH + timedelta(days=int(serial)), latest, noun)


def _not_after(value: date, latest: date | None, noun: str) -> date:
    if latest is not None and value > latest:
        raise CellError(
            CellProblem.DATE_IN_FUTURE, f"{noun} {format_date(value)} jatuh setelah hari ini."
        )
    return value


_SEX_WORDS = {
    "l": "L",
    "lk": "L",
    "laki laki": "L",
    "laki": "L",
    "pria": "L",
    "m": "L",
    "male": "L",
    "p": "P",
    "pr": "P",
    "perempuan": "P",
    "wanita": "P",
    "w": "P",
    "f": "P",
    "female": "P",
}


def parse_sex(cell: object) -> str:
    """``L``, ``P`` or "" for an empty cell."""
    value = normalise_header(cell)
    if not value:
        return ""
    try:
        return _SEX_WORDS[value]
    except KeyError:
        raise CellError(
            CellProblem.SEX_UNREADABLE,
            f"Jenis kelamin “{text(cell)}” tidak terbaca: tulis L (laki-laki) atau P (perempuan).",
        ) from None


# What a float looks like once a CSV has written it as text ("1500000.0", "2.0"); a dot and
# three zeros is not one of them: "1.000" is a thousand (core/numbers.py).
_FLOAT_TEXT = re.compile(r"-?[0-9]+\.0{1,2}|-?[0-9]{4,}\.0+", re.ASCII)


def parse_whole_number(cell: object, *, noun: str) -> int | None:
    """A whole number such as ``1.500.000``, ``Rp 1.500.000`` or ``2``; None when empty.

    Numbers that Excel kept as numbers arrive as int or float; text is read the Indonesian
    way by `core.numbers.parse_whole_number`, the reader of every typed number."""
    if is_blank(cell):
        return None
    if isinstance(cell, bool):
        raise CellError(CellProblem.NUMBER_UNREADABLE, f"{noun} harus berupa angka.")
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        if cell.is_integer():
            return int(cell)
        raise CellError(CellProblem.NUMBER_UNREADABLE, f"{noun} harus bilangan bulat.")
    raw = " ".join(str(cell).split())
    if _FLOAT_TEXT.fullmatch(raw):
        return int(raw.split(".")[0])
    try:
        return numbers.parse_whole_number(raw, noun=noun)
    except numbers.NumberRefused as refused:
        raise CellError(CellProblem.NUMBER_UNREADABLE, str(refused)) from refused


_YES = {"ya", "y", "yes", "iya", "1", "true", "benar", "ada"}
_NO = {"tidak", "t", "tdk", "no", "n", "0", "false", "tidak ada", "bukan"}


def parse_yes_no(cell: object) -> bool:
    value = normalise_header(cell)
    if not value or value in _NO:
        return False
    if value in _YES:
        return True
    raise CellError(CellProblem.YES_NO_UNREADABLE, f"Isian “{text(cell)}” harus Ya atau Tidak.")


def parse_rt_rw(cell: object) -> tuple[str, str]:
    """``003/005``, ``3/5``, ``RT 03 RW 05`` -> ("3", "5"); empty -> ("", "")."""
    raw = text(cell)
    if not raw:
        return "", ""
    numbers = re.findall(r"\d+", raw)
    if len(numbers) != 2:
        raise CellError(
            CellProblem.RT_RW_UNREADABLE,
            f"RT/RW “{raw}” tidak terbaca: tulis seperti 003/005.",
        )
    return numbers[0], numbers[1]


# ---------------------------------------------------------------------------- lookups


def _key(value: str) -> str:
    return normalise_header(value)


@dataclass(frozen=True)
class Choice:
    code: str
    name: str


class ChoiceLookup:
    """Finds a kelurahan or job type by code or by name, leniently; suggests the closest name.

    ``noun`` names the thing in messages ("Kelurahan", "Jenis pekerjaan").
    """

    # Below this similarity (0-100) a suggestion is more confusing than helpful.
    SUGGESTION_CUTOFF = 60

    def __init__(self, choices: Iterable[Choice], *, noun: str, problem: CellProblem) -> None:
        self.noun = noun
        self.problem = problem
        self._by_key: dict[str, str] = {}
        self._names: dict[str, str] = {}
        for choice in choices:
            self._names[choice.code] = choice.name
            self._by_key[_key(choice.code)] = choice.code
            self._by_key[choice.code] = choice.code
            self._by_key[_key(choice.name)] = choice.code
        self._name_keys = {_key(name): code for code, name in self._names.items()}
        self._cache: dict[str, str] = {}

    def name_of(self, code: str) -> str:
        return self._names.get(code, code)

    def code_for(self, cell: object) -> str:
        """The code of the choice the cell names; "" for an empty cell."""
        raw = text(cell)
        if not raw:
            return ""
        if raw in self._cache:
            return self._cache[raw]
        code = self._by_key.get(raw) or self._by_key.get(_key(raw))
        if code is None:
            code = self._by_key.get(
                _key(re.sub(r"^(kelurahan|kel|desa)\b\.?", "", raw, flags=re.IGNORECASE))
            )
        if code is None:
            raise CellError(self.problem, self._unknown_message(raw))
        self._cache[raw] = code
        return code

    def suggestion(self, raw: str) -> str | None:
        found = process.extractOne(
            _key(raw),
            list(self._name_keys),
            scorer=fuzz.ratio,
            score_cutoff=self.SUGGESTION_CUTOFF,
        )
        if found is None:
            return None
        return self._names[self._name_keys[found[0]]]

    def _unknown_message(self, raw: str) -> str:
        suggestion = self.suggestion(raw)
        message = f"{self.noun} “{raw}” tidak dikenal."
        if suggestion:
            message += f" Mungkin maksudnya “{suggestion}”?"
        return message


class JobTypeLookup:
    """Finds a job type by its code, its name or any other name people use for it, as the
    person form does (registry.job_names); suggests one only when it is likely right."""

    def __init__(self, names: JobNames) -> None:
        self.names = names
        self._cache: dict[str, str] = {}

    def name_of(self, code: str) -> str:
        return self.names.name_of(code)

    def code_for(self, cell: object) -> str:
        """The code of the job type the cell names; "" for an empty cell."""
        raw = text(cell)
        if not raw:
            return ""
        code = self._cache.get(raw)
        if code is None:
            code = self.names.code_for(raw)
            if code is None:
                raise CellError(CellProblem.OCCUPATION_UNKNOWN, self.names.unknown_message(raw))
            self._cache[raw] = code
        return code


def choices_from(pairs: Mapping[str, str]) -> list[Choice]:
    return [Choice(code, name) for code, name in pairs.items()]


# ---------------------------------------------------------------------------- desil lists


class DesilColumn(StrEnum):
    NIK = "nik"
    KK_NUMBER = "kk_number"
    DESIL = "desil"
    RANKED_ON = "ranked_on"
    IGNORE = "ignore"


# A DTSEN list as a Dinas receives it: no public format exists, so the spellings met in
# such lists (and in the DTKS before it).
DESIL_HEADERS = HeaderSpec(
    {
        DesilColumn.NIK: _SYNONYMS[ImportField.NIK] + ("nik art", "nik anggota"),
        DesilColumn.KK_NUMBER: _SYNONYMS[ImportField.KK_NUMBER] + ("no kk krt", "nokk"),
        DesilColumn.DESIL: (
            "desil",
            "desil dtsen",
            "peringkat desil",
            "desil kesejahteraan",
            "kelompok desil",
            "status kesejahteraan",
        ),
        DesilColumn.RANKED_ON: (
            "tanggal pemeringkatan",
            "tgl pemeringkatan",
            "tanggal peringkat",
            "periode",
            "periode data",
            "periode pemeringkatan",
            "tanggal data",
            "bulan data",
        ),
        DesilColumn.IGNORE: ("no", "no urut", "nama", "nama lengkap", "alamat", "sumber"),
    },
    # A desil list names who (by NIK or by KK) and their desil.
    is_header=lambda found: (
        DesilColumn.DESIL in found and bool({DesilColumn.NIK, DesilColumn.KK_NUMBER} & set(found))
    ),
    ignored=DesilColumn.IGNORE,
)

_DESIL_TEXT = re.compile(r"(?:desil\s*)?(\d{1,2})(?:[.,]0+)?", re.IGNORECASE)


def parse_desil(cell: object) -> int:
    """``2``, ``2.0``, ``"Desil 2"`` -> 2; anything not a whole number 1 to 10 is refused."""
    raw = text(cell)
    match = _DESIL_TEXT.fullmatch(raw) if not isinstance(cell, bool) else None
    value = int(match[1]) if match else None
    if value is None or not 1 <= value <= 10:
        shown = raw or "kosong"
        raise CellError(
            CellProblem.NUMBER_UNREADABLE,
            f"desil harus bilangan 1 sampai 10, tertulis “{shown}”.",
        )
    return value


_MONTH_YEAR = re.compile(r"([a-z]+)\.?\s*[-/ ]?\s*(\d{4})")
_NUMERIC_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[-/.]\s*(\d{4})|(\d{4})\s*[-/.]\s*(\d{1,2})")


def parse_ranking_date(cell: object, *, today: date) -> date | None:
    """The date of a ranking: a date in any form `parse_date` reads, or a period written as a
    month (``Maret 2026``, ``03/2026``, ``2026-03``), taken as its first day. Never after
    today; None when empty."""
    noun = "Tanggal pemeringkatan"
    if isinstance(cell, str):
        lowered = " ".join(cell.split()).lower()
        year = month = None
        if match := _MONTH_YEAR.fullmatch(lowered):
            month, year = _MONTHS.get(match[1]), int(match[2])
            if month is None:
                raise CellError(
                    CellProblem.DATE_UNREADABLE,
                    f"Nama bulan “{match[1]}” pada periode {cell.strip()} tidak dikenal.",
                )
        elif match := _NUMERIC_MONTH_YEAR.fullmatch(lowered):
            month = int(match[1] or match[4])
            year = int(match[2] or match[3])
        if year is not None and month is not None:
            if not 1 <= month <= 12:
                raise CellError(
                    CellProblem.DATE_IMPOSSIBLE, f"Periode {cell.strip()} tidak ada di kalender."
                )
            return _not_after(date(year, month, 1), today, noun)
    return parse_date(cell, today=today, noun=noun)
