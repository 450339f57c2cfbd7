"""The English catalogue answers every string of the interface as the running code asks it."""

import gettext
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "rentan" / "locale" / "en" / "LC_MESSAGES" / "django.mo"


def test_every_string_has_its_english_and_is_stored_as_the_code_asks_it():
    with CATALOGUE.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    strings = {key for key in catalogue if key}  # "" holds the catalogue's own header
    assert len(strings) > 1000
    assert not [key for key, english in catalogue.items() if key and not english]
    # gettext's extractor keeps a Python escape such as \u201c as written, while the code asks
    # with the character itself: such a string would never be found. Write the character.
    escaped = sorted(str(key) for key in strings if "\\u" in str(key))
    assert not escaped, escaped[:3]
