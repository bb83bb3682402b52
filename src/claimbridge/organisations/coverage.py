"""Service-area coverage check (R16), free of Django so it can be reasoned about and tested on plain data.

For each city where an insurer has a city-level branch, every county of that city must be served by exactly one of
the insurer's claims units, and a unit may only serve counties of its own branch's city.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class CoverageProblemCode(StrEnum):
    COUNTY_UNASSIGNED = "county_unassigned"
    COUNTY_ASSIGNED_TWICE = "county_assigned_twice"
    UNIT_IN_OTHER_CITY = "unit_in_other_city"
    UNIT_OF_OTHER_INSURER = "unit_of_other_insurer"
    CITY_WITHOUT_BRANCH = "city_without_branch"


@dataclass(frozen=True)
class Assignment:
    county_code: str
    unit_id: int
    unit_city_code: str
    unit_insurer_code: str


@dataclass(frozen=True)
class CoverageProblem:
    code: CoverageProblemCode
    county_code: str
    unit_ids: tuple[int, ...] = ()


def check_service_area(
    *,
    insurer_code: str,
    present_city_codes: Iterable[str],
    counties_by_city: Mapping[str, Iterable[str]],
    assignments: Iterable[Assignment],
) -> list[CoverageProblem]:
    """Every problem with one insurer's service area, in county order; an empty list means it is complete."""
    present = set(present_city_codes)
    city_of_county = {county: city for city, counties in counties_by_city.items() for county in counties}
    assignments = list(assignments)
    problems: list[CoverageProblem] = []

    units_by_county: dict[str, list[int]] = {}
    for assignment in assignments:
        units_by_county.setdefault(assignment.county_code, []).append(assignment.unit_id)
        county_city = city_of_county.get(assignment.county_code)
        if assignment.unit_insurer_code != insurer_code:
            problems.append(
                CoverageProblem(
                    CoverageProblemCode.UNIT_OF_OTHER_INSURER, assignment.county_code, (assignment.unit_id,)
                )
            )
        elif county_city not in present:
            problems.append(
                CoverageProblem(CoverageProblemCode.CITY_WITHOUT_BRANCH, assignment.county_code, (assignment.unit_id,))
            )
        elif assignment.unit_city_code != county_city:
            problems.append(
                CoverageProblem(CoverageProblemCode.UNIT_IN_OTHER_CITY, assignment.county_code, (assignment.unit_id,))
            )

    counts = Counter(a.county_code for a in assignments)
    for county, count in counts.items():
        if count > 1:
            problems.append(
                CoverageProblem(
                    CoverageProblemCode.COUNTY_ASSIGNED_TWICE, county, tuple(sorted(units_by_county[county]))
                )
            )
    for city in present:
        for county in counties_by_city.get(city, ()):
            if county not in counts:
                problems.append(CoverageProblem(CoverageProblemCode.COUNTY_UNASSIGNED, county))

    return sorted(problems, key=lambda p: (p.county_code, p.code.value, p.unit_ids))
