"""Kelurahan boundaries: read from a GeoJSON the test makes, matched by Kemendagri code,
refused with reasons, drawn as inline SVG, and the table when there are none."""

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rentan.core.models import AuditAction, AuditEvent
from rentan.reporting import coverage_map
from rentan.reporting.coverage_map import BoundariesRefused
from rentan.reporting.models import KelurahanBoundary
from rentan.testing.factories import CycleFactory, PersonFactory, PlacementFactory

MEDONO = "33.75.01.1002"
SOKODUWET = "33.75.04.1010"


def _square(lon: float, lat: float, size: float = 0.01) -> list[list[list[float]]]:
    return [
        [
            [lon, lat],
            [lon + size, lat],
            [lon + size, lat + size],
            [lon, lat + size],
            [lon, lat],
        ]
    ]


def _feature(code: object, geometry: dict, key: str = "kode") -> dict:
    return {"type": "Feature", "properties": {key: code}, "geometry": geometry}


def _collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def test_features_are_matched_by_kemendagri_code_with_or_without_dots():
    data = _collection(
        _feature(MEDONO, {"type": "Polygon", "coordinates": _square(109.66, -6.89)}),
        _feature(
            "3375041010",
            {"type": "MultiPolygon", "coordinates": [_square(109.70, -6.93)]},
            key="KODE_KEL",
        ),
        _feature("3375999999", {"type": "Polygon", "coordinates": _square(109.0, -6.0)}),
    )
    read = coverage_map.read_boundaries(data, [MEDONO, SOKODUWET])
    assert sorted(read.shapes) == [MEDONO, SOKODUWET]
    assert read.unknown_codes == ["33.75.99.9999"]
    assert read.shapes[MEDONO][0][0][0] == (109.66, -6.89)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([], "bukan GeoJSON FeatureCollection"),
        (_collection(), "tidak berisi satu pun fitur"),
        (
            _collection({"type": "Feature", "properties": {"nama": "Medono"}, "geometry": None}),
            "Fitur ke-1: tidak ada kode Kemendagri",
        ),
        (
            _collection(_feature(MEDONO, {"type": "Point", "coordinates": [109.6, -6.9]})),
            "bukan Polygon atau MultiPolygon",
        ),
        (
            _collection(_feature(MEDONO, {"type": "Polygon", "coordinates": [[[1, 2], [3, 4]]]})),
            "paling sedikit 4 titik",
        ),
        (
            _collection(
                _feature(MEDONO, {"type": "Polygon", "coordinates": _square(450000.0, 9230000.0)})
            ),
            "koordinat harus WGS 84",
        ),
        (
            _collection(_feature("3375999999", {"type": "Polygon", "coordinates": _square(1, 1)})),
            "Tidak ada fitur yang kodenya cocok",
        ),
    ],
)
def test_a_bad_file_is_refused_with_its_reason(data, reason):
    with pytest.raises(BoundariesRefused, match=reason):
        coverage_map.read_boundaries(data, [MEDONO])


def test_too_many_points_are_refused(monkeypatch):
    monkeypatch.setattr(coverage_map, "MAX_POINTS", 8)
    data = _collection(
        _feature(MEDONO, {"type": "Polygon", "coordinates": _square(109.66, -6.89)}),
        _feature(SOKODUWET, {"type": "Polygon", "coordinates": _square(109.70, -6.93)}),
    )
    with pytest.raises(BoundariesRefused, match="lebih dari 8 titik"):
        coverage_map.read_boundaries(data, [MEDONO, SOKODUWET])


def test_svg_paths_put_north_up_and_keep_the_regions_shape():
    shapes, width, height = coverage_map.svg_paths(
        {MEDONO: [_square(109.0, -7.0, 0.02)[:1]], SOKODUWET: [_square(109.02, -6.98, 0.02)]},
        width=100,
    )
    assert width == 100
    assert 100 <= height <= 102
    medono = next(s for s in shapes if s.code == MEDONO)
    # Medono is the south-west square: it starts at the left edge, at the bottom.
    assert medono.path.startswith("M0.0 ")
    assert medono.path.endswith(" Z")


@pytest.mark.parametrize(("value", "shade"), [(0, 0), (1, 1), (5, 3), (10, 5), (3, 2)])
def test_shade_grows_with_the_share_of_the_highest(value, shade):
    assert coverage_map.shade(value, 10) == shade


@pytest.fixture
def covered(db):
    """Two active members in Medono, none in Sokoduwet."""
    cycle = CycleFactory()
    from rentan.enrollment.models import Membership

    for rank in (1, 2):
        placement = PlacementFactory(
            cycle=cycle, person=PersonFactory(kelurahan_id=MEDONO), rank=rank, kind="new"
        )
        Membership.objects.create(
            cycle=cycle,
            person=placement.person,
            placement=placement,
            status="active",
            start_on=date(2023, 1, 1),
            requested_start_on=date(2023, 1, 1),
        )
    return cycle


def _upload(client, data: object, name: str = "batas.geojson"):
    content = data if isinstance(data, bytes) else json.dumps(data).encode()
    return client.post(
        reverse("reporting:upload_boundaries"),
        {"file": SimpleUploadedFile(name, content, content_type="application/geo+json")},
        follow=True,
    )


@pytest.mark.django_db
def test_without_boundaries_the_page_shows_the_table(client, leader_user, covered):
    client.force_login(leader_user)
    page = client.get(reverse("reporting:coverage_map")).content.decode()
    assert 'data-testid="no-boundaries"' in page
    assert "<svg" not in page
    assert "Medono" in page
    assert "Sokoduwet" in page


@pytest.mark.django_db
def test_uploaded_boundaries_draw_the_map_inline(client, admin_user, leader_user, covered):
    client.force_login(admin_user)
    data = _collection(
        _feature(MEDONO, {"type": "Polygon", "coordinates": _square(109.66, -6.89)}),
        _feature(SOKODUWET, {"type": "Polygon", "coordinates": _square(109.70, -6.93)}),
    )
    response = _upload(client, data)
    assert "Batas 2 kelurahan dimuat." in response.content.decode()
    assert KelurahanBoundary.objects.count() == 2
    event = AuditEvent.objects.get(target_type="reporting.kelurahanboundary")
    assert event.action == AuditAction.BOUNDARIES_LOADED
    assert event.changes["after"]["kelurahan"] == [MEDONO, SOKODUWET]

    client.force_login(leader_user)
    page = client.get(reverse("reporting:coverage_map")).content.decode()
    assert 'data-testid="coverage-map"' in page
    assert f'data-kode="{MEDONO}"' in page
    assert 'class="shade-5"' in page
    assert f'data-kode="{SOKODUWET}"' in page
    assert 'class="shade-0"' in page
    assert "http://www.w3.org/2000/svg" in page
    assert "https://" not in page.split('data-testid="coverage-map"')[1].split("</svg>")[0]


@pytest.mark.django_db
def test_a_refused_upload_says_why_in_indonesian_and_keeps_the_old_boundaries(
    client, admin_user, covered, settings
):
    client.force_login(admin_user)
    _upload(
        client,
        _collection(_feature(MEDONO, {"type": "Polygon", "coordinates": _square(109.66, -6.89)})),
    )
    bad = _upload(client, b'{"type": "FeatureCollection", "features": [')
    assert "Batas kelurahan ditolak: Berkas bukan JSON yang sah: baris 1" in bad.content.decode()
    settings.RENTAN_BOUNDARY_UPLOAD_MAX_BYTES = 100
    big = _upload(client, b" " * 101)
    assert "lebih besar dari batas" in big.content.decode()
    settings.RENTAN_BOUNDARY_UPLOAD_MAX_BYTES = 1_000_000
    deep = _upload(client, b"[" * 100_000 + b"]" * 100_000)
    assert "Batas kelurahan ditolak: JSON terlalu dalam bersarang" in deep.content.decode()
    assert list(KelurahanBoundary.objects.values_list("area_id", flat=True)) == [MEDONO]
