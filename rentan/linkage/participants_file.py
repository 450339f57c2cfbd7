"""The participants file: what one region hands over so that regions can be linked.

One Parquet file per export, its columns in `PARTICIPANT_COLUMNS` (the one definition: the
writer builds its schema from it, `check_participants_file` holds a received file to it, and
docs/linkage.md says the same for people). The NIK is written as it is, or, where the regions
agree on a secret key, as HMAC-SHA256 of the NIK under that key: two files hashed with the same
key still agree on the same NIK, and a file that leaves the region holds no NIK. The file says
which in its metadata (`rentan.nik`), with a fingerprint of the key (`rentan.key_id`, an HMAC
of a fixed text, which tells keys apart without revealing them), so that files hashed
differently are refused rather than silently never matching.
"""

import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

FORMAT_NAME = "rentan-peserta-1"
NIK_PLAIN = "nik"
NIK_HASHED = "hmac-sha256"
# A shorter key could be guessed; 32 characters are what `openssl rand -hex 16` prints.
MINIMUM_KEY_LENGTH = 32
_KEY_ID_TEXT = b"rentan: sidik kunci pencocokan antarwilayah"

META_FORMAT = b"rentan.format"
META_NIK = b"rentan.nik"
META_KEY_ID = b"rentan.key_id"


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    type_words: str  # the type as the refusal names it
    meaning: str


PARTICIPANT_COLUMNS: tuple[Column, ...] = (
    Column(
        "record_id",
        pa.string(),
        "teks",
        "unique among all files linked together: region code, programme code and the record "
        "(M = membership, P = place on the approved list), e.g. 33.75/jamsos-2026/M812",
    ),
    Column(
        "nik",
        pa.string(),
        "teks",
        "the NIK (16 digits); in a hashed file HMAC-SHA256 of the NIK under the agreed key "
        "(64 lower-case hexadecimal digits)",
    ),
    Column("name", pa.string(), "teks", "full name as registered"),
    Column(
        "name_normal",
        pa.string(),
        "teks",
        "the name's comparable form (rentan.registry.names.comparable_name): no titles or "
        "degrees, one spelling of Muhammad and Siti",
    ),
    Column("birth_date", pa.date32(), "tanggal", "date of birth"),
    Column("sex", pa.string(), "teks", "L (laki-laki) or P (perempuan)"),
    Column("kelurahan_code", pa.string(), "teks", "Kemendagri code of the kelurahan/desa"),
    Column("region_code", pa.string(), "teks", "Kemendagri code of the kabupaten/kota that pays"),
    Column("programme", pa.string(), "teks", "code of the programme paying the premium"),
    Column("payer", pa.string(), "teks", "who pays: the programme's sponsor"),
    Column("period_start", pa.date32(), "tanggal", "first day of cover"),
    Column("period_end", pa.date32(), "tanggal", "last day of cover"),
)
COLUMN_NAMES = tuple(column.name for column in PARTICIPANT_COLUMNS)
SCHEMA = pa.schema([pa.field(c.name, c.type, nullable=False) for c in PARTICIPANT_COLUMNS])

_NIK = re.compile(r"\d{16}")


@dataclass(frozen=True)
class Participant:
    record_id: str
    nik: str
    name: str
    name_normal: str
    birth_date: date
    sex: str
    kelurahan_code: str
    region_code: str
    programme: str
    payer: str
    period_start: date
    period_end: date


@dataclass(frozen=True)
class FileForm:
    """How a file writes its NIKs: as they are, or hashed under the key fingerprinted."""

    nik: str
    key_id: str = ""

    @property
    def hashed(self) -> bool:
        return self.nik == NIK_HASHED


class FormatRefused(ValueError):
    """A file that is not a participants file; ``str(error)`` names the file and the column."""


class KeyRefused(ValueError):
    """A hashing key too short to keep NIKs secret."""


def check_key(key: bytes) -> bytes:
    """The key as agreed (surrounding whitespace, such as a file's last newline, dropped)."""
    key = key.strip()
    if len(key) < MINIMUM_KEY_LENGTH:
        raise KeyRefused(
            f"Kunci hash terlalu pendek ({len(key)} karakter); gunakan paling sedikit "
            f"{MINIMUM_KEY_LENGTH} karakter acak yang disepakati semua wilayah."
        )
    return key


def key_id(key: bytes) -> str:
    return hmac.new(key, _KEY_ID_TEXT, hashlib.sha256).hexdigest()[:16]


def hash_nik(nik: str, key: bytes) -> str:
    return hmac.new(key, nik.encode("ascii"), hashlib.sha256).hexdigest()


def write_participants(
    participants: Iterable[Participant], path: Path, *, key: bytes | None = None
) -> int:
    """Write the participants to `path`; with a key, their NIKs only as keyed hashes.
    Returns the number of rows written."""
    rows = list(participants)
    columns: dict[str, list[object]] = {name: [] for name in COLUMN_NAMES}
    for row in rows:
        for name in COLUMN_NAMES:
            columns[name].append(getattr(row, name))
    if key is not None:
        columns["nik"] = [hash_nik(str(nik), key) for nik in columns["nik"]]
    form = FileForm(NIK_HASHED, key_id(key)) if key is not None else FileForm(NIK_PLAIN)
    table = pa.Table.from_pydict(columns, schema=SCHEMA)
    write_table(table, path, form=form)
    return len(rows)


def write_table(table: pa.Table, path: Path, *, form: FileForm) -> None:
    """Write a table already in `SCHEMA` (the benchmark's generator builds one directly)."""
    metadata = {META_FORMAT: FORMAT_NAME.encode(), META_NIK: form.nik.encode()}
    if form.key_id:
        metadata[META_KEY_ID] = form.key_id.encode()
    pq.write_table(table.replace_schema_metadata(metadata), path, compression="zstd")


def check_participants_file(path: Path) -> FileForm:
    """The form of a participants file, after checking its columns, their types and that
    none holds an empty value; anything else is refused naming the file and the column."""
    name = path.name
    try:
        parquet = pq.ParquetFile(path)
    except FileNotFoundError:
        raise FormatRefused(f"Berkas {name} tidak ditemukan.") from None
    except (pa.ArrowInvalid, OSError) as error:
        raise FormatRefused(
            f"Berkas {name} bukan berkas Parquet peserta Rentan ({error})."
        ) from None
    schema = parquet.schema_arrow
    metadata = schema.metadata or {}
    if metadata.get(META_FORMAT) != FORMAT_NAME.encode():
        raise FormatRefused(
            f"Berkas {name} tidak ditulis dalam format peserta Rentan ({FORMAT_NAME}): "
            f"buat ulang dengan `rentan export_participants`."
        )
    for column in PARTICIPANT_COLUMNS:
        index = schema.get_field_index(column.name)
        if index < 0:
            raise FormatRefused(f"Berkas {name}: kolom “{column.name}” tidak ada.")
        found = schema.field(index).type
        if found != column.type:
            raise FormatRefused(
                f"Berkas {name}: kolom “{column.name}” harus berisi {column.type_words} "
                f"({column.type}), tertulis {found}."
            )
        empty = _null_count(parquet, index)
        if empty:
            raise FormatRefused(
                f"Berkas {name}: kolom “{column.name}” kosong di {empty} baris; "
                f"setiap kolom wajib diisi."
            )
    for extra in sorted(set(schema.names) - set(COLUMN_NAMES)):
        raise FormatRefused(
            f"Berkas {name}: kolom “{extra}” tidak dikenal dalam format {FORMAT_NAME}."
        )
    nik_form = metadata.get(META_NIK, b"").decode()
    if nik_form not in (NIK_PLAIN, NIK_HASHED):
        raise FormatRefused(
            f"Berkas {name}: kolom “nik” tidak menyebut bentuknya (NIK atau hash NIK)."
        )
    return FileForm(nik_form, metadata.get(META_KEY_ID, b"").decode())


def check_same_form(paths: Sequence[Path], forms: Sequence[FileForm]) -> FileForm:
    """The one form all files share: NIKs compare only when written the same way."""
    first = forms[0]
    for path, form in zip(paths, forms, strict=True):
        if form == first:
            continue
        if form.hashed != first.hashed:
            raise FormatRefused(
                f"Berkas {path.name}: kolom “nik” berisi "
                f"{'hash NIK' if form.hashed else 'NIK'}, sedangkan berkas {paths[0].name} "
                f"berisi {'hash NIK' if first.hashed else 'NIK'}; semua berkas harus sama."
            )
        raise FormatRefused(
            f"Berkas {path.name}: kolom “nik” di-hash dengan kunci lain daripada berkas "
            f"{paths[0].name}; semua wilayah harus memakai kunci yang sama."
        )
    return first


def looks_like_nik(value: str) -> bool:
    return bool(_NIK.fullmatch(value))


def _null_count(parquet: pq.ParquetFile, index: int) -> int:
    """Empty values of a column, from the statistics every row group keeps (no data read).
    A writer that kept no statistics is trusted: the engines read empty as no agreement."""
    total = 0
    metadata = parquet.metadata
    for group in range(metadata.num_row_groups):
        statistics = metadata.row_group(group).column(index).statistics
        if statistics is not None and statistics.has_null_count:
            total += statistics.null_count
    return total
