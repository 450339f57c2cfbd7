"""Job types by the names people use: "tukang becak" is Pengayuh becak.

A kelurahan writes a job as it is said in the city, not as the regulation names it. Each job
type (Occupation) carries its other names (OccupationAlias, edited by the admin Dinas); the
import, the person form and the job-type decisions all read a cell or a field through one
:class:`JobNames`, so they recognise the same words.

Recognition is exact after :func:`name_key` (case, spaces, punctuation and dotted
abbreviations such as "P.K.L." do not count). A name not recognised gets a suggestion only
when it is likely right: a typo of one name (similarity at least ``SUGGESTION_SCORE``) that
no other job type comes near (a lead of ``SUGGESTION_MARGIN`` over the best name of any other
job type). A shared generic word is not a likeness: "tukang becak" is not "Tukang cukur".

Pure: no ORM, settings or HTTP.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import TextChoices
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz, process

# Measured over every one-letter typo of the seeded names and over the names of jobs that are
# not in the list (rentan/registry/tests/test_job_names.py prints the figures): at 85 a typo
# of a name of five letters or more is suggested, and "tukang becak" (75 against "tukang
# cukur") is not.
SUGGESTION_SCORE = 85.0
SUGGESTION_MARGIN = 8.0

MAX_NAME_LENGTH = 100

_NOT_WORD = re.compile(r"[\W_]+")


def name_key(text: str) -> str:
    """A name as compared: "Tukang-Becak " -> "tukang becak", "P.K.L." -> "pkl".

    Letters are compared without case or accents' encoding (NFKC), punctuation is a space,
    and a run of single letters ("p k l" from "P.K.L.") is one word, as abbreviations are
    written both ways."""
    words = _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split()
    joined: list[str] = []
    letters = ""
    for word in words:
        if len(word) == 1 and word.isalpha():
            letters += word
            continue
        if letters:
            joined.append(letters)
            letters = ""
        joined.append(word)
    if letters:
        joined.append(letters)
    return " ".join(joined)


@dataclass(frozen=True)
class JobType:
    code: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    code: str
    name: str  # the job type's name
    matched: str  # the name or other name the typed text is close to
    score: float


class AliasProblem(TextChoices):
    TAKEN = "taken", _("Nama sudah dipakai jenis pekerjaan lain")
    TOO_LONG = "too_long", _("Nama terlalu panjang")
    NO_LETTERS = "no_letters", _("Nama tanpa huruf atau angka")


@dataclass(frozen=True)
class AliasIssue:
    alias: str
    problem: AliasProblem
    message: str


class JobNames:
    """Every job type with its name, code and other names; finds one by any of them."""

    def __init__(self, job_types: Iterable[JobType]) -> None:
        self.job_types = {job.code: job for job in job_types}
        self._code_of: dict[str, str] = {}
        # (key, code, the spelling shown) of every name and other name, for suggestions.
        self._spellings: list[tuple[str, str, str]] = []
        for job in self.job_types.values():
            self._code_of[job.code] = job.code
            self._code_of.setdefault(name_key(job.code), job.code)
            for spelling in (job.name, *job.aliases):
                key = name_key(spelling)
                if key:
                    self._code_of.setdefault(key, job.code)
                    self._spellings.append((key, job.code, spelling))
        self._keys = [key for key, _code, _shown in self._spellings]

    def name_of(self, code: str) -> str:
        job = self.job_types.get(code)
        return job.name if job else code

    def code_for(self, text: str) -> str | None:
        """The code of the job type `text` names (its code, name or another name), else None."""
        return self._code_of.get(text) or self._code_of.get(name_key(text))

    def suggestion(self, text: str) -> Suggestion | None:
        """The job type `text` is likely a misspelling of, or None when none is likely."""
        key = name_key(text)
        if not key:
            return None
        best: dict[str, tuple[float, int]] = {}
        for _key, score, index in process.extract(
            key, self._keys, scorer=fuzz.ratio, limit=None, score_cutoff=0
        ):
            code = self._spellings[index][1]
            if code not in best or score > best[code][0]:
                best[code] = (score, index)
        ranked = sorted(best.values(), reverse=True)
        if not ranked or ranked[0][0] < SUGGESTION_SCORE:
            return None
        if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < SUGGESTION_MARGIN:
            return None
        score, index = ranked[0]
        _key, code, shown = self._spellings[index]
        return Suggestion(code=code, name=self.name_of(code), matched=shown, score=score)

    def unknown_message(self, text: str) -> str:
        """What the import and the form say of a job they do not recognise."""
        message = gettext("Jenis pekerjaan “%(value)s” tidak dikenal.") % {"value": text}
        found = self.suggestion(text)
        if found is None:
            hint = gettext(
                "Pilih dari daftar jenis pekerjaan, atau minta admin Dinas menambahkan "
                "nama ini sebagai nama lain suatu jenis pekerjaan."
            )
        elif name_key(found.matched) == name_key(found.name):
            hint = gettext("Mungkin maksudnya “%(name)s”?") % {"name": found.name}
        else:
            hint = gettext("Mungkin maksudnya “%(alias)s” (%(name)s)?") % {
                "alias": found.matched,
                "name": found.name,
            }
        return f"{message} {hint}"

    def check_aliases(self, code: str, typed: Sequence[str]) -> tuple[list[str], list[AliasIssue]]:
        """The other names of job type `code` as the admin typed them, tidied (spaces
        collapsed; repeats, blanks and the job type's own name dropped), and what is wrong
        with them: a name may belong to one job type only."""
        own = self.job_types[code]
        kept: list[str] = []
        issues: list[AliasIssue] = []
        seen = {name_key(own.name)}
        for raw in typed:
            alias = " ".join(raw.split())
            if not alias:
                continue
            key = name_key(alias)
            if not key:
                issues.append(
                    AliasIssue(
                        alias,
                        AliasProblem.NO_LETTERS,
                        gettext("“%(alias)s” tidak memuat huruf atau angka.") % {"alias": alias},
                    )
                )
                continue
            if len(alias) > MAX_NAME_LENGTH:
                issues.append(
                    AliasIssue(
                        alias,
                        AliasProblem.TOO_LONG,
                        gettext("“%(alias)s” lebih dari %(n)s huruf.")
                        % {"alias": alias, "n": MAX_NAME_LENGTH},
                    )
                )
                continue
            if key in seen:
                continue
            seen.add(key)
            owner = self._code_of.get(key)
            if owner is not None and owner != code:
                issues.append(
                    AliasIssue(
                        alias,
                        AliasProblem.TAKEN,
                        gettext(
                            "“%(alias)s” sudah menjadi nama jenis pekerjaan "
                            "%(other)s; satu nama hanya untuk satu jenis pekerjaan."
                        )
                        % {"alias": alias, "other": self.name_of(owner)},
                    )
                )
                continue
            kept.append(alias)
        return kept, issues


def split_aliases(text: str) -> list[str]:
    """Other names as typed in the admin's box: one per line, or separated by commas."""
    return [part for part in re.split(r"[\r\n,;]+", text) if part.strip()]
