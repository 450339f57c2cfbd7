"""Indonesian personal names, written the many ways people write them, brought to one form.

The same man is `MUHAMMAD RIZKI`, `Moh. Rizki`, `M. Rizki` and `H. Mochammad Rizki, S.Pd.` in
different spreadsheets; the same woman `Siti Aminah` and `St. Aminah`, `Nurul Hidayah` and
`Nur Hidayah`. Duplicate finding compares
the forms returned here. Pure: no ORM, settings or HTTP.
"""

import re
import unicodedata
from functools import lru_cache

# Honorifics and titles written before a name: haji/hajah, academic and religious titles.
_PREFIX_TITLES = frozenset(
    {
        "h",
        "hj",
        "haji",
        "hajah",
        "hajjah",
        "dr",
        "drs",
        "dra",
        "ir",
        "prof",
        "kh",
        "ust",
        "ustadz",
        "ustad",
        "ustadzah",
        "bpk",
        "bapak",
        "ibu",
        "ny",
        "nyonya",
        "sdr",
        "sdri",
        "tn",
    }
)
# Academic degrees written after a name (S.Pd., S.E., A.Md., M.Pd.I., ...).
_DEGREES = frozenset(
    {
        "spd",
        "spdi",
        "se",
        "sh",
        "shi",
        "st",
        "ssos",
        "skom",
        "sag",
        "sip",
        "skm",
        "ssi",
        "sked",
        "spt",
        "sp",
        "sthi",
        "sei",
        "sfarm",
        "skep",
        "ners",
        "amd",
        "amdkeb",
        "amkeb",
        "mm",
        "mpd",
        "mpdi",
        "msi",
        "mh",
        "mag",
        "mkes",
        "mt",
        "mkom",
        "ma",
        "lc",
        "bsc",
    }
)
# Degrees that are never also a name, so they are dropped even when written without dots.
_DEGREES_WITHOUT_DOTS = frozenset(
    {"spd", "spdi", "ssos", "skom", "sag", "skm", "ssi", "sked", "amd", "mpd", "mpdi", "msi"}
)

MUHAMMAD = "muhammad"
SITI = "siti"
# Spellings of Muhammad; the short forms only count as Muhammad at the start of a name.
_MUHAMMAD_SPELLINGS = frozenset(
    {
        "muhammad",
        "muhamad",
        "muhammed",
        "muhamed",
        "mohammad",
        "mohamad",
        "mohammed",
        "mohamed",
        "mochammad",
        "mochamad",
        "mokhammad",
        "mokhamad",
        "muchammad",
        "muchamad",
        "mukhammad",
        "mukhamad",
        "muhammat",
    }
)
_MUHAMMAD_SHORT = frozenset(
    {"m", "moh", "muh", "mhd", "mch", "moch", "mochd", "mohd", "muhd", "much", "mhmd", "mukh"}
)
_SITI_SPELLINGS = frozenset({"siti", "sitti"})
_SITI_SHORT = frozenset({"st", "sti"})
_OTHER_SPELLINGS = {
    "achmad": "ahmad",
    "akhmad": "ahmad",
    "ahmat": "ahmad",
    "abd": "abdul",
    "abdoel": "abdul",
    # "Nur" joined to the next word by the Arabic article: Nurul, Nurun, Nuril, Nurus.
    "nurul": "nur",
    "nurun": "nur",
    "nuril": "nur",
    "nurus": "nur",
    "noer": "nur",
    "noor": "nur",
}
_PATRONYMIC_WORDS = frozenset({"bin", "binti", "bt", "bte"})

_NOT_LETTERS = re.compile(r"[^a-z.\s]")


def _plain(text: str) -> str:
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=200_000)
def comparable_name(raw: str) -> str:
    """The comparable form of a name: lower case, single spaces, no titles or degrees,
    one spelling of Muhammad, Siti and Nur (Nurul, Noor), the words bin/binti left out."""
    text = _plain(raw).split(",", 1)[0]  # degrees follow a comma: "Budi, S.Pd."
    text = text.replace("'", "").replace("`", "").replace("-", " ")
    text = _NOT_LETTERS.sub(" ", text)
    words: list[str] = []
    for token in text.split():
        bare = token.replace(".", "")
        if not bare:
            continue
        if not words and bare in _PREFIX_TITLES and (token.endswith(".") or len(bare) > 2):
            continue
        if words and ((bare in _DEGREES and "." in token) or bare in _DEGREES_WITHOUT_DOTS):
            continue
        for piece in token.split("."):
            if piece:
                words.append(piece)
    # "H Slamet" without the dot: a lone h or hj before a name is still the title.
    while len(words) > 1 and words[0] in {"h", "hj"}:
        words.pop(0)
    result: list[str] = []
    for position, word in enumerate(words):
        is_first = position == 0 and len(words) > 1
        if word in _MUHAMMAD_SPELLINGS or (is_first and word in _MUHAMMAD_SHORT):
            word = MUHAMMAD
        elif word in _SITI_SPELLINGS or (is_first and word in _SITI_SHORT):
            word = SITI
        elif word in _PATRONYMIC_WORDS and 0 < position < len(words) - 1:
            continue
        else:
            word = _OTHER_SPELLINGS.get(word, word)
        result.append(word)
    return " ".join(result)


# Old (pre-1972) spelling and common sound-alike writings, in the order they apply.
_SOUND_RULES = (
    ("oe", "u"),
    ("dj", "j"),
    ("tj", "c"),
    ("ch", "h"),
    ("kh", "h"),
    ("sj", "sy"),
    ("j", "i"),
    ("y", "i"),
    ("ph", "f"),
    ("v", "f"),
    ("q", "k"),
    ("z", "s"),
)
_DOUBLED = re.compile(r"(.)\1+")
_SILENT_H = re.compile(r"(?<=[a-z])h(?=[^aiueo]|$)")


@lru_cache(maxsize=200_000)
def name_key(normalized: str) -> str:
    """A coarse sound-alike key of a normalised name, for grouping candidates:
    `Joesoef Rachman` and `Yusuf Rahman` share it."""
    key = normalized.replace(" ", "")
    for old, new in _SOUND_RULES:
        key = key.replace(old, new)
    key = _SILENT_H.sub("", key)
    return _DOUBLED.sub(r"\1", key)
