"""The map kernel (issue 13, item 5; B3): projection, simplification, paths that hold their counties, size."""

from __future__ import annotations

import re
from functools import cache, reduce
from pathlib import Path

import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from claimbridge.organisations import maps
from claimbridge.rules.coordinates import gcj02_to_wgs84
from claimbridge.rules.geography import CountyIndex

BOUNDARIES = Path(__file__).resolve().parents[4] / "tests" / "data" / "gansu_longnan_tianshui_counties.geojson"
WUDU_WGS84 = (33.395, 104.923)  # the district government of 武都区, from a phone


@cache
def index() -> CountyIndex:
    return CountyIndex.from_file(BOUNDARIES)


@cache
def drawn() -> maps.CountyMap:
    return maps.map_of_index(index())


def polygon_of(path: str) -> BaseGeometry:
    """Read back the path language the kernel writes (M x y, l dx dy …, z) into a shape in map units."""
    polygons: list[BaseGeometry] = []
    for ring in re.findall(r"M(-?\d+) (-?\d+)l([^Mz]*)z", path):
        x, y = int(ring[0]), int(ring[1])
        numbers = [int(n) for n in re.findall(r"-?\d+", ring[2])]
        points = [(x, y)]
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
        polygons.append(Polygon(points))
    return reduce(lambda a, b: a.symmetric_difference(b), polygons)  # holes are rings drawn even-odd


def test_a_ring_is_written_with_relative_whole_units_and_no_wasted_spaces():
    import numpy as np

    square = np.array([(0.2, 0.4), (10.1, 0.0), (10.0, 9.6), (0.0, 10.0), (0.2, 0.4)])
    assert maps.ring_path(square) == "M0 0l10 0 0 10-10 0z"
    assert maps.ring_path(np.array([(0.0, 0.0), (1.0, 1.0)])) == ""  # not an area


@settings(deadline=None)  # the first example builds the map
@given(
    lat=st.floats(min_value=32.0, max_value=36.0, allow_nan=False),
    lon=st.floats(min_value=103.0, max_value=108.0, allow_nan=False),
)
def test_the_projection_is_inverted_exactly(lat, lon):
    projection = drawn().projection
    back_lat, back_lon = projection.unproject(*projection.project(lat, lon))
    assert back_lat == pytest.approx(lat, abs=1e-9)
    assert back_lon == pytest.approx(lon, abs=1e-9)


def test_the_frame_is_the_coverage_with_true_proportions():
    """x is scaled by the cosine of the middle latitude: a kilometre is as long across as up and down."""
    import math

    county_map = drawn()
    assert county_map.width == maps.MAP_WIDTH
    west, south, east, north = shapely.total_bounds(index().geometries)
    middle = math.radians((south + north) / 2)
    assert county_map.projection.kx / county_map.projection.ky == pytest.approx(math.cos(middle), rel=1e-4)
    assert county_map.height / county_map.width == pytest.approx(
        (north - south) / ((east - west) * math.cos(middle)), rel=0.01
    )
    for shape in county_map.shapes:
        x, y, w, h = shape.box
        assert x >= -1
        assert y >= -1
        assert x + w <= county_map.width + 1
        assert y + h <= county_map.height + 1


def test_simplification_keeps_each_county_and_its_neighbours_roughly():
    """Areas stay within 2 %, every shape stays valid, counties that touched still touch and barely overlap."""
    originals = index().geometries
    simplified = maps._simplified(originals, maps.TOLERANCE_DEG)
    vertices = sum(len(shapely.get_coordinates(g)) for g in simplified)
    assert vertices < 0.5 * sum(len(shapely.get_coordinates(g)) for g in originals)
    for original, simple in zip(originals, simplified, strict=True):
        assert simple.is_valid
        assert not simple.is_empty
        assert simple.area == pytest.approx(original.area, rel=0.02)
        assert original.symmetric_difference(simple).area < 0.03 * original.area
    for i, a in enumerate(originals):
        for j in range(i + 1, len(originals)):
            if a.touches(originals[j]) or a.intersects(originals[j]):
                assert simplified[i].intersects(simplified[j]), (i, j)
                overlap = simplified[i].intersection(simplified[j]).area
                assert overlap < 0.01 * min(simplified[i].area, simplified[j].area), (i, j)


def test_every_county_holds_its_own_points_on_the_map():
    """A point well inside a county (GCJ-02 like the file) lands inside that county's drawn path, and inside no
    other county's; the label point is inside its county too."""
    county_map = drawn()
    shapes = {shape.adcode: polygon_of(shape.path) for shape in county_map.shapes}
    for geometry, location in zip(index().geometries, index().locations, strict=True):
        inner = geometry.buffer(-0.02)  # ~2 km inside, beyond the simplification's reach
        point = (inner if not inner.is_empty else geometry).representative_point()
        on_map = county_map.point(point.y, point.x, crs="gcj02")
        assert on_map is not None
        assert shapes[location.adcode].contains(shapely.Point(on_map)), location.county
        assert [code for code, shape in shapes.items() if shape.contains(shapely.Point(on_map))] == [location.adcode]
        assert shapes[location.adcode].contains(shapely.Point(county_map.by_code[location.adcode].label))


def test_a_phone_position_and_its_gcj02_twin_are_the_same_spot_on_the_map():
    """The map's space is WGS-84: a GCJ-02 pin is converted, not drawn ~400 m off."""
    county_map = drawn()
    wgs = county_map.point(*WUDU_WGS84, crs="wgs84")
    assert wgs is not None
    assert polygon_of(county_map.by_code["621202"].path).contains(shapely.Point(wgs))
    from claimbridge.rules.coordinates import wgs84_to_gcj02

    gcj = county_map.point(*wgs84_to_gcj02(*WUDU_WGS84), crs="gcj02")
    assert gcj == pytest.approx(wgs, abs=0.01)
    raw = county_map.projection.project(*wgs84_to_gcj02(*WUDU_WGS84))
    assert abs(raw[0] - wgs[0]) > 3  # unconverted it would sit visibly east (about 6 map units here)


def test_a_tap_inverts_to_a_point_of_the_county_tapped():
    """What map.js does with a tap (unproject the map units) gives WGS-84 that the platform's lookup places in the
    county drawn there."""
    county_map = drawn()
    for shape in county_map.shapes:
        lat, lon = county_map.projection.unproject(*shape.label)
        assert index().locate(lat, lon, crs="wgs84").adcode == shape.adcode


def test_points_off_the_map_have_no_pin():
    county_map = drawn()
    assert county_map.point(39.9, 116.4) is None  # Beijing
    assert county_map.point(*WUDU_WGS84, crs="bd09") is None


def test_a_county_view_frames_the_county_and_is_never_a_sliver():
    county_map = drawn()
    for shape in county_map.shapes:
        x, y, w, h = county_map.view_box(shape.adcode)
        sx, sy, sw, sh = shape.box
        assert x <= sx
        assert y <= sy
        assert sx + sw <= x + w
        assert sy + sh <= y + h
        assert 0.5 <= h / w <= 1.25 * 1.0001
    x, y, w, h = county_map.view_box()
    assert max(x, y) < 0
    assert w > county_map.width
    assert h > county_map.height
    assert county_map.view_box("no-such-county") == county_map.view_box()


def test_the_outlines_fit_the_page_budget():
    """All 16 counties in under 20 KB of path data (the page's budget is 30 KB); finer tolerance, more bytes."""
    county_map = drawn()
    assert len(county_map.shapes) == 16
    assert county_map.path_bytes < 20_000
    finer = maps.map_of_index(index(), tolerance=maps.TOLERANCE_DEG / 3)
    assert finer.path_bytes > county_map.path_bytes


def test_a_wgs84_boundary_file_is_drawn_without_conversion():
    county_map = drawn()
    as_wgs = maps.build_map(index().geometries, index().locations, crs="wgs84")
    lat, lon = 33.4, 104.9
    assert as_wgs.point(lat, lon, crs="wgs84") != county_map.point(lat, lon, crs="wgs84")
    converted = gcj02_to_wgs84(lat, lon)
    assert as_wgs.projection.west == pytest.approx(county_map.projection.west + (lon - converted[1]), abs=1e-3)
    with pytest.raises(ValueError, match="unknown CRS"):
        maps.build_map(index().geometries, index().locations, crs="bd09")
