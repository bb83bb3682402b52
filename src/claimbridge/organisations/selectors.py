"""Reads of organisation data. Public directory reads need no user; everything internal goes through the scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from claimbridge.accounts.scope import scope_for
from claimbridge.organisations.models import (
    AntiFraudCommittee,
    Branch,
    BranchLevel,
    City,
    ClaimsUnit,
    County,
    Insurer,
    ServiceArea,
)
from claimbridge.organisations.services import ServiceAreaIssue, service_area_check


def city_list() -> QuerySet[City]:
    return City.objects.prefetch_related(Prefetch("counties", queryset=County.objects.order_by("code")))


def county_list(*, city_code: str | None = None) -> QuerySet[County]:
    counties = County.objects.select_related("city")
    return counties.filter(city__code=city_code) if city_code else counties


def county_get(*, code: str) -> County | None:
    return County.objects.select_related("city").filter(code=code).first()


def insurer_list_public() -> QuerySet[Insurer]:
    """Active insurers with the cities they have city-level branches in (public information)."""
    return Insurer.objects.filter(is_active=True).prefetch_related(
        Prefetch(
            "branches",
            queryset=Branch.objects.filter(level=BranchLevel.CITY).select_related("city"),
            to_attr="city_branches",
        )
    )


def insurer_cities(insurer: Insurer) -> list[City]:
    branches = getattr(insurer, "city_branches", None)
    if branches is None:
        branches = list(insurer.branches.filter(level=BranchLevel.CITY).select_related("city"))
    return sorted((branch.city for branch in branches), key=lambda city: city.code)


def service_directory(*, county: County) -> QuerySet[ServiceArea]:
    """Which claims unit of each insurer serves a county: the public answer to "where do I go?" (R1, R16)."""
    return (
        ServiceArea.objects.filter(county=county, insurer__is_active=True)
        .select_related("insurer", "claims_unit__branch__city")
        .order_by("insurer__code")
    )


def claims_unit_name(pk: int) -> str:
    """A claims unit's name (public: the service directory shows it), or "" when there is none."""
    unit = ClaimsUnit.objects.filter(pk=pk).first()
    return unit.display_name if unit is not None else ""


def claims_unit_list_for_user(*, user: Any) -> QuerySet[ClaimsUnit]:
    """Claims units whose internal details the user may see, with how many staff each has."""
    scope = scope_for(user)
    return (
        scope.filter_claims_units(ClaimsUnit.objects.all())
        .select_related("branch__insurer", "branch__city", "branch__county")
        .annotate(staff_count=Count("users", filter=Q(users__is_active=True)))
        .prefetch_related(Prefetch("service_areas", queryset=ServiceArea.objects.select_related("county")))
        .order_by("branch__insurer__code", "branch__city__code", "name")
    )


@dataclass(frozen=True)
class InsurerOverview:
    insurer: Insurer
    cities: list[City]
    issues: list[ServiceAreaIssue]


def insurer_overview_list_for_user(*, user: Any) -> list[InsurerOverview]:
    """Insurers whose internal organisation the user may see, with their service-area problems."""
    insurers = insurer_list_public().filter(scope_for(user).insurers_q())
    return [
        InsurerOverview(insurer=insurer, cities=insurer_cities(insurer), issues=service_area_check(insurer=insurer))
        for insurer in insurers
    ]


def committee_for_user(*, user: Any) -> AntiFraudCommittee | None:
    scope = scope_for(user)
    if scope.committee_id is None:
        return None
    return AntiFraudCommittee.objects.prefetch_related("associations__city").get(pk=scope.committee_id)


@dataclass(frozen=True)
class NetworkStatistics:
    cities: int
    counties: int
    insurers: int
    insurers_in_both_cities: int
    claims_units: int
    counties_fully_served: int


def network_statistics() -> NetworkStatistics:
    """Aggregate figures about the service network: public, and what the regulator watches (R19)."""
    insurers = list(insurer_list_public())
    insurer_count = len(insurers)
    both = sum(1 for insurer in insurers if len(insurer_cities(insurer)) >= 2)
    served_by = (
        ServiceArea.objects.filter(insurer__is_active=True)
        .values("county")
        .annotate(n=Count("insurer", distinct=True))
        .values_list("county", "n")
    )
    present_by_city = dict(
        Branch.objects.filter(level=BranchLevel.CITY, insurer__is_active=True)
        .values("city")
        .annotate(n=Count("insurer", distinct=True))
        .values_list("city", "n")
    )
    served = dict(served_by)
    fully = sum(
        1
        for county_id, city_id in County.objects.values_list("pk", "city_id")
        if present_by_city.get(city_id, 0) and served.get(county_id, 0) >= present_by_city[city_id]
    )
    return NetworkStatistics(
        cities=City.objects.count(),
        counties=County.objects.count(),
        insurers=insurer_count,
        insurers_in_both_cities=both,
        claims_units=ClaimsUnit.objects.filter(branch__insurer__is_active=True).count(),
        counties_fully_served=fully,
    )
