"""Kelurahan boundaries uploaded by the Dinas (GeoJSON), checked, and drawn as SVG paths.

No boundary data with an open licence ships in any package, so the Dinas uploads its own.
Pure: the parsed JSON (stdlib `json`) comes in, the checked polygons and the SVG paths go
out. A feature is matched to a kelurahan by its Kemendagri code (``33.75.01.1002`` or the
same digits without dots) in one of the usual property names. Everything is bounded before
it is used: the number of features, of points in all, the nesting of the JSON; every refusal
names the feature and the reason in Indonesian.
"""

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MAX_FEATURES = 5_000
MAX_POINTS = 500_000
CODE_PROPERTIES = ("kode", "kode_kemendagri", "kode_kel", "kd_kel", "kode_desa", "code", "id")
_CODE = re.compile(r"^\d{2}\.?\d{2}\.?\d{2}\.?\d{4}$")

Ring = list[tuple[float, float]]  # (longitude, latitude)
Polygon = list[Ring]  # outer ring, then holes


class BoundariesRefused(ValueError):
    """The file as a whole cannot be used; the message says why, in Indonesian."""


@dataclass(frozen=True)
class Boundaries:
    shapes: dict[str, list[Polygon]]  # kelurahan code -> polygons
    unknown_codes: list[str]  # codes in the file that are no kelurahan of the region


def kemendagri_code(value: object) -> str | None:
    """``3375011002`` or ``33.75.01.1002`` -> ``33.75.01.1002``; anything else None."""
    text = str(value).strip() if isinstance(value, str | int) else ""
    if not _CODE.match(text):
        return None
    digits = text.replace(".", "")
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"


def _feature_code(feature: Mapping[str, Any]) -> str | None:
    properties = feature.get("properties") or {}
    if not isinstance(properties, Mapping):
        return None
    lowered = {str(k).lower(): v for k, v in properties.items()}
    for name in CODE_PROPERTIES:
        if name in lowered:
            code = kemendagri_code(lowered[name])
            if code:
                return code
    return None


def _ring(value: Any, where: str) -> Ring:
    if not isinstance(value, list) or len(value) < 4:
        raise BoundariesRefused(f"{where}: cincin poligon harus berisi paling sedikit 4 titik.")
    ring: Ring = []
    for point in value:
        if (
            not isinstance(point, list)
            or len(point) < 2
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in point[:2])
        ):
            raise BoundariesRefused(f"{where}: titik {point!r:.40} bukan pasangan bujur, lintang.")
        lon, lat = float(point[0]), float(point[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90) or not all(
            math.isfinite(c) for c in (lon, lat)
        ):
            raise BoundariesRefused(
                f"{where}: titik ({lon}, {lat}) di luar bujur -180..180 atau lintang -90..90 "
                "(koordinat harus WGS 84, derajat)."
            )
        ring.append((lon, lat))
    return ring


def _polygons(geometry: Any, where: str) -> list[Polygon]:
    if not isinstance(geometry, Mapping):
        raise BoundariesRefused(f"{where}: tidak ada geometri.")
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        groups = [coordinates]
    elif kind == "MultiPolygon" and isinstance(coordinates, list):
        groups = coordinates
    else:
        raise BoundariesRefused(f"{where}: geometri {kind!r} bukan Polygon atau MultiPolygon.")
    polygons: list[Polygon] = []
    for group in groups:
        if not isinstance(group, list) or not group:
            raise BoundariesRefused(f"{where}: poligon kosong.")
        polygons.append([_ring(ring, where) for ring in group])
    return polygons


def read_boundaries(data: Any, known_codes: Iterable[str]) -> Boundaries:
    """The kelurahan polygons of a GeoJSON FeatureCollection, checked."""
    if not isinstance(data, Mapping) or data.get("type") != "FeatureCollection":
        raise BoundariesRefused("Berkas bukan GeoJSON FeatureCollection.")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise BoundariesRefused("GeoJSON tidak berisi satu pun fitur (features).")
    if len(features) > MAX_FEATURES:
        raise BoundariesRefused(
            f"GeoJSON berisi {len(features)} fitur; paling banyak {MAX_FEATURES}."
        )
    known = set(known_codes)
    shapes: dict[str, list[Polygon]] = {}
    unknown: list[str] = []
    points = 0
    for number, feature in enumerate(features, start=1):
        where = f"Fitur ke-{number}"
        if not isinstance(feature, Mapping):
            raise BoundariesRefused(f"{where}: bukan objek Feature.")
        code = _feature_code(feature)
        if code is None:
            raise BoundariesRefused(
                f"{where}: tidak ada kode Kemendagri kelurahan (mis. 33.75.01.1002) pada "
                f"properti {', '.join(CODE_PROPERTIES)}."
            )
        polygons = _polygons(feature.get("geometry"), f"{where} ({code})")
        points += sum(len(ring) for polygon in polygons for ring in polygon)
        if points > MAX_POINTS:
            raise BoundariesRefused(
                f"GeoJSON berisi lebih dari {MAX_POINTS} titik; sederhanakan batasnya dulu."
            )
        if code not in known:
            unknown.append(code)
            continue
        shapes.setdefault(code, []).extend(polygons)
    if not shapes:
        raise BoundariesRefused(
            "Tidak ada fitur yang kodenya cocok dengan kelurahan di wilayah program."
        )
    return Boundaries(shapes=shapes, unknown_codes=sorted(set(unknown)))


@dataclass(frozen=True)
class Shape:
    code: str
    path: str  # SVG path data


def svg_paths(
    shapes: Mapping[str, Sequence[Polygon]], *, width: int = 600
) -> tuple[list[Shape], int, int]:
    """Every kelurahan as an SVG path in a `width`-wide box (height follows the region's
    shape): an equirectangular projection, longitude scaled by the cosine of the middle
    latitude, which at a city's scale is as good as any."""
    points = [p for polygons in shapes.values() for poly in polygons for ring in poly for p in ring]
    if not points:
        return [], width, 0
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    scale_x = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = (max(lons) - min(lons)) * scale_x or 1e-9
    span_y = max(lats) - min(lats) or 1e-9
    factor = width / span_x
    height = max(1, round(span_y * factor))

    def xy(point: tuple[float, float]) -> str:
        x = (point[0] - min(lons)) * scale_x * factor
        y = (max(lats) - point[1]) * factor
        return f"{x:.1f} {y:.1f}"

    result = []
    for code in sorted(shapes):
        parts = [
            "M" + " L".join(xy(p) for p in ring) + " Z"
            for polygon in shapes[code]
            for ring in polygon
        ]
        result.append(Shape(code, " ".join(parts)))
    return result, width, height


def shade(value: int, highest: int, steps: int = 5) -> int:
    """0 for none, else 1..steps by the share of the highest value."""
    if value <= 0 or highest <= 0:
        return 0
    return min(steps, 1 + (steps - 1) * value // highest)
