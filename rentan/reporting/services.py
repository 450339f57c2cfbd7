"""The one change the reporting app makes: the kelurahan boundaries behind the map."""

from typing import Any

from django.db import transaction

from rentan.core.audit import record_event_on
from rentan.core.models import AuditAction
from rentan.reporting.coverage_map import Boundaries
from rentan.reporting.models import KelurahanBoundary


@transaction.atomic
def load_boundaries(*, actor: Any, boundaries: Boundaries, filename: str) -> int:
    """The uploaded file takes the place of the boundaries held before, whole."""
    KelurahanBoundary.objects.all().delete()
    KelurahanBoundary.objects.bulk_create(
        [
            KelurahanBoundary(area_id=code, polygons=polygons, uploaded_by=actor)
            for code, polygons in boundaries.shapes.items()
        ]
    )
    record_event_on(
        actor=actor,
        action=AuditAction.IMPORT,
        target_type="reporting.kelurahanboundary",
        target_id="*",
        changes={
            "berkas": filename,
            "kelurahan": sorted(boundaries.shapes),
            "kode_tidak_dikenal": boundaries.unknown_codes,
        },
        note=f"Batas {len(boundaries.shapes)} kelurahan diunggah",
    )
    return len(boundaries.shapes)
