"""Reads for the public guide (R18): public information only — the cities, their counties and the service points."""

from __future__ import annotations

from typing import Any

from claimbridge.cases import selectors as case_selectors
from claimbridge.organisations import selectors as organisation_selectors


def service_points_public() -> tuple[list[Any], list[Any]]:
    """The cities with their counties, and every active service point (the directory the back office keeps)."""
    return list(organisation_selectors.city_list().order_by("code")), case_selectors.service_point_list_public()
