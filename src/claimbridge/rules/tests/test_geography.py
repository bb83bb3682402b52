"""County lookup from real boundaries, with WGS-84 and GCJ-02 handled (B3)."""

from __future__ import annotations

import json
import math
import random
import statistics
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from claimbridge.rules.common import RuleInputError
from claimbridge.rules.coordinates import distance_m, gcj02_to_wgs84, wgs84_to_gcj02
from claimbridge.rules.geography import CountyIndex

DATA = Path(__file__).resolve().parents[4] / "tests" / "data"
COUNTIES = DATA / "gansu_longnan_tianshui_counties.geojson"

# County seats (domain-facts §5.1; the datum of that table is GCJ-02, as Chinese map services give it).
SEATS = {
    "620502": (34.580888, 105.724215),
    "620503": (34.570384, 105.889556),
    "620521": (34.749864, 106.137293),
    "620522": (34.858916, 105.674982),
    "620523": (34.745486, 105.340747),
    "620524": (34.721390, 104.890587),
    "620525": (34.988037, 106.204517),
    "621202": (33.392211, 104.926337),
    "621221": (33.750610, 105.742424),
    "621222": (32.943815, 104.683433),
    "621223": (34.047261, 104.393385),
    "621224": (33.329136, 105.609169),
    "621225": (34.014215, 105.298756),
    "621226": (34.189345, 105.178640),
    "621227": (33.768826, 106.087780),
    "621228": (33.908917, 106.304966),
}


@pytest.fixture(scope="module")
def index() -> CountyIndex:
    return CountyIndex.from_file(COUNTIES)


def test_published_conversion_vectors():
    lat, lon = wgs84_to_gcj02(39.915, 116.404)
    assert (lat, lon) == pytest.approx((39.91640428150164, 116.41024449916938), abs=1e-9)
    lat, lon = wgs84_to_gcj02(31.1774276, 121.5272106)
    assert (lat, lon) == pytest.approx((31.17530398364597, 121.531541859215), abs=1e-9)


def test_the_inverse_is_exact_to_a_millimetre_across_the_two_cities():
    rng = random.Random(7)
    for _ in range(500):
        lat, lon = rng.uniform(32.5, 35.3), rng.uniform(104.0, 106.8)
        back = gcj02_to_wgs84(*wgs84_to_gcj02(lat, lon))
        assert distance_m(lat, lon, *back) < 0.001


def test_outside_china_nothing_moves():
    assert wgs84_to_gcj02(48.8566, 2.3522) == (48.8566, 2.3522)
    assert gcj02_to_wgs84(-33.86, 151.2) == (-33.86, 151.2)


def test_the_shift_here_is_hundreds_of_metres():
    shifted = wgs84_to_gcj02(34.58, 105.72)
    assert 200 < distance_m(34.58, 105.72, *shifted) < 600


def test_converted_boundaries_agree_better_with_an_independent_wgs84_outline():
    """The Tianditu province outline is WGS-84: county vertices on the province border move towards it."""
    outline = shape(
        json.loads((DATA / "gansu_province_outline_tianditu_wgs84.geojson").read_text())["features"][0]["geometry"]
    )
    border = outline.boundary
    raw, converted = [], []
    for feature in json.loads(COUNTIES.read_text())["features"]:
        for polygon in feature["geometry"]["coordinates"]:
            for lon, lat in polygon[0]:
                metres = border.distance(shapely.Point(lon, lat)) * 111_000
                if metres < 1500:
                    raw.append(metres)
                    wlat, wlon = gcj02_to_wgs84(lat, lon)
                    converted.append(border.distance(shapely.Point(wlon, wlat)) * 111_000)
    assert len(raw) > 500
    assert statistics.median(converted) < 0.7 * statistics.median(raw)


@pytest.mark.parametrize("adcode", sorted(SEATS))
def test_every_county_seat_is_found_in_its_county(index, adcode):
    lat, lon = SEATS[adcode]
    found = index.locate(lat, lon, crs="gcj02")
    assert found.adcode == adcode
    assert found.city_adcode == adcode[:4] + "00"
    assert found.city == ("天水市" if adcode.startswith("6205") else "陇南市")
    assert index.locate(*gcj02_to_wgs84(lat, lon), crs="wgs84") == found


def test_the_datum_of_the_point_decides_the_answer_near_a_border(index):
    """A WGS-84 fix read as if it were GCJ-02 lands in the wrong county somewhere along the borders."""
    rng = random.Random(3)
    disagreements = 0
    for _ in range(4000):
        lat, lon = rng.uniform(32.6, 35.2), rng.uniform(104.0, 106.7)
        if index.locate(lat, lon, crs="wgs84") != index.locate(lat, lon, crs="gcj02"):
            disagreements += 1
    assert disagreements > 0


def test_outside_every_county_all_four_are_null(index):
    assert index.locate(39.9042, 116.4074).as_dict() == {
        "adcode": None,
        "county": None,
        "city_adcode": None,
        "city": None,
    }


def test_overlapping_counties_resolve_to_the_deeper_one_whatever_the_file_order():
    features = json.loads(COUNTIES.read_text())["features"]
    forward, backward = CountyIndex(features), CountyIndex(list(reversed(features)))
    shapes = {str(f["properties"]["adcode"]): shape(f["geometry"]) for f in features}
    overlap = shapes["620502"].intersection(shapes["621226"])  # 秦州区 / 礼县, about 0.75 km²
    point = overlap.representative_point()
    a = forward.locate(point.y, point.x, crs="gcj02")
    assert a == backward.locate(point.y, point.x, crs="gcj02")
    assert a.adcode in {"620502", "621226"}


@pytest.mark.parametrize(("lat", "lon", "field"), [(91, 105, "lat"), (34, 181, "lon"), (math.nan, 105, "lat")])
def test_impossible_coordinates_are_refused(index, lat, lon, field):
    with pytest.raises(RuleInputError) as caught:
        index.locate(lat, lon)
    assert caught.value.field == field


def test_a_missing_or_broken_boundary_file_is_a_clear_error(tmp_path):
    with pytest.raises(RuleInputError):
        CountyIndex.from_file(tmp_path / "missing.geojson")
    (tmp_path / "broken.geojson").write_text("{not json")
    with pytest.raises(RuleInputError):
        CountyIndex.from_file(tmp_path / "broken.geojson")
