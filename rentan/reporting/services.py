"""What the reporting app records: the kelurahan boundaries behind the map (its one change of
state), and each download of a report table (figures only, no person)."""

from typing import Any

from django.db import transaction

from rentan.core.audit import record_event_on
from rentan.core.models import AuditAction
from rentan.reporting.coverage_map import Boundaries
from rentan.reporting.models import KelurahanBoundary


@transaction.atomic
def load_boundaries(*, actor: Any, boundaries: Boundaries, filename: str) -> int:
    """The uploaded file takes the place of the boundaries held before, whole."""
    held_before = sorted(KelurahanBoundary.objects.values_list("area_id", flat=True))
    KelurahanBoundary.objects.all().delete()
    KelurahanBoundary.objects.bulk_create(
        [
            KelurahanBoundary(area_id=code, polygons=polygons, uploaded_by=actor)
            for code, polygons in boundaries.shapes.items()
        ]
    )
    record_event_on(
        actor=actor,
        action=AuditAction.BOUNDARIES_LOADED,
        target_type="reporting.kelurahanboundary",
        target_id="*",
        changes={
            "before": {"kelurahan": held_before},
            "after": {
                "berkas": filename,
                "kelurahan": sorted(boundaries.shapes),
                "kode_tidak_dikenal": boundaries.unknown_codes,
            },
        },
        note=f"Batas {len(boundaries.shapes)} kelurahan diunggah",
    )
    return len(boundaries.shapes)


def record_report_download(*, actor: Any, table: str, heading: str) -> None:
    """A report table left the system: figures only, so no person is named in the event."""
    record_event_on(
        actor=actor,
        action=AuditAction.REPORT_DOWNLOADED,
        target_type="reporting.laporan",
        target_id=table,
        changes={"tabel": table, "judul": heading},
        note=heading,
    )
