"""The files exchanged with the BPJS Ketenagakerjaan branch, as plain values, one module per
kind: the registration file Rentan sends (`registration`), and the reply (`reply`) and monthly
bill (`bill`) the branch sends back, read through the one spreadsheet reader (`incoming`).
"""

from rentan.enrollment.bpjs_files.bill import BillRow, ParsedBill, parse_bill, write_bill
from rentan.enrollment.bpjs_files.incoming import FileNotReadable, Problem, RowProblem
from rentan.enrollment.bpjs_files.registration import (
    DEFAULT_COLUMNS,
    FIELD_LABELS,
    FIXED_CREATED,
    FORMAT_LABELS,
    REQUIRED_FOR_REGISTRATION,
    Column,
    Field,
    Format,
    MappingError,
    RegistrationRow,
    SheetNameError,
    cell_value,
    check_columns,
    check_sheet_name,
    checksum,
    columns_from_data,
    columns_to_data,
    missing_for_registration,
    write_registration,
)
from rentan.enrollment.bpjs_files.reply import (
    ParsedReply,
    ReplyOutcome,
    ReplyRow,
    parse_reply,
    write_reply,
)

__all__ = [
    "DEFAULT_COLUMNS",
    "FIELD_LABELS",
    "FIXED_CREATED",
    "FORMAT_LABELS",
    "REQUIRED_FOR_REGISTRATION",
    "BillRow",
    "Column",
    "Field",
    "FileNotReadable",
    "Format",
    "MappingError",
    "ParsedBill",
    "ParsedReply",
    "Problem",
    "RegistrationRow",
    "ReplyOutcome",
    "ReplyRow",
    "RowProblem",
    "SheetNameError",
    "cell_value",
    "check_columns",
    "check_sheet_name",
    "checksum",
    "columns_from_data",
    "columns_to_data",
    "missing_for_registration",
    "parse_bill",
    "parse_reply",
    "write_bill",
    "write_registration",
    "write_reply",
]
