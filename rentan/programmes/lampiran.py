"""The decree's attachment (lampiran) laid out by kelurahan: plain data, no database.

The approved list comes ordered by kecamatan, kelurahan and name; the PDF prints it as one
table per kelurahan under a heading naming the kecamatan and the kelurahan. Small tables with
set column widths are what keeps WeasyPrint's layout quick; the running number counts across
the whole list, as in the xlsx.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class KelurahanGroup:
    kecamatan: str
    kelurahan: str
    rows: list[Mapping[str, Any]] = field(default_factory=list)
    first_number: int = 1

    @property
    def numbered(self) -> list[tuple[int, Mapping[str, Any]]]:
        return list(enumerate(self.rows, start=self.first_number))


def group_by_kelurahan(rows: Iterable[Mapping[str, Any]]) -> list[KelurahanGroup]:
    """Consecutive rows of the same kecamatan and kelurahan form one group, order kept."""
    groups: list[KelurahanGroup] = []
    for number, row in enumerate(rows, start=1):
        if not groups or (groups[-1].kecamatan, groups[-1].kelurahan) != (
            row["kecamatan"],
            row["kelurahan"],
        ):
            groups.append(KelurahanGroup(row["kecamatan"], row["kelurahan"], first_number=number))
        groups[-1].rows.append(row)
    return groups
