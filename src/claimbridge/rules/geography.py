"""Which county a point lies in, from a boundary GeoJSON (B3): a spatial index, not a loop over polygons.

Features carry `adcode` and `name` (the DataV schema: `parent.adcode` gives the city). The boundaries' datum is
GCJ-02 by default; points may come in WGS-84 (phones, EXIF) or GCJ-02 (Chinese map pins) and are converted first.
Where neighbouring polygons overlap slightly (the Longnan and Tianshui files do, by about 3 km²), the county the
point lies deepest inside wins, so the answer never depends on file order.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from claimbridge.rules.common import RuleInputError
from claimbridge.rules.coordinates import gcj02_to_wgs84, wgs84_to_gcj02

CRS_CHOICES = ("wgs84", "gcj02")

# City-level divisions of Gansu (GB/T 2260), for files whose features name only their parent's code.
CITY_NAMES = {
    "620100": "兰州市",
    "620200": "嘉峪关市",
    "620300": "金昌市",
    "620400": "白银市",
    "620500": "天水市",
    "620600": "武威市",
    "620700": "张掖市",
    "620800": "平凉市",
    "620900": "酒泉市",
    "621000": "庆阳市",
    "621100": "定西市",
    "621200": "陇南市",
    "622900": "临夏回族自治州",
    "623000": "甘南藏族自治州",
}


@dataclass(frozen=True, slots=True)
class Location:
    adcode: str | None
    county: str | None
    city_adcode: str | None
    city: str | None

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


NOWHERE = Location(None, None, None, None)


class CountyIndex:
    """Counties of a boundary file in an STR-tree; `locate` answers in microseconds."""

    def __init__(self, features: list[dict[str, Any]], *, crs: str = "gcj02") -> None:
        if crs not in CRS_CHOICES:
            raise ValueError(f"unknown CRS {crs!r}")
        self.crs = crs
        geometries: list[BaseGeometry] = []
        self.locations: list[Location] = []
        city_names = dict(CITY_NAMES)
        for feature in features:
            properties = feature.get("properties") or {}
            if properties.get("level") == "city" and "adcode" in properties:
                city_names[str(properties["adcode"])] = str(properties.get("name"))
        for feature in features:
            properties = feature.get("properties") or {}
            if (
                "adcode" not in properties
                or properties.get("level") in {"city", "province"}
                or not feature.get("geometry")
            ):
                continue
            adcode = str(properties["adcode"])
            parent = properties.get("parent")
            city_code = str(parent["adcode"]) if isinstance(parent, dict) and "adcode" in parent else adcode[:4] + "00"
            geometry = shape(feature["geometry"])
            if not geometry.is_valid:
                geometry = shapely.make_valid(geometry)
            shapely.prepare(geometry)
            geometries.append(geometry)
            self.locations.append(Location(adcode, str(properties.get("name")), city_code, city_names.get(city_code)))
        self.geometries = geometries
        self.tree = shapely.STRtree(geometries)

    @classmethod
    def from_file(cls, path: str | Path, *, crs: str = "gcj02") -> CountyIndex:
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise RuleInputError(
                "boundaries", f"无法读取边界文件（{exc.strerror}）", f"cannot read the boundary file ({exc.strerror})"
            ) from None
        except ValueError:
            raise RuleInputError(
                "boundaries", "边界文件不是有效的 GeoJSON", "the boundary file is not valid GeoJSON"
            ) from None
        features = document.get("features") if isinstance(document, dict) else None
        if not isinstance(features, list):
            raise RuleInputError(
                "boundaries",
                "边界文件不是 GeoJSON FeatureCollection",
                "the boundary file is not a GeoJSON FeatureCollection",
            )
        return cls(features, crs=crs)

    def regions(self) -> list[tuple[Location, BaseGeometry]]:
        """Each county with its boundary (in the file's datum), in the file's order."""
        return list(zip(self.locations, self.geometries, strict=True))

    def _to_boundary_crs(self, lat: float, lon: float, crs: str) -> tuple[float, float]:
        if crs == self.crs:
            return lat, lon
        return wgs84_to_gcj02(lat, lon) if self.crs == "gcj02" else gcj02_to_wgs84(lat, lon)

    def locate(self, lat: float, lon: float, *, crs: str = "wgs84") -> Location:
        check_coordinates(lat, lon)
        if crs not in CRS_CHOICES:
            raise RuleInputError("crs", "应为 wgs84 或 gcj02", "must be wgs84 or gcj02")
        y, x = self._to_boundary_crs(lat, lon, crs)
        point = shapely.Point(x, y)
        hits = self.tree.query(point, predicate="intersects")
        if len(hits) == 0:
            return NOWHERE
        if len(hits) == 1:
            return self.locations[int(hits[0])]
        deepest = max(
            hits, key=lambda i: (self.geometries[int(i)].boundary.distance(point), self.locations[int(i)].adcode)
        )
        return self.locations[int(deepest)]


def check_coordinates(lat: float, lon: float) -> None:
    if not -90.0 <= lat <= 90.0:
        raise RuleInputError("lat", "纬度应在 -90 到 90 之间", "latitude must be between -90 and 90")
    if not -180.0 <= lon <= 180.0:
        raise RuleInputError("lon", "经度应在 -180 到 180 之间", "longitude must be between -180 and 180")
