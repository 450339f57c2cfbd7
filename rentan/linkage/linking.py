"""Who is covered twice: the Splink model that links participants files, the same on every
engine.

The files are read into one table (`engines`), and every pair of records that one of the
blocking rules brings together is scored by the Fellegi-Sunter model: each field's agreement
level weighed by how often it agrees for the same person (m) against how often it agrees by
chance between different people (u). Only pairs that could be a double cover are ever
formed: two regions, or one region and another payer, whose periods of cover overlap.

The m of each level is set here from what a second entry of the same person looks like (a NIK
one digit off or two digits swapped, a name written another way, a birth date off by days or
with day and month swapped); u, the chance agreement, and the share of pairs that are the same
person are estimated from the files themselves, so a common name proves less in a province of
many Siti Aminahs. A NIK hashed under the regions' key can only agree or not: its one-digit and
swap levels, and the blocking on its parts, apply to plain NIKs only.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator

from rentan.core.exports import csv_writer
from rentan.linkage.engines import DuckDBEngine, Engine
from rentan.linkage.participants_file import (
    FileForm,
    check_participants_file,
    check_same_form,
)

# A pair more likely one person than two. Over the country a pair's prior is a few in a
# thousand million, so the second entry with a mistyped NIK stays near this cut, while the
# pairs above it are reviewed most probable first with their evidence: measured on 2,000,000
# labelled records (bench_link), F1 is highest between 0.5 and 0.7 and falls to 0.9925 at
# 0.95, which drops one double in seventy.
DEFAULT_THRESHOLD = 0.5
# The doubles found by a shared NIK, of all doubles: the rest have a NIK mistyped and are found
# through the other fields.
SHARED_NIK_SHARE_OF_DOUBLES = 0.9
# Every pair of 2,000 records is two million pairs: each level estimated (a birth date shared
# by chance about once in 16,000 pairs) is seen a hundred times.
U_SAMPLE_RECORDS = 2_000
OUTPUT_SUFFIXES = (".parquet", ".csv")

# A pair can be a double cover only between two payers, at the same time.
_DOUBLE_COVER = (
    "(l.region_code <> r.region_code OR l.payer <> r.payer)"
    " AND l.period_start <= r.period_end AND r.period_start <= l.period_end"
)
# The keys the blocking joins on, added to the records as they are read: the engines then
# sort and join on plain columns, not on an expression worked out again at each comparison.
BLOCKING_KEYS = {
    "name_start": "substr(name_normal, 1, 3)",
    "birth_year": "year(birth_date)",
    "birth_month": "month(birth_date)",
    # the day and the month, whichever way round they were written
    "birth_day_month_low": "least(day(birth_date), month(birth_date))",
    "birth_day_month_high": "greatest(day(birth_date), month(birth_date))",
    # a plain NIK's parts: kecamatan (6 digits), birth date (6), serial (4)
    "nik_kecamatan": "substr(nik, 1, 6)",
    "nik_serial": "substr(nik, 13, 4)",
    "nik_birth_serial": "substr(nik, 7, 10)",
    "nik_kecamatan_birth": "substr(nik, 1, 12)",
}


def _same(*columns: str) -> str:
    return " AND ".join(f"l.{column} = r.{column}" for column in columns)


# Tight blocking: each rule joins on equal values only, so no block grows with the country.
_BLOCKING = (
    _same("nik"),
    # a name written another way, the birth date right
    _same("birth_date", "sex", "name_start"),
    # the name right, the birth date right or with day and month swapped
    _same("name_normal", "birth_year", "birth_day_month_low", "birth_day_month_high"),
)
# The birth date off by days (within its month), the name right, and a hashed NIK wrong. A
# plain NIK is the birth date and the kecamatan and serial: with the birth date off, it is
# either right (the first rule) or one digit off (a rule on its parts), so this rule, the
# largest of all (a common name born the same month), is needed for hashed files only.
_BLOCKING_HASHED = (_same("name_normal", "sex", "birth_year", "birth_month"),)
# Two of the three parts of a plain NIK right, whatever the name and date say: one mistyped
# digit leaves at least one of these whole (kecamatan and serial; birth date and serial;
# kecamatan and birth date).
_BLOCKING_PLAIN_NIK = (
    _same("nik_kecamatan", "nik_serial"),
    _same("nik_birth_serial"),
    _same("nik_kecamatan_birth"),
)

# Per comparison, the words for each level from the most alike down (Splink numbers them from
# the top, the last being 0; an empty value is -1).
LEVEL_WORDS: dict[str, tuple[str, ...]] = {
    "nik_birth": (
        "NIK sama",
        "NIK beda 1 digit, tanggal lahir sama",
        "2 digit NIK bertukar, tanggal lahir sama",
        "NIK beda 1 digit atau bertukar, tanggal lahir beda beberapa hari atau tertukar",
        "NIK berbeda, tanggal lahir sama",
        "NIK berbeda, tanggal lahir beda beberapa hari atau tertukar hari/bulan",
        "NIK dan tanggal lahir berbeda",
    ),
    "nik_birth_hashed": (
        "NIK sama",
        "NIK berbeda, tanggal lahir sama",
        "NIK berbeda, tanggal lahir beda beberapa hari atau tertukar hari/bulan",
        "NIK dan tanggal lahir berbeda",
    ),
    "name_normal": ("nama sama", "nama mirip", "nama agak mirip", "nama berbeda"),
    "sex": ("jenis kelamin sama", "jenis kelamin berbeda"),
    "area": ("kelurahan sama", "kabupaten/kota sama", "provinsi sama", "provinsi berbeda"),
}
# The fields named as agreeing when equal on both sides.
_AGREEING_FIELDS = (
    ("nik", "nik"),
    ("name_normal", "name"),
    ("birth_date", "birth_date"),
    ("sex", "sex"),
    ("kelurahan_code", "kelurahan_code"),
)


def _fixed_u(u: float) -> dict[str, Any]:
    return {"u_probability": u, "fix_u_probability": True}


# Two different people share a NIK, or have NIKs one digit apart and the same birth date, far
# too rarely for a random sample of a few million pairs to see it, so those u are set, not
# estimated. A NIK is unique but for registry errors (a few thousand "NIK ganda" among 270
# million people); two people born the same day have NIKs one digit apart only when their
# kecamatan codes are (a few in thousands) and their serials equal (one in tens).
_U_NIK_EXACT = _fixed_u(1e-10)
_U_NIK_DIGIT_SAME_BIRTH = _fixed_u(5e-9)
_U_NIK_SWAP_SAME_BIRTH = _fixed_u(5e-9)
_U_NIK_NEAR_NEAR_BIRTH = _fixed_u(1e-8)


def _birth_near() -> Any:
    """The birth date a few days off, or with day and month swapped."""
    return cll.Or(
        cll.AbsoluteDateDifferenceLevel(
            "birth_date", input_is_string=False, threshold=31, metric="day"
        ),
        cll.CustomLevel(
            "day(birth_date_l) = month(birth_date_r) AND month(birth_date_l) = day(birth_date_r)"
            " AND year(birth_date_l) = year(birth_date_r)"
        ),
    )


def _nik_swapped() -> Any:
    """One Damerau edit apart (a digit off, or two neighbours swapped). Two plain edits are
    asked first: Levenshtein is the engines' own, while Damerau-Levenshtein on Spark is a
    function of Splink's far slower per pair, then measured only for the few NIKs that near."""
    return cll.And(cll.LevenshteinLevel("nik", 2), cll.DamerauLevenshteinLevel("nik", 1))


def comparisons(*, hashed: bool, u: Mapping[tuple[str, int], float] | None = None) -> list[Any]:
    """The comparisons and the m of their levels (the most alike first).

    The NIK and the birth date are one comparison: a plain NIK holds the birth date, so two
    NIKs one digit apart and equal birth dates are one piece of evidence, not two (weighed
    apart, two people born the same day in neighbouring kecamatan would look like one).
    `u` holds the u estimated for (comparison, level number), the empty level being 0.
    """
    birth_exact = cll.ExactMatchLevel("birth_date")
    if hashed:
        nik_levels = [
            cll.NullLevel("nik"),
            cll.ExactMatchLevel("nik").configure(m_probability=0.90, **_U_NIK_EXACT),
            birth_exact.configure(m_probability=0.06),
            _birth_near().configure(m_probability=0.03),
            cll.ElseLevel().configure(m_probability=0.01),
        ]
    else:
        nik_levels = [
            cll.NullLevel("nik"),
            cll.ExactMatchLevel("nik").configure(m_probability=0.88, **_U_NIK_EXACT),
            # Two NIKs of 16 digits one edit apart differ in one digit. The birth date is
            # asked first: both engines then measure the edit distance of the NIKs only for
            # the few pairs born the same day or nearly, not for every pair.
            cll.And(cll.ExactMatchLevel("birth_date"), cll.LevenshteinLevel("nik", 1)).configure(
                m_probability=0.045, **_U_NIK_DIGIT_SAME_BIRTH
            ),
            # one Damerau edit and not one plain edit: two neighbouring digits swapped
            cll.And(cll.ExactMatchLevel("birth_date"), _nik_swapped()).configure(
                m_probability=0.025, **_U_NIK_SWAP_SAME_BIRTH
            ),
            cll.And(_birth_near(), _nik_swapped()).configure(
                m_probability=0.004, **_U_NIK_NEAR_NEAR_BIRTH
            ),
            birth_exact.configure(m_probability=0.02),
            _birth_near().configure(m_probability=0.015),
            cll.ElseLevel().configure(m_probability=0.011),
        ]
    name_levels = [
        cll.NullLevel("name_normal"),
        # a common name agrees by chance more often: its weight follows its frequency
        cll.ExactMatchLevel("name_normal", term_frequency_adjustments=True).configure(
            m_probability=0.80
        ),
        cll.JaroWinklerLevel("name_normal", 0.92).configure(m_probability=0.12),
        cll.JaroWinklerLevel("name_normal", 0.80).configure(m_probability=0.07),
        cll.ElseLevel().configure(m_probability=0.01),
    ]
    sex_levels = [
        cll.NullLevel("sex"),
        cll.ExactMatchLevel("sex").configure(m_probability=0.98),
        cll.ElseLevel().configure(m_probability=0.02),
    ]
    # Where the two records live: a person moves, or is registered twice, mostly nearby.
    area_levels = [
        cll.NullLevel("region_code"),
        cll.CustomLevel("kelurahan_code_l = kelurahan_code_r").configure(
            m_probability=0.10, label_for_charts="same kelurahan"
        ),
        cll.CustomLevel("region_code_l = region_code_r").configure(
            m_probability=0.15, label_for_charts="same kabupaten/kota"
        ),
        cll.CustomLevel("substr(region_code_l, 1, 2) = substr(region_code_r, 1, 2)").configure(
            m_probability=0.45, label_for_charts="same province"
        ),
        cll.ElseLevel().configure(m_probability=0.30),
    ]
    built = {
        "nik_birth": nik_levels,
        "name_normal": name_levels,
        "sex": sex_levels,
        "area": area_levels,
    }
    for (comparison, level), probability in (u or {}).items():
        built[comparison][level].configure(u_probability=probability)
    return [
        cl.CustomComparison(output_column_name=name, comparison_levels=levels)
        for name, levels in built.items()
    ]


def blocking_rules(*, hashed: bool) -> list[BlockingRuleCreator | dict[str, Any]]:
    """Each rule in SQL both DuckDB and Spark read as it is, on the columns of the files and
    `BLOCKING_KEYS`."""
    rules = (*_BLOCKING, *(_BLOCKING_HASHED if hashed else _BLOCKING_PLAIN_NIK))
    return [CustomRule(f"({rule}) AND {_DOUBLE_COVER}") for rule in rules]


def settings(*, hashed: bool, u: Mapping[tuple[str, int], float] | None = None) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=comparisons(hashed=hashed, u=u),
        blocking_rules_to_generate_predictions=blocking_rules(hashed=hashed),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=[
            "name",
            "region_code",
            "payer",
            "programme",
            "period_start",
            "period_end",
        ],
    )


@dataclass(frozen=True)
class LinkResult:
    records: int
    pairs: pa.Table  # OUTPUT_SCHEMA

    @property
    def doubles(self) -> int:
        return int(self.pairs.num_rows)


OUTPUT_SCHEMA = pa.schema(
    [
        ("match_probability", pa.float64()),
        ("match_weight", pa.float64()),
        ("kind", pa.string()),
        ("agreeing", pa.string()),
        ("evidence", pa.string()),
        *[
            (f"{column}_{side}", type_)
            for side in ("l", "r")
            for column, type_ in (
                ("record_id", pa.string()),
                ("region_code", pa.string()),
                ("payer", pa.string()),
                ("programme", pa.string()),
                ("nik", pa.string()),
                ("name", pa.string()),
                ("birth_date", pa.date32()),
                ("sex", pa.string()),
                ("kelurahan_code", pa.string()),
                ("period_start", pa.date32()),
                ("period_end", pa.date32()),
            )
        ],
    ]
)


def check_files(paths: Sequence[Path]) -> FileForm:
    """The files' shared form, or FormatRefused naming the file and column at fault."""
    return check_same_form(paths, [check_participants_file(path) for path in paths])


def link(
    paths: Sequence[Path],
    *,
    engine: Engine,
    workdir: Path,
    threshold: float = DEFAULT_THRESHOLD,
    form: FileForm | None = None,
) -> LinkResult:
    """The pairs of records of `paths` that are one person covered twice, at or above the
    match probability `threshold`, each with its evidence. `form` is the files' form when
    `check_files` has been asked already (before starting an engine, which takes a while)."""
    form = form or check_files(paths)
    estimated = estimate_from_files(paths, hashed=form.hashed, workdir=workdir)
    model = settings(hashed=form.hashed, u=estimated.u)
    model.probability_two_random_records_match = estimated.probability_two_random_records_match
    linker = Linker(engine.load(paths, BLOCKING_KEYS), model, log_level=None)
    predictions = linker.inference.predict(
        threshold_match_probability=threshold, warning_mode="never"
    )
    rows = engine.to_arrow(predictions).to_pylist()
    return LinkResult(records=estimated.records, pairs=_pairs_table(rows, hashed=form.hashed))


@dataclass(frozen=True)
class Estimated:
    """What the model takes from the files before any pair is scored."""

    records: int
    u: dict[tuple[str, int], float]  # (comparison, level number): u
    probability_two_random_records_match: float


def estimate_from_files(paths: Sequence[Path], *, hashed: bool, workdir: Path) -> Estimated:
    """The u of each level and the share of all pairs that are one person, estimated by
    DuckDB in this process whatever the engine: both are a count or a sample, the same model
    then runs on DuckDB or Spark, and Spark is spared jobs of tiny tasks.

    The share of pairs that are one person is taken from those that could be a double cover
    and share a NIK, as nine in ten of the doubles (the rest are found through the other
    fields); where no two share a NIK, as few doubles as one among all the pairs."""
    with DuckDBEngine(workdir) as sampler:
        records, shared = sampler.count_shared(paths, on="nik", where=_DOUBLE_COVER)
        u = estimate_chance_agreement(sampler, paths, hashed=hashed)
    pairs = max(records * (records - 1) // 2, 1)
    return Estimated(records, u, max(shared / SHARED_NIK_SHARE_OF_DOUBLES, 1) / pairs)


def estimate_chance_agreement(
    sampler: DuckDBEngine, paths: Sequence[Path], *, hashed: bool
) -> dict[tuple[str, int], float]:
    """The u of each level (how often it agrees by chance), estimated from every pair of a
    random sample of the records, drawn with a fixed seed: a sample of a few thousand is what
    a random-pair estimate needs. Levels whose u is set, or that no pair of the sample
    reached, are left out."""
    sample = sampler.load_sample(paths, BLOCKING_KEYS, rows=U_SAMPLE_RECORDS, seed=7)
    linker = Linker(sample, settings(hashed=hashed), log_level=None)
    if sampler.count(sample) < 2:
        return {}
    linker.training.estimate_u_using_random_sampling(
        max_pairs=U_SAMPLE_RECORDS**2 / 2, seed=7, num_chunks=1
    )
    model = linker.misc.save_model_to_json()
    estimated = {}
    for comparison in model["comparisons"]:
        for number, level in enumerate(comparison["comparison_levels"]):
            if level.get("u_probability") is not None and not level.get("fix_u_probability"):
                estimated[comparison["output_column_name"], number] = level["u_probability"]
    return estimated


def write_pairs(pairs: pa.Table, out: Path) -> None:
    """The pairs as Parquet or CSV (through core.exports: no cell read as a formula), by the
    name of the file."""
    if out.suffix.lower() == ".csv":
        with out.open("w", newline="", encoding="utf-8") as stream:
            writer = csv_writer(stream)
            writer.writerow(pairs.column_names)
            writer.writerows(row.values() for row in pairs.to_pylist())
    else:
        pq.write_table(pairs, out, compression="zstd")


def _pairs_table(rows: list[dict[str, Any]], *, hashed: bool) -> pa.Table:
    out: dict[str, list[Any]] = {name: [] for name in OUTPUT_SCHEMA.names}
    for row in sorted(rows, key=lambda r: (-r["match_probability"], r["record_id_l"])):
        evidence, agreeing = _evidence(row, hashed=hashed)
        row = {
            **row,
            "evidence": evidence,
            "agreeing": ", ".join(agreeing),
            "kind": "dua wilayah"
            if row["region_code_l"] != row["region_code_r"]
            else "pembayar lain",
            "nik_l": row["nik_l"],
            "kelurahan_code_l": row["kelurahan_code_l"],
        }
        for name in OUTPUT_SCHEMA.names:
            out[name].append(row[name])
    return pa.Table.from_pydict(out, schema=OUTPUT_SCHEMA)


def _evidence(row: dict[str, Any], *, hashed: bool) -> tuple[str, list[str]]:
    """Each comparison's level in words with its match weight (log2 of its Bayes factor,
    the name's term frequency included): "NIK beda 1 digit, tanggal lahir sama: +16,6;
    nama sama: +9,0; ...", and the fields equal on both sides."""
    parts: list[str] = []
    for comparison in ("nik_birth", "name_normal", "sex", "area"):
        gamma = int(row[f"gamma_{comparison}"])
        words = LEVEL_WORDS[
            f"{comparison}_hashed" if comparison == "nik_birth" and hashed else comparison
        ]
        if gamma < 0:
            continue
        weight = row[f"mw_{comparison}"] + (row.get(f"mw_tf_adj_{comparison}") or 0.0)
        parts.append(f"{words[len(words) - 1 - gamma]}: {_signed(weight)}")
    agreeing = [
        name for column, name in _AGREEING_FIELDS if row[f"{column}_l"] == row[f"{column}_r"]
    ]
    return "; ".join(parts), agreeing


def _signed(weight: float) -> str:
    """+16,6 or -5,0: one decimal, the decimal comma."""
    return f"{weight:+.1f}".replace(".", ",")
