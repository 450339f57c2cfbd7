"""Job types by the names people use, without a database: what is recognised, what is
refused, and when a suggestion is made (only when it is likely right)."""

import csv

import pytest

from rentan.registry.job_names import (
    AliasProblem,
    JobNames,
    JobType,
    name_key,
    split_aliases,
)
from rentan.registry.reference import OCCUPATION_ALIASES_CSV, OCCUPATIONS_CSV


def _seeded(*, with_aliases: bool = True) -> JobNames:
    with OCCUPATIONS_CSV.open(encoding="utf-8") as handle:
        occupations = {row["code"]: row["name"] for row in csv.DictReader(handle)}
    aliases: dict[str, list[str]] = {}
    if with_aliases:
        with OCCUPATION_ALIASES_CSV.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                aliases.setdefault(row["code"], []).append(row["alias"])
    return JobNames(
        JobType(code, name, tuple(aliases.get(code, ()))) for code, name in occupations.items()
    )


SEEDED = _seeded()


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Tukang Becak", "tukang becak"),
        ("  tukang   becak. ", "tukang becak"),
        ("Tukang-Becak", "tukang becak"),
        ("P.K.L.", "pkl"),
        ("P K L", "pkl"),
        ("A.B.K", "abk"),
        ("Pedagang Kaki 5", "pedagang kaki 5"),
        ("Marbot Masjid/Musala", "marbot masjid musala"),
        ("!!!", ""),
    ],
)
def test_names_are_compared_without_case_spaces_or_punctuation(typed, key):
    assert name_key(typed) == key


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("tukang becak", "pengayuh-becak"),
        ("Penarik Becak", "pengayuh-becak"),
        ("ABANG BECAK", "pengayuh-becak"),
        ("Pengayuh becak", "pengayuh-becak"),
        ("pengayuh-becak", "pengayuh-becak"),
        ("buruh batik", "buruh-batik"),
        ("pembatik", "buruh-batik"),
        ("tukang cap", "buruh-batik"),
        ("Tukang Colet", "buruh-batik"),
        ("ABK", "nelayan"),
        ("buruh nelayan", "nelayan"),
        ("PKL", "pedagang-kaki-lima"),
        ("p.k.l", "pedagang-kaki-lima"),
        ("Pedagang kaki lima", "pedagang-kaki-lima"),
        ("ojol", "ojek-daring"),
        ("Ojek Online", "ojek-daring"),
        ("tukang ojek", "ojek-pangkalan"),
        ("kuli panggul", "kuli-panggul"),
        ("buruh angkut", "kuli-panggul"),
        ("serabutan", "buruh-harian-lepas"),
        ("ART", "asisten-rumah-tangga"),
    ],
)
def test_a_job_type_is_recognised_by_its_name_code_or_any_other_name(typed, code):
    assert SEEDED.code_for(typed) == code


@pytest.mark.parametrize(
    "typed",
    [
        # Said in the city, but of several job types or of none on the list: the operator
        # chooses, the system does not guess.
        "ojek",
        "bakul",
        "tukang pijat",
        "tukang parkir",
        "tukang las",
        "pedagang pasar",
        "satpam",
        "buruh pabrik",
        "PKI",
    ],
)
def test_an_unknown_job_is_refused_without_a_suggestion(typed):
    assert SEEDED.code_for(typed) is None
    assert SEEDED.suggestion(typed) is None
    message = SEEDED.unknown_message(typed)
    assert "tidak dikenal" in message
    assert "Mungkin" not in message


def test_tukang_becak_is_never_taken_for_tukang_cukur_even_without_other_names():
    bare = _seeded(with_aliases=False)
    assert bare.code_for("tukang becak") is None
    assert bare.suggestion("tukang becak") is None
    assert SEEDED.code_for("tukang becak") == "pengayuh-becak"


@pytest.mark.parametrize(
    ("typed", "code", "matched"),
    [
        ("tukang becek", "pengayuh-becak", "tukang becak"),
        ("pengayuh becal", "pengayuh-becak", "Pengayuh becak"),
        ("pembatk", "buruh-batik", "pembatik"),
        ("nelayn", "nelayan", "Nelayan"),
        ("ojek onlen", "ojek-daring", "ojek online"),
        ("kuli bangunann", "kuli-bangunan", "Kuli bangunan"),
        ("pedagang asonggan", "pedagang-keliling", "pedagang asongan"),
    ],
)
def test_a_typo_of_one_name_is_suggested(typed, code, matched):
    assert SEEDED.code_for(typed) is None
    found = SEEDED.suggestion(typed)
    assert found is not None
    assert (found.code, found.matched) == (code, matched)
    assert "Mungkin maksudnya" in SEEDED.unknown_message(typed)


def test_a_typo_as_near_to_two_job_types_gets_no_suggestion():
    names = JobNames([JobType("cat", "Tukang cat"), JobType("cap", "Tukang cap")])
    assert names.suggestion("tukang caq") is None
    assert names.suggestion("tukang catt") is not None


def test_the_suggestion_names_the_other_name_and_its_job_type():
    assert SEEDED.unknown_message("tukang becek") == (
        "Jenis pekerjaan \u201ctukang becek\u201d tidak dikenal. Mungkin maksudnya "
        "\u201ctukang becak\u201d (Pengayuh becak)?"
    )
    assert SEEDED.unknown_message("nelayn").endswith("Mungkin maksudnya \u201cNelayan\u201d?")


def _typos(word: str) -> set[str]:
    found = set()
    for i in range(len(word)):
        found.add(word[:i] + word[i + 1 :])  # a letter left out
        found.add(word[:i] + word[i] + word[i:])  # a letter doubled
        if i + 1 < len(word):
            found.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])  # two swapped
        for letter in "aeiouknrst":
            found.add(word[:i] + letter + word[i + 1 :])  # a letter mistyped
    found.discard(word)
    return found


# Jobs of the city that are not job types of the programme, and words shared by several.
NOT_ON_THE_LIST = [
    "tukang parkir", "tukang sayur", "buruh pabrik", "pedagang pasar", "satpam", "guru ngaji",
    "tukang las", "tukang kayu", "buruh tani", "petani", "pemulung", "tukang sampah",
    "sopir truk", "kernet", "montir", "tukang sol sepatu", "penjual sayur", "buruh gudang",
    "tukang kebun", "juru parkir", "ojek", "bakul", "tukang pijat", "pedagang", "buruh",
    "tukang", "sopir", "kuli", "driver", "penjual", "tukang es", "pengamen", "loper koran",
    "buruh konveksi", "tukang servis", "petambak", "pak ogah", "supeltas",
]  # fmt: skip


def test_suggestions_are_measured_right_on_typos_and_absent_for_other_jobs():
    right = wrong = none = 0
    for job in SEEDED.job_types.values():
        for spelling in (job.name, *job.aliases):
            for typo in _typos(name_key(spelling)):
                if SEEDED.code_for(typo) is not None:
                    continue  # the typo is itself a name
                found = SEEDED.suggestion(typo)
                if found is None:
                    none += 1
                elif found.code == job.code:
                    right += 1
                else:
                    wrong += 1
    guessed = [(job, found.name) for job in NOT_ON_THE_LIST if (found := SEEDED.suggestion(job))]
    total = right + wrong + none
    print(
        f"\nSaran jenis pekerjaan: {total} salah ketik satu huruf, {right} disarankan benar "
        f"({100 * right / total:.1f}%), {wrong} salah, {none} tanpa saran; "
        f"{len(guessed)} dari {len(NOT_ON_THE_LIST)} pekerjaan lain diberi saran"
    )
    assert wrong == 0
    assert right / total > 0.95
    assert guessed == []


def test_the_seeded_names_each_belong_to_one_existing_job_type():
    for code, job in SEEDED.job_types.items():
        kept, issues = SEEDED.check_aliases(code, job.aliases)
        assert issues == []
        assert [name_key(a) for a in kept] == [name_key(a) for a in job.aliases]
        for alias in job.aliases:
            assert SEEDED.code_for(alias) == code


def test_other_names_are_tidied_and_a_name_of_another_job_type_is_refused():
    kept, issues = SEEDED.check_aliases(
        "pengayuh-becak",
        ["  tukang   becak ", "Tukang Becak", "pengayuh becak", "", "ojol", "!!", "x" * 101],
    )
    assert kept == ["tukang becak"]
    assert [(i.alias, i.problem) for i in issues] == [
        ("ojol", AliasProblem.TAKEN),
        ("!!", AliasProblem.NO_LETTERS),
        ("x" * 101, AliasProblem.TOO_LONG),
    ]
    assert "Pengemudi ojek daring" in issues[0].message
    # A name of another job type (not only its other names) is refused too.
    _kept, issues = SEEDED.check_aliases("pengayuh-becak", ["Tukang cukur"])
    assert [i.problem for i in issues] == [AliasProblem.TAKEN]


def test_other_names_are_typed_one_per_line_or_between_commas():
    assert split_aliases("tukang becak\r\npenarik becak, abang becak;\n \n") == [
        "tukang becak",
        "penarik becak",
        " abang becak",
    ]
