"""The decree's attachment (lampiran): the approved list by kelurahan, its totals and the
signature block, as xlsx and as PDF.

The list comes ordered by kecamatan, kelurahan and name (`selectors.lampiran_rows`); both
files print one block per kelurahan, the running number counting across the whole list. The
PDF is laid out by the worker at approval or on first request (`tasks.make_lampiran_pdf`),
a few kelurahan per part so the page can show progress (`core.pdf`); small fixed-layout
tables and a system font keep WeasyPrint's layout quick.
"""

import hashlib
import io
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.template.loader import render_to_string

from rentan.core import pdf
from rentan.core.exports import xlsx_workbook
from rentan.core.signature import Signature
from rentan.registry.nik import mask_nik

# About this many rows per part of the PDF: parts of a few kelurahan each give the page a
# progress worth showing without making each part's setup cost count.
PART_ROWS = 250


@dataclass
class KelurahanGroup:
    kecamatan: str
    kelurahan: str
    rows: list[Mapping[str, Any]] = field(default_factory=list)
    first_number: int = 1

    @property
    def numbered(self) -> list[tuple[int, Mapping[str, Any]]]:
        return list(enumerate(self.rows, start=self.first_number))


@dataclass(frozen=True)
class Totals:
    by_kelurahan: list[tuple[str, str, int]]  # kecamatan, kelurahan, people
    by_occupation: list[tuple[str, int]]  # job type, people (most first)
    total: int


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


def totals(rows: Iterable[Mapping[str, Any]]) -> Totals:
    """People per kelurahan (in the list's order) and per job type (most first, then name)."""
    rows = list(rows)
    by_occupation = Counter(row["occupation"] or "-" for row in rows)
    return Totals(
        by_kelurahan=[(g.kecamatan, g.kelurahan, len(g.rows)) for g in group_by_kelurahan(rows)],
        by_occupation=sorted(by_occupation.items(), key=lambda item: (-item[1], item[0])),
        total=len(rows),
    )


def parts(groups: list[KelurahanGroup], size: int = PART_ROWS) -> list[list[KelurahanGroup]]:
    """Whole kelurahan, in order, gathered until a part holds at least `size` rows."""
    result: list[list[KelurahanGroup]] = [[]]
    held = 0
    for group in groups:
        if held >= size:
            result.append([])
            held = 0
        result[-1].append(group)
        held += len(group.rows)
    return result


def with_nik_shown(rows: list[dict[str, Any]], *, masked: bool) -> list[dict[str, Any]]:
    for row in rows:
        row["nik_shown"] = mask_nik(row["nik"]) if masked else row["nik"]
    return rows


def _heading(cycle: Any) -> dict[str, str]:
    programme = cycle.programme
    return {
        "decree": cycle.decree_reference or "(belum ditetapkan)",
        "programme": programme.name,
        "year": str(cycle.year),
        "legal_basis": programme.legal_basis,
        "insurer_branch": programme.insurer_branch,
        "sponsor": programme.sponsor,
    }


def pdf_key(cycle: Any, rows: list[dict[str, Any]], signature: Signature, *, masked: bool) -> str:
    """A digest of everything the PDF prints: another list, name, decree, signatory or
    masking is another PDF."""
    printed = [
        pdf.templates_digest("programmes/lampiran.html", "core/_signature.html"),
        cycle.pk,
        masked,
        _heading(cycle),
        signature.__dict__,
        [
            [r[name] for name in ("nik_shown", "name", "birth_date", "sex", "kecamatan")]
            + [r[name] for name in ("kelurahan", "occupation", "kind")]
            for r in rows
        ],
    ]
    return hashlib.sha256(json.dumps(printed, default=str).encode()).hexdigest()


def lay_out_pdf(
    cycle: Any, rows: list[dict[str, Any]], signature: Signature, *, masked: bool
) -> bytes:
    """The PDF, part by part with its progress noted, kept under its `pdf_key`."""
    key = pdf_key(cycle, rows, signature, masked=masked)
    groups = group_by_kelurahan(rows)
    chunks = parts(groups)
    context = {
        "heading": _heading(cycle),
        "people": len(rows),
        "masked": masked,
        "totals": totals(rows),
        "signature": signature,
    }

    def part(index: int) -> Any:
        def html(first_page: int) -> str:
            return render_to_string(
                "programmes/lampiran.html",
                context
                | {
                    "groups": chunks[index],
                    "is_first": index == 0,
                    "is_last": index == len(chunks) - 1,
                    "first_page": first_page,
                },
            )

        return html

    return pdf.lay_out(key, [part(i) for i in range(len(chunks))])


HEADERS = (
    "No",
    "NIK",
    "Nama",
    "Tanggal lahir",
    "L/P",
    "Kecamatan",
    "Kelurahan",
    "Jenis pekerjaan",
    "Jenis peserta",
)


def workbook(cycle: Any, rows: list[dict[str, Any]], signature: Signature) -> bytes:
    """Two sheets: the list (header frozen, filters on, birth dates as dates) and the totals
    per kelurahan and job type with the place, date and signature block."""
    heading = _heading(cycle)
    buffer = io.BytesIO()
    book = xlsx_workbook(buffer)
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "d mmmm yyyy"})
    sheet = book.add_worksheet("Lampiran")
    sheet.write(0, 0, f"Lampiran {heading['decree']}", bold)
    sheet.write(1, 0, f"{heading['programme']} — periode {heading['year']}")
    header_row = 3
    sheet.write_row(header_row, 0, HEADERS, bold)
    for number, row in enumerate(rows, start=1):
        line = header_row + number
        sheet.write_number(line, 0, number)
        sheet.write_string(line, 1, row["nik_shown"])
        sheet.write(line, 2, row["name"])
        if row["birth_date"]:
            sheet.write_datetime(line, 3, row["birth_date"], day)
        for col, key in enumerate(("sex", "kecamatan", "kelurahan", "occupation"), start=4):
            sheet.write(line, col, row[key] or "")
        sheet.write(line, 8, str(row["kind"]))
    sheet.freeze_panes(header_row + 1, 0)
    sheet.autofilter(header_row, 0, header_row + len(rows), len(HEADERS) - 1)
    sheet.set_column(1, 2, 22)
    sheet.set_column(3, 3, 16)
    sheet.set_column(5, 8, 20)

    summary = totals(rows)
    recap = book.add_worksheet("Rekap")
    recap.write(0, 0, f"Rekap lampiran {heading['decree']}", bold)
    recap.write_row(2, 0, ("Kecamatan", "Kelurahan", "Jumlah"), bold)
    line = 3
    for kecamatan, kelurahan, people in summary.by_kelurahan:
        recap.write_row(line, 0, (kecamatan, kelurahan))
        recap.write_number(line, 2, people)
        line += 1
    recap.write(line, 0, "Jumlah", bold)
    recap.write_number(line, 2, summary.total, bold)
    line += 2
    recap.write_row(line, 0, ("Jenis pekerjaan", "", "Jumlah"), bold)
    for occupation, people in summary.by_occupation:
        line += 1
        recap.write(line, 0, occupation)
        recap.write_number(line, 2, people)
    line += 1
    recap.write(line, 0, "Jumlah", bold)
    recap.write_number(line, 2, summary.total, bold)
    line += 2
    for text in _signature_lines(signature):
        recap.write(line, 3, text)
        line += 1
    recap.set_column(0, 1, 24)
    recap.set_column(3, 3, 40)
    book.close()
    return buffer.getvalue()


def _signature_lines(signature: Signature) -> list[str]:
    return [
        signature.place_and_date,
        signature.title,
        "",
        "",
        signature.name or "(.................................)",
        f"NIP {signature.nip}" if signature.nip else "",
    ]


def signed_on(cycle: Any, today: date) -> date:
    """The decree's day when approved, else today (a draft printed for checking)."""
    from django.utils import timezone

    return timezone.localdate(cycle.approved_at) if cycle.approved_at else today
