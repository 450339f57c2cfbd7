"""The signature block of a document the Dinas signs (lampiran, the mayor's page).

Who signs is a setting (the head of the Dinas changes with a decree, not with a release);
the place defaults to the region's name without "Kota"/"Kabupaten", which a kabupaten whose
documents are signed in its capital sets apart. An empty name leaves a dotted line to be
written by hand, as on a printed form.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from rentan.core.formatting import format_date

_REGION_PREFIXES = ("Kota Administrasi ", "Kota ", "Kabupaten ", "Kab. ")


@dataclass(frozen=True)
class Signature:
    place: str
    signed_on: date
    title: str
    name: str
    nip: str

    @property
    def place_and_date(self) -> str:
        return f"{self.place}, {format_date(self.signed_on)}"


def place_of(region_name: str) -> str:
    """``Kota Pekalongan`` -> ``Pekalongan``."""
    for prefix in _REGION_PREFIXES:
        if region_name.startswith(prefix):
            return region_name.removeprefix(prefix)
    return region_name


def signature_for(*, region_name: str, signed_on: date) -> Signature:
    return Signature(
        place=settings.RENTAN_SIGNATURE_PLACE or place_of(region_name),
        signed_on=signed_on,
        title=settings.RENTAN_SIGNATORY_TITLE,
        name=settings.RENTAN_SIGNATORY_NAME,
        nip=settings.RENTAN_SIGNATORY_NIP,
    )
