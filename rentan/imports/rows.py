"""Turning spreadsheet rows into checked person drafts, row by row, naming every problem.

Each problem names the row as Excel shows it, the column as the file's own header spells it,
the value found and a reason member with its Indonesian sentence. The checks on the person
themselves are the registry's (rentan.registry.validation.check_person), so a form and an
import judge a record the same way.

Pure: no ORM, settings or HTTP; what the checks need to know comes in an ImportContext.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from rentan.core.safe_files import printable
from rentan.imports.cells import (
    FIELD_LABELS,
    REQUIRED_FIELDS,
    CellError,
    CellProblem,
    ChoiceLookup,
    ImportField,
    JobTypeLookup,
    column_has_numbers,
    identity_text,
    is_blank,
    parse_birth_date,
    parse_rt_rw,
    parse_sex,
    parse_whole_number,
    parse_yes_no,
    text,
)
from rentan.imports.reading import SheetRow
from rentan.registry.nik import PROVINCE_CODES, NikError, Sex, birth_date_and_sex
from rentan.registry.phone import PhoneError, normalise_optional_phone
from rentan.registry.validation import (
    MAX_LENGTHS,
    SEXES,
    PersonDraft,
    PersonField,
    RegistryContext,
    check_person,
    tidy_name,
)

# Which import column a registry problem belongs to.
_COLUMN_OF_PERSON_FIELD: dict[PersonField, tuple[ImportField, ...]] = {
    PersonField.NIK: (ImportField.NIK,),
    PersonField.KK_NUMBER: (ImportField.KK_NUMBER,),
    PersonField.NAME: (ImportField.NAME,),
    PersonField.BIRTH_PLACE: (ImportField.BIRTH_PLACE,),
    PersonField.BIRTH_DATE: (ImportField.BIRTH_DATE,),
    PersonField.SEX: (ImportField.SEX,),
    PersonField.STREET_ADDRESS: (ImportField.STREET_ADDRESS,),
    PersonField.RT: (ImportField.RT, ImportField.RT_RW),
    PersonField.RW: (ImportField.RW, ImportField.RT_RW),
    PersonField.KELURAHAN: (ImportField.KELURAHAN,),
    PersonField.PHONE: (ImportField.PHONE,),
    PersonField.OCCUPATION: (ImportField.OCCUPATION,),
    PersonField.MONTHLY_INCOME: (ImportField.MONTHLY_INCOME,),
    PersonField.DEPENDENTS: (ImportField.DEPENDENTS,),
    PersonField.DISABILITY_NOTE: (ImportField.DISABILITY_NOTE,),
    PersonField.MOTHER_NAME: (ImportField.MOTHER_NAME,),
}


@dataclass(frozen=True)
class RowIssue:
    row: int  # as Excel shows it
    column: str  # the file's own header, or the field's name when the column is missing
    field: str  # ImportField value
    problem: str  # the value of a reason member (CellProblem, NikProblem, PhoneProblem, ...)
    message: str
    value: str
    is_warning: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "column": self.column,
            "field": self.field,
            "problem": self.problem,
            "message": self.message,
            "value": self.value,
            "is_warning": self.is_warning,
        }


@dataclass
class RowOutcome:
    number: int
    cells: list[object]
    draft: PersonDraft
    issues: list[RowIssue] = field(default_factory=list)

    @property
    def errors(self) -> list[RowIssue]:
        return [issue for issue in self.issues if not issue.is_warning]

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ImportContext:
    registry: RegistryContext
    kelurahan: ChoiceLookup
    occupations: JobTypeLookup
    # Kelurahan codes the importing user may fill; None: any kelurahan of the programme.
    allowed_kelurahan: frozenset[str] | None = None
    # Used where the file has no kelurahan column, or the cell is empty.
    default_kelurahan: str = ""


@dataclass(frozen=True)
class Columns:
    """Which column holds which field, and how the file spells each header."""

    fields: Mapping[int, ImportField]
    headers: Mapping[int, str]

    def index_of(self, wanted: ImportField) -> int | None:
        for index, found in self.fields.items():
            if found is wanted:
                return index
        return None

    def label(self, wanted: ImportField) -> str:
        index = self.index_of(wanted)
        if index is not None and self.headers.get(index):
            return self.headers[index]
        return FIELD_LABELS[wanted]

    def missing_required(self) -> list[ImportField]:
        present = set(self.fields.values())
        return [f for f in REQUIRED_FIELDS if f not in present]


def plain_cell(cell: object) -> object:
    """A cell as a JSON value, for the staging table and the error file."""
    if type(cell) is str:
        return cell if cell.strip() else ""
    if is_blank(cell):
        return ""
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, date | time):
        return cell.isoformat()
    if isinstance(cell, timedelta):
        return str(cell)
    if isinstance(cell, str | int | float | bool):
        return cell
    return str(cell)


def _consent(cell: object) -> bool:
    """Whether the person agreed to be recorded: a file or form that asks and is told no
    brings nobody in; an empty cell is a file that did not ask (the Dinas records people
    as a public-service task, UU 27/2022 Ps. 20(2)(e))."""
    return True if is_blank(cell) else parse_yes_no(cell)


def _is_number(cell: object) -> bool:
    # Digits alone are how a NIK typed as text arrives: no need for the regular expressions.
    if type(cell) is str and cell.isdigit():
        return False
    return column_has_numbers((cell,))


# Far above any informal worker's monthly income, and within the registry's integer column.
MAX_MONTHLY_INCOME = 1_000_000_000


def _income(cell: object) -> int | None:
    value = parse_whole_number(cell, noun="Penghasilan")
    if value is not None and value > MAX_MONTHLY_INCOME:
        raise CellError(
            CellProblem.NUMBER_UNREADABLE,
            f"Penghasilan {value} per bulan tidak masuk akal; tulis dalam rupiah, mis. 1500000.",
        )
    return value


class RowChecker:
    """Reads the data rows of one file in order; remembers NIKs seen to catch repeats."""

    def __init__(
        self,
        *,
        columns: Columns,
        context: ImportContext,
        nik_has_numbers: bool,
        kk_has_numbers: bool,
    ) -> None:
        self.columns = columns
        self.context = context
        self.nik_has_numbers = nik_has_numbers
        self.kk_has_numbers = kk_has_numbers
        # Keyed by the NIK as a number (a valid NIK starts with a province code, never 0): half
        # the memory of the text over a million rows.
        self._first_row_of_nik: dict[int, int] = {}
        self._dates: dict[str, date | None] = {}
        self._index = {f: columns.index_of(f) for f in ImportField}
        self._labels = {f: columns.label(f) for f in ImportField}
        self._mapped = [i for i, f in columns.fields.items() if f is not ImportField.IGNORE]
        self._clean = _CleanRows(self)

    @classmethod
    def for_rows(
        cls, rows: Iterable[SheetRow], *, columns: Columns, context: ImportContext
    ) -> "RowChecker":
        """Looks at the NIK and KK columns of `rows` first: Excel numbers there change how
        NIKs ending in 0 are judged (see rentan.registry.nik)."""
        nik = columns.index_of(ImportField.NIK)
        kk = columns.index_of(ImportField.KK_NUMBER)
        nik_has_numbers = kk_has_numbers = False
        for row in rows:
            cells = row.cells
            if not nik_has_numbers and nik is not None and nik < len(cells):
                nik_has_numbers = _is_number(cells[nik])
            if not kk_has_numbers and kk is not None and kk < len(cells):
                kk_has_numbers = _is_number(cells[kk])
        return cls(
            columns=columns,
            context=context,
            nik_has_numbers=nik_has_numbers,
            kk_has_numbers=kk_has_numbers,
        )

    def check_all(self, rows: Iterable[SheetRow]) -> Iterator[RowOutcome]:
        quickly, fully = self._clean.outcome, self.check_fully
        for row in rows:
            outcome = quickly(row) or fully(row)
            if outcome is not None:
                yield outcome

    def _cell(self, cells: list[object], wanted: ImportField) -> object:
        index = self._index[wanted]
        if index is None or index >= len(cells):
            return None
        return cells[index]

    def check(self, row: SheetRow) -> RowOutcome | None:
        """The outcome of one data row; None for an empty row."""
        return self.check_quickly(row) or self.check_fully(row)

    def check_quickly(self, row: SheetRow) -> RowOutcome | None:
        """The outcome of a plainly clean row (no error, no warning, a NIK not seen before),
        else None: most rows of a file, at a fraction of the cost of :meth:`check_fully`."""
        return self._clean.outcome(row)

    def check_fully(self, row: SheetRow) -> RowOutcome | None:
        """The outcome of one data row, every cell read and checked in full (what
        :meth:`check` falls back to for any row that is not plainly clean)."""
        cells = row.cells
        if all(is_blank(cells[i]) if i < len(cells) else True for i in self._mapped):
            return None
        issues: list[RowIssue] = []
        failed: set[ImportField] = set()
        if row.control_columns:
            cells = self._without_control(row, issues, failed)

        def read(wanted: ImportField, reader: Callable[[object], Any], default: Any) -> Any:
            cell = self._cell(cells, wanted)
            try:
                return reader(cell)
            except CellError as error:
                failed.add(wanted)
                issues.append(self._issue(row.number, wanted, error.problem, str(error), cell))
                return default

        if not read(ImportField.CONSENT, _consent, True):
            issues.append(
                self._issue(
                    row.number,
                    ImportField.CONSENT,
                    CellProblem.NO_CONSENT,
                    f"{CellProblem.NO_CONSENT.label}: data orang ini tidak boleh disimpan.",
                    self._cell(cells, ImportField.CONSENT),
                )
            )
        birth_date = read(ImportField.BIRTH_DATE, self._birth_date, None)
        sex = read(ImportField.SEX, parse_sex, "")
        rt, rw = text(self._cell(cells, ImportField.RT)), text(self._cell(cells, ImportField.RW))
        if self._index[ImportField.RT_RW] is not None:
            rt, rw = read(ImportField.RT_RW, parse_rt_rw, ("", ""))
        kelurahan = self._kelurahan(row.number, cells, issues, failed)
        occupation = read(ImportField.OCCUPATION, self.context.occupations.code_for, "")
        income = read(ImportField.MONTHLY_INCOME, _income, None)
        dependents = read(
            ImportField.DEPENDENTS,
            lambda c: parse_whole_number(c, noun="Jumlah tanggungan"),
            0,
        )
        draft = PersonDraft(
            nik=identity_text(self._cell(cells, ImportField.NIK)),
            kk_number=identity_text(self._cell(cells, ImportField.KK_NUMBER)),
            name=text(self._cell(cells, ImportField.NAME)),
            birth_place=text(self._cell(cells, ImportField.BIRTH_PLACE)),
            birth_date=birth_date,
            sex=sex,
            street_address=text(self._cell(cells, ImportField.STREET_ADDRESS)),
            rt=rt,
            rw=rw,
            kelurahan_code=kelurahan,
            phone=self._phone_cell(cells),
            occupation_code=occupation,
            monthly_income=income,
            dependents=dependents or 0,
            has_disability=read(ImportField.HAS_DISABILITY, parse_yes_no, False),
            disability_note=text(self._cell(cells, ImportField.DISABILITY_NOTE)),
            # Optional here: BPJS asks for it at registration, where its absence is warned of.
            mother_name=text(self._cell(cells, ImportField.MOTHER_NAME)),
        )
        checked = check_person(
            draft,
            self.context.registry,
            nik_column_has_numbers=self.nik_has_numbers,
            kk_column_has_numbers=self.kk_has_numbers,
        )
        for found in checked.issues:
            wanted = _COLUMN_OF_PERSON_FIELD[found.field]
            target = next((f for f in wanted if self._index[f] is not None), wanted[0])
            if target in failed:
                continue  # the cell reader already said what is wrong with this cell
            issues.append(
                self._issue(
                    row.number,
                    target,
                    found.problem,
                    found.message,
                    self._cell(cells, target),
                    is_warning=found.is_warning,
                )
            )
        if checked.is_valid and not any(not i.is_warning for i in issues):
            first = self._first_row_of_nik.setdefault(int(str(draft.nik)), row.number)
            if first != row.number:
                issues.append(
                    self._issue(
                        row.number,
                        ImportField.NIK,
                        CellProblem.NIK_REPEATED_IN_FILE,
                        f"NIK ini sudah tertulis di baris {first}; satu orang cukup satu baris.",
                        self._cell(cells, ImportField.NIK),
                    )
                )
        return RowOutcome(row.number, [plain_cell(c) for c in cells], draft, issues)

    def _without_control(
        self, row: SheetRow, issues: list[RowIssue], failed: set[ImportField]
    ) -> list[object]:
        """Each cell holding a control character is an error of its row and column; the
        cells go on with the character shown as U+FFFD, so the error list and file can show
        them (the row is refused either way)."""
        cells = list(row.cells)
        for index in row.control_columns:
            wanted = self.columns.fields.get(index, ImportField.IGNORE)
            failed.add(wanted)
            raw = str(cells[index])
            cells[index] = printable(raw)
            character = next(c for c in raw if printable(c) != c) if printable(raw) != raw else ""
            issues.append(
                RowIssue(
                    row=row.number,
                    column=self.columns.headers.get(index) or f"kolom {index + 1}",
                    field=wanted.value,
                    problem=CellProblem.CONTROL_CHARACTER.value,
                    message=(
                        f"{CellProblem.CONTROL_CHARACTER.label}: karakter "
                        f"U+{ord(character):04X}; ketik ulang isi sel ini."
                        if character
                        else f"{CellProblem.CONTROL_CHARACTER.label}; ketik ulang isi sel ini."
                    ),
                    value=printable(raw)[:200],
                )
            )
        return cells

    def _birth_date(self, cell: object) -> date | None:
        # Many people of a file share a birth date as typed: read each spelling once.
        if type(cell) is not str:
            return parse_birth_date(cell, today=self.context.registry.today)
        try:
            return self._dates[cell]
        except KeyError:
            value = self._dates[cell] = parse_birth_date(cell, today=self.context.registry.today)
            return value

    def _phone_cell(self, cells: list[object]) -> object:
        cell = self._cell(cells, ImportField.PHONE)
        return "" if is_blank(cell) else cell

    def _kelurahan(
        self, number: int, cells: list[object], issues: list[RowIssue], failed: set[ImportField]
    ) -> str:
        cell = self._cell(cells, ImportField.KELURAHAN)
        try:
            code = self.context.kelurahan.code_for(cell)
        except CellError as error:
            failed.add(ImportField.KELURAHAN)
            issues.append(
                self._issue(number, ImportField.KELURAHAN, error.problem, str(error), cell)
            )
            return ""
        code = code or self.context.default_kelurahan
        allowed = self.context.allowed_kelurahan
        if code and allowed is not None and code not in allowed:
            failed.add(ImportField.KELURAHAN)
            issues.append(
                self._issue(
                    number,
                    ImportField.KELURAHAN,
                    CellProblem.KELURAHAN_NOT_YOURS,
                    f"Kelurahan {self.context.kelurahan.name_of(code)} bukan wilayah tugas "
                    f"Anda; Anda hanya dapat mengimpor data kelurahan Anda sendiri.",
                    cell,
                )
            )
        return code

    def _issue(
        self,
        number: int,
        wanted: ImportField,
        problem: object,
        message: str,
        cell: object,
        *,
        is_warning: bool = False,
    ) -> RowIssue:
        return RowIssue(
            row=number,
            column=self._labels[wanted],
            field=wanted.value,
            problem=str(getattr(problem, "value", problem)),
            message=message,
            value=text(cell),
            is_warning=is_warning,
        )


# A reader's answer for a cell that needs the full check (an error, a warning, an odd value).
_NOT_CLEAN: Any = object()
# Distinct cell values remembered per column: bounds the memory a file of a million different
# names or addresses can take, while the repeated values (dates, places, kelurahan, job types,
# RT and RW) stay remembered.
_MEMO_LIMIT = 50_000


def _clean_rt_rw_part(value: object) -> Any:
    # check_person's RT/RW rule: the three-digit text, or _NOT_CLEAN.
    part = str(value or "").strip()
    if part and not (part.isdigit() and len(part) <= 3):
        return _NOT_CLEAN
    return part.zfill(3) if part else ""


class _CleanRows:
    """The fast path of :meth:`RowChecker.check`.

    Most rows of a kelurahan file are clean. Such a row gets its outcome here, from per-column
    memos of the values already read and without building issues that would be thrown away.
    Every other row (any error or warning, a NIK seen before, a cell of an unusual form) gets
    None and is checked in full by :meth:`RowChecker.check_fully`, so every message comes from
    one place. What counts as clean follows the cell readers and check_person exactly; the
    tests hold both paths to the same outcome on messy rows.
    """

    def __init__(self, checker: RowChecker) -> None:
        self.checker = checker
        context = checker.context
        self.registry = context.registry
        self.today = context.registry.today
        index = checker._index
        self.nik_at = index[ImportField.NIK]
        self.kk_at = index[ImportField.KK_NUMBER]
        self.phone_at = index[ImportField.PHONE]
        self.has_rt_rw = index[ImportField.RT_RW] is not None
        # (PersonDraft attribute, column index, memo, reader) for the fields read from their
        # cell alone; a field without a column has one value for every row.
        self.readers: list[tuple[str, int, dict[object, Any], Callable[[object], Any]]] = []
        self.defaults: dict[str, Any] = {}
        for wanted, attribute, reader in (
            (ImportField.NAME, "name", self._name),
            (ImportField.BIRTH_PLACE, "birth_place", self._birth_place),
            (ImportField.BIRTH_DATE, "birth_date", self._birth_date),
            (ImportField.SEX, "sex", self._sex),
            (ImportField.STREET_ADDRESS, "street_address", self._street_address),
            (ImportField.RT, "rt", _rt_or_rw),
            (ImportField.RW, "rw", _rt_or_rw),
            (ImportField.RT_RW, "rt_rw", self._rt_rw),
            (ImportField.KELURAHAN, "kelurahan_code", self._kelurahan),
            (ImportField.OCCUPATION, "occupation_code", self._occupation),
            (ImportField.MONTHLY_INCOME, "monthly_income", self._monthly_income),
            (ImportField.DEPENDENTS, "dependents", self._dependents),
            (ImportField.HAS_DISABILITY, "has_disability", self._has_disability),
            (ImportField.DISABILITY_NOTE, "disability_note", self._disability_note),
            (ImportField.MOTHER_NAME, "mother_name", self._mother_name),
            (ImportField.CONSENT, "consent", self._consent),
        ):
            at = index[wanted]
            if at is None:
                self.defaults[attribute] = reader(None)
            else:
                self.readers.append((attribute, at, {}, reader))
        # A required column missing, or the kelurahan left to a default the user may not fill.
        self.is_possible = self.nik_at is not None and _NOT_CLEAN not in self.defaults.values()
        self._nik_dates: dict[str, tuple[date, Sex] | None] = {}
        self._districts: dict[str, bool] = {}

    def outcome(self, row: SheetRow) -> RowOutcome | None:
        if not self.is_possible or row.control_columns:
            return None
        cells = row.cells
        count = len(cells)
        nik_at = self.nik_at
        nik = self._nik(cells[nik_at] if nik_at is not None and nik_at < count else None)
        if nik is _NOT_CLEAN:
            return None
        values = self.defaults.copy()
        for attribute, at, memo, reader in self.readers:
            cell = cells[at] if at < count else None
            if cell is None or type(cell) is str:
                try:
                    value = memo[cell]
                except KeyError:
                    value = reader(cell)
                    if len(memo) < _MEMO_LIMIT:
                        memo[cell] = value
            else:
                value = reader(cell)
            if value is _NOT_CLEAN:
                return None
            values[attribute] = value
        if nik[1] != values["birth_date"] or nik[2] != values["sex"]:
            return None
        kk_at, phone_at = self.kk_at, self.phone_at
        kk = self._kk(cells[kk_at] if kk_at is not None and kk_at < count else None)
        phone = self._phone(cells[phone_at] if phone_at is not None and phone_at < count else None)
        if kk is _NOT_CLEAN or phone is _NOT_CLEAN:
            return None
        number = row.number
        if self.checker._first_row_of_nik.setdefault(int(nik[0]), number) != number:
            return None
        if self.has_rt_rw:
            values["rt"], values["rw"] = values["rt_rw"]
        del values["rt_rw"], values["consent"]
        if not values["has_disability"]:
            values["disability_note"] = ""
        draft = PersonDraft(nik=nik[0], kk_number=kk, phone=phone, **values)
        # A str that is not all spaces is its own plain value (isspace() copies nothing).
        plain = [c if type(c) is str and c and not c.isspace() else plain_cell(c) for c in cells]
        return RowOutcome(number, plain, draft, [])

    # Each reader gives the value the full check would store, or _NOT_CLEAN.

    def _nik(self, cell: object) -> Any:
        """(NIK, birth date, sex) of a NIK that parse_nik accepts without a finding."""
        if type(cell) is not str:
            return _NOT_CLEAN
        nik = cell.strip().lstrip("'")  # identity_text
        if len(nik) != 16:
            nik = "".join(nik.split())  # "3375 0145 0185 0001", as parse_nik reads it
        if not (len(nik) == 16 and nik.isdigit() and nik.isascii()):
            return _NOT_CLEAN
        if (self.checker.nik_has_numbers and nik[15] == "0") or nik[:2] not in PROVINCE_CODES:
            return _NOT_CLEAN
        if nik[12:] == "0000":
            return _NOT_CLEAN
        born = self._nik_dates.get(nik[6:12], _NOT_CLEAN)
        if born is _NOT_CLEAN:
            try:
                born = birth_date_and_sex(nik, today=self.today)
            except NikError:
                born = None
            self._nik_dates[nik[6:12]] = born
        if born is None:
            return _NOT_CLEAN
        known = self._districts.get(nik[:6])
        if known is None:
            district = f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}"
            known = self._districts[nik[:6]] = self.registry.district_name(district) is not None
        if not known:
            return _NOT_CLEAN  # a warning, said by the full check
        return nik, born[0], born[1]

    def _kk(self, cell: object) -> Any:
        if cell is None:
            return ""
        if type(cell) is not str:
            return _NOT_CLEAN
        kk = cell.strip().lstrip("'")  # identity_text
        if not kk:
            return ""
        if len(kk) != 16:
            kk = "".join(kk.split())
        if not (len(kk) == 16 and kk.isdigit() and kk.isascii()):
            return _NOT_CLEAN
        if (self.checker.kk_has_numbers and kk[15] == "0") or kk[:2] not in PROVINCE_CODES:
            return _NOT_CLEAN
        return kk

    @staticmethod
    def _phone(cell: object) -> Any:
        # The common form, 08 and 8 to 11 more digits, as normalise_phone reads it.
        if (
            type(cell) is str
            and 10 <= len(cell) <= 13
            and cell[:2] == "08"
            and cell.isdigit()
            and cell.isascii()
        ):
            return f"+62{cell[1:]}"
        try:
            return normalise_optional_phone("" if is_blank(cell) else cell)
        except PhoneError:
            return _NOT_CLEAN

    @staticmethod
    def _name(cell: object) -> Any:
        name = tidy_name(text(cell))
        if not name or any(ch.isdigit() for ch in name) or len(name) > MAX_LENGTHS["name"]:
            return _NOT_CLEAN
        return name

    @staticmethod
    def _mother_name(cell: object) -> Any:
        # Optional: an empty cell is clean (check_person's rule).
        name = tidy_name(text(cell))
        if any(ch.isdigit() for ch in name) or len(name) > MAX_LENGTHS["mother_name"]:
            return _NOT_CLEAN
        return name

    @staticmethod
    def _birth_place(cell: object) -> Any:
        place = " ".join(text(cell).split()).title()
        return place if len(place) <= MAX_LENGTHS["birth_place"] else _NOT_CLEAN

    @staticmethod
    def _street_address(cell: object) -> Any:
        address = " ".join(text(cell).split())
        return address if len(address) <= MAX_LENGTHS["street_address"] else _NOT_CLEAN

    @staticmethod
    def _disability_note(cell: object) -> Any:
        note = text(cell)
        return note if len(note) <= MAX_LENGTHS["disability_note"] else _NOT_CLEAN

    def _birth_date(self, cell: object) -> Any:
        try:
            value = self.checker._birth_date(cell)
        except CellError:
            return _NOT_CLEAN
        return _NOT_CLEAN if value is None else value

    @staticmethod
    def _sex(cell: object) -> Any:
        try:
            value = parse_sex(cell).strip().upper()[:1]
        except CellError:
            return _NOT_CLEAN
        return value if value in SEXES else _NOT_CLEAN

    @staticmethod
    def _rt_rw(cell: object) -> Any:
        try:
            rt, rw = parse_rt_rw(cell)
        except CellError:
            return _NOT_CLEAN
        rt, rw = _clean_rt_rw_part(rt), _clean_rt_rw_part(rw)
        return _NOT_CLEAN if rt is _NOT_CLEAN or rw is _NOT_CLEAN else (rt, rw)

    def _kelurahan(self, cell: object) -> Any:
        context = self.checker.context
        try:
            code = context.kelurahan.code_for(cell) or context.default_kelurahan
        except CellError:
            return _NOT_CLEAN
        allowed = context.allowed_kelurahan
        if not code or (allowed is not None and code not in allowed):
            return _NOT_CLEAN
        return code if code in self.registry.kelurahan_codes else _NOT_CLEAN

    def _occupation(self, cell: object) -> Any:
        try:
            code = self.checker.context.occupations.code_for(cell)
        except CellError:
            return _NOT_CLEAN
        return code if code and code in self.registry.occupation_codes else _NOT_CLEAN

    @staticmethod
    def _monthly_income(cell: object) -> Any:
        try:
            value = _income(cell)
        except CellError:
            return _NOT_CLEAN
        return _NOT_CLEAN if value is not None and value < 0 else value

    @staticmethod
    def _dependents(cell: object) -> Any:
        try:
            value = parse_whole_number(cell, noun="Jumlah tanggungan") or 0
        except CellError:
            return _NOT_CLEAN
        return value if 0 <= value <= 20 else _NOT_CLEAN

    @staticmethod
    def _consent(cell: object) -> Any:
        try:
            return True if _consent(cell) else _NOT_CLEAN
        except CellError:
            return _NOT_CLEAN

    @staticmethod
    def _has_disability(cell: object) -> Any:
        try:
            return parse_yes_no(cell)
        except CellError:
            return _NOT_CLEAN


def _rt_or_rw(cell: object) -> Any:
    return _clean_rt_rw_part(text(cell))
