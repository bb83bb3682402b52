"""The reference data case intake reads on every creation, through the per-process cache (core.reference_cache)."""

from __future__ import annotations

from typing import Any

from claimbridge.core.reference_cache import remembered
from claimbridge.organisations.models import ClaimsUnit, County, Insurer, ServiceArea


def counties() -> dict[str, County]:
    return remembered("cases.counties", lambda: {c.code: c for c in County.objects.select_related("city")})


def insurers() -> dict[str, Insurer]:
    return remembered("cases.insurers", lambda: {i.code: i for i in Insurer.objects.all()})


def insurers_by_id() -> dict[int, Insurer]:
    return remembered("cases.insurers_by_id", lambda: {i.pk: i for i in insurers().values()})


def serving_units() -> dict[tuple[int, int], int]:
    """(insurer id, county id) → the claims unit serving it (R16)."""
    return remembered("cases.serving_units", lambda: {
        (area.insurer_id, area.county_id): area.claims_unit_id for area in ServiceArea.objects.all()
    })  # fmt: skip


def claims_units() -> dict[int, ClaimsUnit]:
    return remembered(
        "cases.claims_units", lambda: {u.pk: u for u in ClaimsUnit.objects.select_related("branch__city")}
    )


def webhook_endpoints() -> dict[int, list[Any]]:
    """Insurer id → its active endpoints."""
    from claimbridge.cases.models import WebhookEndpoint

    def load() -> dict[int, list[Any]]:
        found: dict[int, list[Any]] = {}
        for endpoint in WebhookEndpoint.objects.filter(active=True):
            found.setdefault(endpoint.insurer_id, []).append(endpoint)
        return found

    return remembered("cases.webhook_endpoints", load)
