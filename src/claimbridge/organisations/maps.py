"""County outlines as SVG paths, without map tiles (issue 13, item 5). Pure: no Django.

The outlines come from the one loaded boundary index (`rules.geography.CountyIndex`, loaded once per file by
`rulebook.services.county_index`). The whole coverage is simplified together (`shapely.coverage_simplify`: an edge
two counties share is simplified once, so neighbours keep meeting without slivers), then every vertex is brought to
WGS-84 — the datum phones give and the drivers' report stores — and projected. The map's space is therefore WGS-84:
a tap inverts the projection with two multiplications in the browser, and any other datum is converted here, with
the platform's one conversion (`rules.coordinates`).

The projection is equirectangular with x scaled by the cosine of the middle latitude: over two cities (~300 km)
its distortion is well under the width of a finger.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from claimbridge.rules.coordinates import gcj02_to_wgs84
from claimbridge.rules.geography import CountyIndex, Location

MAP_WIDTH = 4000  # map units across the whole coverage: integers in the paths, ~60 m each here
TOLERANCE_DEG = 0.006  # simplification, in degrees of the boundary file (~0.5 km: a few pixels on a county view)

Box = tuple[float, float, float, float]  # x, y, width, height in map units


@dataclass(frozen=True, slots=True)
class Projection:
    west: float  # longitude at x = 0
    north: float  # latitude at y = 0
    kx: float  # map units per degree of longitude
    ky: float  # map units per degree of latitude

    def project(self, lat: float, lon: float) -> tuple[float, float]:
        return (lon - self.west) * self.kx, (self.north - lat) * self.ky

    def unproject(self, x: float, y: float) -> tuple[float, float]:
        return self.north - y / self.ky, self.west + x / self.kx


@dataclass(frozen=True, slots=True)
class CountyShape:
    adcode: str
    name: str
    city_adcode: str | None
    city: str | None
    path: str  # SVG path data in map units
    box: Box
    label: tuple[float, float]  # where its name goes: the pole of inaccessibility, always inside


@dataclass(frozen=True)
class CountyMap:
    projection: Projection
    width: float
    height: float
    shapes: tuple[CountyShape, ...]
    by_code: dict[str, CountyShape] = field(repr=False)

    @property
    def path_bytes(self) -> int:
        return sum(len(shape.path) for shape in self.shapes)

    def point(self, lat: float, lon: float, *, crs: str = "wgs84") -> tuple[float, float] | None:
        """Where a point (WGS-84 or GCJ-02) lies on the map; None when it is off the map altogether."""
        if crs == "gcj02":
            lat, lon = gcj02_to_wgs84(lat, lon)
        elif crs != "wgs84":
            return None
        x, y = self.projection.project(lat, lon)
        margin = 0.1 * self.width
        if not (-margin <= x <= self.width + margin and -margin <= y <= self.height + margin):
            return None
        return x, y

    def view_box(self, adcode: str | None = None, *, margin: float | None = None) -> Box:
        """The whole coverage, or one county with a margin around it, never much taller than wide (a phone's screen
        is narrow: a tall box would shrink the county)."""
        shape = self.by_code.get(adcode or "")
        x, y, w, h = shape.box if shape else (0.0, 0.0, self.width, self.height)
        if margin is None:
            margin = 0.08 if shape else 0.02
        cx, cy = x + w / 2, y + h / 2
        w, h = max(w, h / 1.25), max(h, w / 2.0)
        w, h = w * (1 + 2 * margin), h * (1 + 2 * margin)
        return cx - w / 2, cy - h / 2, w, h


def _to_wgs84(geometry: BaseGeometry, crs: str) -> BaseGeometry:
    if crs == "wgs84":
        return geometry

    def convert(coords: np.ndarray) -> np.ndarray:
        out = np.empty_like(coords)
        for i, (lon, lat) in enumerate(coords):
            wgs_lat, wgs_lon = gcj02_to_wgs84(float(lat), float(lon))
            out[i] = (wgs_lon, wgs_lat)
        return out

    return shapely.transform(geometry, convert)


def _simplified(geometries: Sequence[BaseGeometry], tolerance: float) -> list[BaseGeometry]:
    coverage_simplify = getattr(shapely, "coverage_simplify", None)  # shapely ≥ 2.1
    if coverage_simplify is not None:
        simplified = list(coverage_simplify(list(geometries), tolerance))
        if all(geometry.is_valid and not geometry.is_empty for geometry in simplified):
            return simplified
    return [geometry.simplify(tolerance, preserve_topology=True) for geometry in geometries]


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    return [part for part in getattr(geometry, "geoms", []) for part in _polygons(part)]


def _number(value: int, previous_end: str) -> str:
    # "l3-4 5 6": a minus sign separates numbers by itself, so no space is spent before one
    text = str(value)
    return text if text.startswith("-") or not previous_end else " " + text


def ring_path(coords: np.ndarray) -> str:
    """One closed ring as `M x y l dx dy … z`, rounded to whole map units (absolute rounding, so no drift)."""
    points = np.rint(coords[:-1] if len(coords) > 1 and (coords[0] == coords[-1]).all() else coords).astype(int)
    if len(points) < 3:
        return ""
    parts = [f"M{points[0][0]} {points[0][1]}l"]
    text = ""
    for (x0, y0), (x1, y1) in pairwise(points):
        dx, dy = int(x1 - x0), int(y1 - y0)
        if dx == 0 and dy == 0:
            continue
        text += _number(dx, text) + _number(dy, "x")
    return parts[0] + text + "z"


def geometry_path(geometry: BaseGeometry, projection: Projection) -> str:
    def project(coords: np.ndarray) -> np.ndarray:
        out = np.empty_like(coords)
        out[:, 0] = (coords[:, 0] - projection.west) * projection.kx
        out[:, 1] = (projection.north - coords[:, 1]) * projection.ky
        return out

    rings: list[str] = []
    for polygon in _polygons(geometry):
        for ring in (polygon.exterior, *polygon.interiors):
            rings.append(ring_path(project(np.asarray(ring.coords)[:, :2])))
    return "".join(rings)


def build_map(
    geometries: Sequence[BaseGeometry],
    locations: Sequence[Location],
    *,
    crs: str = "gcj02",
    tolerance: float = TOLERANCE_DEG,
    width: int = MAP_WIDTH,
) -> CountyMap:
    """Every county of a boundary file as one path each, in one shared frame."""
    if crs not in ("wgs84", "gcj02"):
        raise ValueError(f"unknown CRS {crs!r}")
    wgs = [_to_wgs84(geometry, crs) for geometry in _simplified(geometries, tolerance)]
    west, south, east, north = (float(v) for v in shapely.total_bounds(wgs)) if wgs else (0.0, 0.0, 1.0, 1.0)
    middle = math.radians((south + north) / 2)
    kx = width / (east - west)
    projection = Projection(west=west, north=north, kx=kx, ky=kx / math.cos(middle))
    shapes = []
    for geometry, location in zip(wgs, locations, strict=True):
        minx, miny, maxx, maxy = (float(v) for v in geometry.bounds)
        x0, y0 = projection.project(maxy, minx)
        x1, y1 = projection.project(miny, maxx)
        largest = max(_polygons(geometry), key=lambda polygon: polygon.area)
        label = polylabel(largest, tolerance=tolerance / 4)
        shapes.append(
            CountyShape(
                adcode=location.adcode or "",
                name=location.county or "",
                city_adcode=location.city_adcode,
                city=location.city,
                path=geometry_path(geometry, projection),
                box=(x0, y0, x1 - x0, y1 - y0),
                label=projection.project(float(label.y), float(label.x)),
            )
        )
    height = (north - south) * projection.ky
    return CountyMap(projection, float(width), float(height), tuple(shapes), {s.adcode: s for s in shapes})


def map_of_index(index: CountyIndex, *, tolerance: float = TOLERANCE_DEG) -> CountyMap:
    return build_map(index.geometries, index.locations, crs=index.crs, tolerance=tolerance)
