"""The rules kernel seen from Django: the configured county boundaries and the one point → county rule."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from claimbridge.rules.common import RuleInputError
from claimbridge.rules.geography import CountyIndex, Location


class BoundariesNotConfigured(Exception):
    """COUNTY_BOUNDARIES_FILE is not set: the platform cannot place a point in a county."""


@cache
def _county_index(path: str, crs: str) -> CountyIndex:
    return CountyIndex.from_file(path, crs=crs)


def county_index() -> CountyIndex:
    path = getattr(settings, "COUNTY_BOUNDARIES_FILE", "")
    if not path:
        raise BoundariesNotConfigured
    return _county_index(str(path), settings.COUNTY_BOUNDARIES_CRS)


def locate(lat: float, lon: float, *, crs: str = "wgs84") -> Location:
    return county_index().locate(lat, lon, crs=crs)


def county_code_at(latitude: float | None, longitude: float | None, crs: str = "wgs84") -> str:
    """The county code of a point (WGS-84 or GCJ-02) from the configured boundaries; "" when the point is missing,
    invalid, outside every county or no boundaries are configured. The one point → county rule of the platform (B3)."""
    if latitude is None or longitude is None:
        return ""
    try:
        return locate(latitude, longitude, crs=crs).adcode or ""
    except (BoundariesNotConfigured, RuleInputError):
        return ""
