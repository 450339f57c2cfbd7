"""The Laporan's tables: one definition each, shown on the page and written to .xlsx.

A column has a kind, so the page formats it the Indonesian way ("Rp 16.800", "Januari
2023") and the workbook keeps it a number or a date.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from rentan.core.exports import xlsx_workbook
from rentan.core.formatting import format_month, format_number, format_rupiah
from rentan.reporting.year_figures import Share, YearFigures, YearRow


class Kind(StrEnum):
    TEXT = "text"
    COUNT = "count"
    RUPIAH = "rupiah"
    MONTH = "month"


@dataclass(frozen=True)
class Column:
    title: Any
    kind: Kind = Kind.COUNT


@dataclass(frozen=True)
class Table:
    slug: str
    title: Any
    columns: Sequence[Column]
    rows: list[tuple[Any, ...]]

    def shown(self) -> list[list[tuple[str, bool]]]:
        """The rows as the page shows them: (text, whether it is a number to align right)."""
        return [
            [
                (_show(value, c.kind), c.kind != Kind.TEXT)
                for value, c in zip(row, self.columns, strict=True)
            ]
            for row in self.rows
        ]


def _show(value: Any, kind: Kind) -> str:
    if value is None:
        return "\u2013"  # an en dash: no figure
    if kind == Kind.COUNT:
        return format_number(value)
    if kind == Kind.RUPIAH:
        return format_rupiah(value)
    if kind == Kind.MONTH:
        return format_month(value)
    return str(value)


def _shares(slug: str, title: Any, label: Any, shares: list[Share], counted: Any = None) -> Table:
    return Table(
        slug,
        title,
        [Column(label, Kind.TEXT), Column(counted or _("Peserta saat ini"))],
        [(share.label, share.count) for share in shares],
    )


def year_table(years: list[YearRow]) -> Table:
    return Table(
        "tahun",
        _("Target dan realisasi per tahun"),
        [
            Column(_("Tahun"), Kind.TEXT),
            Column(_("Status"), Kind.TEXT),
            Column(_("Target")),
            Column(_("Ditetapkan: lanjutan")),
            Column(_("Ditetapkan: baru")),
            Column(_("Ditetapkan: jumlah")),
            Column(_("Saat ini: lanjutan")),
            Column(_("Saat ini: baru")),
            Column(_("Saat ini: jumlah")),
            Column(_("Berhenti")),
            Column(_("Pengganti")),
            Column(_("Aktif di BPJS")),
            Column(_("Pagu anggaran"), Kind.RUPIAH),
            Column(_("Kebutuhan iuran daftar saat ini"), Kind.RUPIAH),
            Column(_("Iuran dibayar"), Kind.RUPIAH),
        ],
        [
            (
                str(row.year),
                row.status_label,
                row.target,
                row.lists.approved_continuing,
                row.lists.approved_new,
                row.lists.approved,
                row.lists.now_continuing,
                row.lists.now_new,
                row.lists.now,
                row.lists.ended,
                row.lists.replacements,
                row.active_now,
                row.budget_ceiling,
                row.committed,
                row.paid,
            )
            for row in years
        ],
    )


def tables(years: list[YearRow], figures: YearFigures | None) -> dict[str, Table]:
    """Every table of the report, by the slug its download is named after."""
    result = {"tahun": year_table(years)}
    if figures is None:
        return result
    row = figures.row
    result["anggaran"] = Table(
        "anggaran",
        _("Anggaran"),
        [Column(_("Uraian"), Kind.TEXT), Column(_("Jumlah"), Kind.RUPIAH)],
        [
            (_("Pagu anggaran"), row.budget_ceiling),
            (_("Kebutuhan iuran daftar saat ini (setahun)"), row.committed),
            (_("Iuran kepesertaan tercatat (setahun)"), figures.premiums_year),
            (_("Iuran kepesertaan tercatat sampai bulan ini"), figures.premiums_to_date),
            (_("Iuran dibayar"), row.paid),
        ],
    )
    result["kepesertaan"] = _shares(
        "kepesertaan",
        _("Kepesertaan BPJS per status"),
        _("Status"),
        figures.membership_statuses,
        _("Kepesertaan"),
    )
    result["wilayah"] = Table(
        "wilayah",
        _("Peserta saat ini per kecamatan dan kelurahan"),
        [
            Column(_("Kecamatan"), Kind.TEXT),
            Column(_("Kelurahan"), Kind.TEXT),
            Column(_("Peserta")),
        ],
        [(share.group, share.label, share.count) for share in figures.by_kelurahan],
    )
    result["kecamatan"] = _shares(
        "kecamatan", _("Peserta saat ini per kecamatan"), _("Kecamatan"), figures.by_kecamatan
    )
    result["pekerjaan"] = _shares(
        "pekerjaan", _("Peserta saat ini per jenis pekerjaan"), _("Jenis pekerjaan"), figures.by_job
    )
    result["jenis-kelamin"] = _shares(
        "jenis-kelamin", _("Peserta saat ini per jenis kelamin"), _("Jenis kelamin"), figures.by_sex
    )
    result["usia"] = _shares(
        "usia",
        _("Peserta saat ini per kelompok umur (pada awal perlindungan)"),
        _("Umur (tahun)"),
        figures.by_age,
    )
    result["klaim"] = Table(
        "klaim",
        _("Klaim JKK dan JKM"),
        [Column(_("Jenis klaim"), Kind.TEXT), Column(_("Jumlah klaim"))],
        [(share.label, share.count) for share in figures.claims.by_kind]
        + [(_("Semua klaim"), figures.claims.count)],
    )
    result["bulan"] = Table(
        "bulan",
        _("Per bulan"),
        [
            Column(_("Bulan"), Kind.MONTH),
            Column(_("Peserta tercakup")),
            Column(_("Iuran"), Kind.RUPIAH),
            Column(_("Dibayar"), Kind.RUPIAH),
            Column(_("Klaim (tanggal kejadian)")),
        ],
        [(m.month, m.members, m.premiums, m.paid, m.claims) for m in figures.trend],
    )
    return result


_FORMATS = {
    Kind.COUNT: {"num_format": "#,##0"},
    Kind.RUPIAH: {"num_format": '"Rp" #,##0'},
    Kind.MONTH: {"num_format": "mmmm yyyy"},
}


def workbook(table: Table, *, heading: str) -> bytes:
    """The table as .xlsx: a heading line, then the header row frozen with filters on it;
    numbers are numbers and months are dates."""
    output = io.BytesIO()
    book = xlsx_workbook(output)
    sheet = book.add_worksheet(table.slug[:31])
    bold = book.add_format({"bold": True})
    formats = {kind: book.add_format(spec) for kind, spec in _FORMATS.items()}
    sheet.write(0, 0, heading, bold)
    header_row = 2
    for col, column in enumerate(table.columns):
        sheet.write(header_row, col, str(column.title), bold)
        sheet.set_column(col, col, 34 if column.kind == Kind.TEXT else 18)
    for offset, values in enumerate(table.rows, start=header_row + 1):
        for col, (value, column) in enumerate(zip(values, table.columns, strict=True)):
            if value is None:
                sheet.write_blank(offset, col, None)
            elif column.kind == Kind.MONTH and isinstance(value, date):
                sheet.write_datetime(offset, col, value, formats[Kind.MONTH])
            elif column.kind in (Kind.COUNT, Kind.RUPIAH):
                sheet.write_number(offset, col, value, formats[column.kind])
            else:
                sheet.write_string(offset, col, str(value))
    sheet.freeze_panes(header_row + 1, 0)
    sheet.autofilter(header_row, 0, header_row + len(table.rows), len(table.columns) - 1)
    book.close()
    return output.getvalue()
