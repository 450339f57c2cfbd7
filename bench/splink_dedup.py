"""The duplicate model of `registry/match_model.py` built in Splink 5 on DuckDB, to measure
the engine against Rentan's own (bench_dedup). Not part of the product: Splink is not a
dependency of Rentan; this module runs only where it is installed (`pip install splink`).

Each record is prepared by the same code as in Rentan (`match_model.prepare`: normal form of
the name, the address's parts, the NIK's birth part), so both engines compare the same
values. The levels are the same, written as SQL; u comes from random pairs and m from EM
on two blocking rules, as in `match_estimation.py`. What Splink's model cannot say is the
other u between two people at the same house (Splink keeps one u per level): that is the one
difference of the model.
"""

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from rentan.registry.dedup import DedupRecord, PairMatch, prepare_record
from rentan.registry.match_model import COMMON_NAME_WORDS, Prepared

_NIK_KEYS = 5


def _row(record: Prepared) -> dict[str, object]:
    forms = record.forms
    words = forms.distinctive.split()
    nik = record.nik or None
    keys: list[str | None] = [None] * _NIK_KEYS
    if nik and len(nik) == 16:
        opening = forms.opening

        def ordered(at: int) -> str:
            pair = nik[at : at + 2]
            return pair if pair[0] <= pair[1] else pair[::-1]

        keys = [
            f"{opening}>{nik[8:]}",
            f"{opening}<{nik[:12]}",
            f"{forms.distinctive_key}={nik[:8]}{nik[12:]}",
            f"{opening}|{nik[:7]}{ordered(7)}{nik[9:]}",
            f"{opening}/{nik[:11]}{ordered(11)}{nik[13:]}",
        ]
    explained = False
    if record.nik_birth is not None and record.birth_date is not None:
        day, month, year, sex = record.nik_birth
        explained = (day, month, year) == (
            record.birth_date.day,
            record.birth_date.month,
            record.birth_date.year % 100,
        ) and (not record.sex or record.sex == sex)
    address = record.address
    return {
        "unique_id": record.key,
        "nik": nik,
        "nik_explained": explained,
        "name": forms.name or None,
        "name_sorted": forms.sorted_name or None,
        "distinctive": forms.distinctive or None,
        "distinctive_sorted": forms.distinctive_sorted or None,
        "name_key": forms.key or None,
        "distinctive_key": forms.distinctive_key or None,
        "words": sorted(forms.words),
        "only_common": forms.words <= COMMON_NAME_WORDS,
        "first_word": words[0] if words else None,
        "last_word": words[-1] if words else None,
        "word_count": len(words),
        "birth_date": record.birth_date,
        "sex": record.sex or None,
        "kelurahan": record.kelurahan or None,
        "address": address.text or None,
        "address_key": " ".join(address.numbers) or address.text or None,
        "street": address.street or None,
        "house": address.house or None,
        "rt": address.rt or None,
        "rw": address.rw or None,
        "kk": record.kk or None,
        **{f"nik_key_{n}": key for n, key in enumerate(keys)},
    }


def _levels(*levels: tuple[str, str]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for label, sql in levels:
        level: dict[str, object] = {"sql_condition": sql, "label_for_charts": label}
        if label == "null":
            level["is_null_level"] = True
        out.append(level)
    return out


def _jw(column: str, at_least: float) -> str:
    return f"jaro_winkler_similarity({column}_l, {column}_r) >= {at_least}"


NIK_NEAR = "damerau_levenshtein(nik_l, nik_r) = 1"
COMPARISONS = [
    {
        "output_column_name": "nik",
        "comparison_levels": _levels(
            ("null", "nik_l IS NULL OR nik_r IS NULL"),
            ("exact", "nik_l = nik_r"),
            ("serial", f"{NIK_NEAR} AND substr(nik_l, 1, 12) = substr(nik_r, 1, 12)"),
            (
                "explained",
                f"{NIK_NEAR} AND substr(nik_l, 1, 6) = substr(nik_r, 1, 6) "
                "AND substr(nik_l, 13, 4) = substr(nik_r, 13, 4) "
                "AND nik_explained_l AND nik_explained_r",
            ),
            ("one_digit", "hamming(nik_l, nik_r) = 1"),
            ("swapped", NIK_NEAR),
            ("other", "ELSE"),
        ),
    },
    {
        "output_column_name": "name",
        "comparison_levels": _levels(
            ("null", "name_l IS NULL OR name_r IS NULL"),
            ("exact", "name_l = name_r"),
            (
                "close",
                "distinctive_l = distinctive_r OR name_sorted_l = name_sorted_r OR "
                + " OR ".join(_jw(c, 0.94) for c in ("name", "distinctive", "distinctive_sorted")),
            ),
            ("sounds_alike", "name_key_l = name_key_r OR distinctive_key_l = distinctive_key_r"),
            (
                "contained",
                "(list_has_all(words_l, words_r) AND NOT only_common_r) "
                "OR (list_has_all(words_r, words_l) AND NOT only_common_l)",
            ),
            (
                "family",
                "word_count_l >= 2 AND word_count_l = word_count_r AND last_word_l = last_word_r "
                "AND jaro_winkler_similarity(first_word_l, first_word_r) < 0.85",
            ),
            (
                "similar",
                " OR ".join(_jw(c, 0.86) for c in ("name", "distinctive", "distinctive_sorted"))
                + " OR damerau_levenshtein(distinctive_l, distinctive_r) <= 1",
            ),
            ("other", "ELSE"),
        ),
    },
    {
        "output_column_name": "birth_date",
        "comparison_levels": _levels(
            ("null", "birth_date_l IS NULL OR birth_date_r IS NULL"),
            ("exact", "birth_date_l = birth_date_r"),
            (
                "swapped",
                "year(birth_date_l) = year(birth_date_r) "
                "AND day(birth_date_l) = month(birth_date_r) "
                "AND month(birth_date_l) = day(birth_date_r)",
            ),
            ("days", "abs(date_diff('day', birth_date_l, birth_date_r)) <= 10"),
            (
                "one_part",
                "(CAST(day(birth_date_l) <> day(birth_date_r) AS INTEGER) "
                "+ CAST(month(birth_date_l) <> month(birth_date_r) AS INTEGER) "
                "+ CAST(year(birth_date_l) <> year(birth_date_r) AS INTEGER)) = 1",
            ),
            ("same_year", "year(birth_date_l) = year(birth_date_r)"),
            ("other", "ELSE"),
        ),
    },
    {
        "output_column_name": "sex",
        "comparison_levels": _levels(
            ("null", "sex_l IS NULL OR sex_r IS NULL"),
            ("same", "sex_l = sex_r"),
            ("other", "ELSE"),
        ),
    },
    {
        "output_column_name": "address",
        "comparison_levels": _levels(
            (
                "null",
                "address_l IS NULL OR address_r IS NULL OR kelurahan_l IS NULL "
                "OR kelurahan_r IS NULL OR kelurahan_l <> kelurahan_r",
            ),
            (
                "same",
                f"({_jw('street', 0.9)} OR street_l = street_r) AND house_l = house_r "
                "AND rt_l = rt_r AND rw_l = rw_r",
            ),
            ("house", f"({_jw('street', 0.9)} OR street_l = street_r) AND house_l = house_r"),
            (
                "rt_rw",
                f"({_jw('street', 0.9)} OR street_l = street_r) AND rt_l = rt_r AND rw_l = rw_r",
            ),
            ("street", f"({_jw('street', 0.9)} OR street_l = street_r)"),
            ("other", "ELSE"),
        ),
    },
    {
        "output_column_name": "kelurahan",
        "comparison_levels": _levels(
            ("null", "kelurahan_l IS NULL OR kelurahan_r IS NULL"),
            ("same", "kelurahan_l = kelurahan_r"),
            ("other", "ELSE"),
        ),
    },
    {
        "output_column_name": "kk",
        "comparison_levels": _levels(
            ("null", "kk_l IS NULL OR kk_r IS NULL"),
            ("same", "kk_l = kk_r"),
            ("other", "ELSE"),
        ),
    },
]
# Term frequencies on the exact name and birth date, as in Rentan's engine.
COMPARISONS[1]["comparison_levels"][1] |= {"tf_adjustment_column": "name"}  # type: ignore[index]
COMPARISONS[2]["comparison_levels"][1] |= {"tf_adjustment_column": "birth_date"}  # type: ignore[index]

# Rentan's kinds of blocking key; a block of a very common name in a large kelurahan is cut
# by the house number here (Splink has no window over a sorted block).
BLOCKING = [
    "l.address_key = r.address_key AND l.kelurahan = r.kelurahan",
    "l.name_key = r.name_key AND l.kelurahan = r.kelurahan AND l.house = r.house",
    "l.birth_date = r.birth_date AND l.kelurahan = r.kelurahan",
    *(f"l.nik_key_{n} = r.nik_key_{n}" for n in range(_NIK_KEYS)),
    "l.nik = r.nik",
]


@dataclass(frozen=True)
class SplinkRun:
    pairs: list[PairMatch]
    prepare_seconds: float
    estimate_seconds: float
    match_seconds: float


def run_splink(records: Sequence[DedupRecord], *, threshold: float) -> SplinkRun:
    import duckdb
    from splink import DuckDBAPI, Linker, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.perf_counter()
    rows = [_row(prepare_record(record)) for record in records]
    connection = duckdb.connect()
    db_api = DuckDBAPI(connection)
    table = db_api.register(rows)
    prepared = time.perf_counter()
    settings = {
        "link_type": "dedupe_only",
        "comparisons": COMPARISONS,
        "blocking_rules_to_generate_predictions": [{"blocking_rule": r} for r in BLOCKING],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
    }
    linker = Linker(table, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(["l.nik = r.nik"], recall=0.5)
    linker.training.estimate_u_using_random_sampling(max_pairs=4e5, seed=2026)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("birth_date", "kelurahan")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name_key"))
    estimated = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    found = (
        predictions.as_duckdbpyrelation()
        .select("unique_id_l, unique_id_r, match_probability")
        .fetchall()
    )
    matched = time.perf_counter()
    pairs = [PairMatch(left, right, probability, ()) for left, right, probability in found]
    connection.close()
    return SplinkRun(pairs, prepared - started, estimated - prepared, matched - estimated)
