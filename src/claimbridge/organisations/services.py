"""Every write to organisation data goes through here, in a transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction

from claimbridge.core.errors import AppError
from claimbridge.organisations.coverage import Assignment, CoverageProblem, check_service_area
from claimbridge.organisations.errors import coverage_problem_message
from claimbridge.organisations.models import (
    Branch,
    BranchLevel,
    City,
    ClaimsUnit,
    County,
    Insurer,
    ServiceArea,
)


@dataclass(frozen=True)
class ServiceAreaIssue:
    problem: CoverageProblem
    message: str


class ServiceAreaInvalid(AppError):
    """The one error type (core.errors), with the issues in the reader's language for the admin's form."""

    def __init__(self, issues: list[ServiceAreaIssue], *, zh: str, en: str) -> None:
        super().__init__("service_area_invalid", zh, en, field="service_areas")
        self.issues = issues


def service_area_check(
    *, insurer: Insurer, assignments: list[tuple[County, ClaimsUnit]] | None = None
) -> list[ServiceAreaIssue]:
    """Problems with the insurer's service area: the stored one, or `assignments` proposed to replace it."""
    if assignments is None:
        stored = ServiceArea.objects.filter(insurer=insurer).select_related(
            "county", "claims_unit__branch__city", "claims_unit__branch__insurer"
        )
        assignments = [(area.county, area.claims_unit) for area in stored]
    present = set(Branch.objects.filter(insurer=insurer, level=BranchLevel.CITY).values_list("city__code", flat=True))
    counties = {county.code: county for county in County.objects.select_related("city")}
    counties_by_city: dict[str, list[str]] = {}
    for county in counties.values():
        counties_by_city.setdefault(county.city.code, []).append(county.code)
    units = {unit.pk: unit for _, unit in assignments}
    problems = check_service_area(
        insurer_code=insurer.code,
        present_city_codes=present,
        counties_by_city=counties_by_city,
        assignments=[
            Assignment(
                county_code=county.code,
                unit_id=unit.pk,
                unit_city_code=unit.branch.city.code,
                unit_insurer_code=unit.branch.insurer.code,
            )
            for county, unit in assignments
        ],
    )
    return [
        ServiceAreaIssue(
            problem=problem,
            message=coverage_problem_message(
                problem,
                county_name=counties[problem.county_code].display_name,
                unit_names=[units[unit_id].display_name for unit_id in problem.unit_ids],
            ),
        )
        for problem in problems
    ]


@transaction.atomic
def service_area_set(*, insurer: Insurer, assignments: Mapping[County, ClaimsUnit]) -> list[ServiceArea]:
    """Replace the insurer's whole service area; refuses (and changes nothing) unless the result is complete."""
    pairs = list(assignments.items())
    issues = service_area_check(insurer=insurer, assignments=pairs)
    if issues:
        from django.utils.translation import override

        texts = {}
        for language in ("zh-hans", "en"):
            with override(language):
                texts[language] = "; ".join(i.message for i in service_area_check(insurer=insurer, assignments=pairs))
        raise ServiceAreaInvalid(issues, zh=texts["zh-hans"], en=texts["en"])
    ServiceArea.objects.filter(insurer=insurer).delete()
    return ServiceArea.objects.bulk_create(
        [ServiceArea(insurer=insurer, county=county, claims_unit=unit) for county, unit in pairs]
    )


@transaction.atomic
def city_upsert(*, code: str, name: str, name_en: str, plate_prefix: str) -> City:
    city, _ = City.objects.update_or_create(
        code=code, defaults={"name": name, "name_en": name_en, "plate_prefix": plate_prefix}
    )
    return city


@transaction.atomic
def county_upsert(*, code: str, name: str, name_en: str, city: City) -> County:
    county, _ = County.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en, "city": city})
    return county


@transaction.atomic
def insurer_upsert(
    *, code: str, name: str, name_en: str, short_name: str, short_name_en: str, hotline: str = ""
) -> Insurer:
    insurer, _ = Insurer.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "name_en": name_en,
            "short_name": short_name,
            "short_name_en": short_name_en,
            "hotline": hotline,
        },
    )
    return insurer


@transaction.atomic
def branch_upsert(
    *,
    insurer: Insurer,
    city: City,
    name: str,
    name_en: str,
    county: County | None = None,
    address: str = "",
    phone: str = "",
) -> Branch:
    """A city-level branch when `county` is None, otherwise the county sub-branch under the city branch."""
    defaults = {"name": name, "name_en": name_en, "address": address, "phone": phone}
    if county is None:
        branch, _ = Branch.objects.update_or_create(
            insurer=insurer, city=city, level=BranchLevel.CITY, defaults=defaults
        )
        return branch
    parent = Branch.objects.get(insurer=insurer, city=city, level=BranchLevel.CITY)
    branch, _ = Branch.objects.update_or_create(
        insurer=insurer,
        city=city,
        county=county,
        level=BranchLevel.COUNTY,
        defaults={**defaults, "parent": parent},
    )
    return branch


@transaction.atomic
def claims_unit_upsert(
    *, branch: Branch, name: str, name_en: str, phone: str = "", address: str = "", hours: str = ""
) -> ClaimsUnit:
    unit, _ = ClaimsUnit.objects.update_or_create(
        branch=branch,
        name=name,
        defaults={"name_en": name_en, "phone": phone, "address": address, "hours": hours},
    )
    return unit
