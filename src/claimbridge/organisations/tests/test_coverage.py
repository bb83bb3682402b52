"""The pure service-area check (R16) on plain data."""

from __future__ import annotations

from claimbridge.organisations.coverage import Assignment, CoverageProblemCode, check_service_area

COUNTIES = {"C1": ["a1", "a2", "a3"], "C2": ["b1", "b2"]}


def assign(county: str, unit: int, city: str = "C1", insurer: str = "ins") -> Assignment:
    return Assignment(county_code=county, unit_id=unit, unit_city_code=city, unit_insurer_code=insurer)


def check(assignments: list[Assignment], present: tuple[str, ...] = ("C1",)) -> list[tuple[str, str]]:
    problems = check_service_area(
        insurer_code="ins", present_city_codes=present, counties_by_city=COUNTIES, assignments=assignments
    )
    return [(p.code.value, p.county_code) for p in problems]


def test_every_county_of_a_present_city_with_one_unit_is_complete():
    assert check([assign("a1", 1), assign("a2", 1), assign("a3", 2)]) == []


def test_a_county_left_without_a_claims_unit_is_a_gap():
    assert check([assign("a1", 1), assign("a3", 2)]) == [(CoverageProblemCode.COUNTY_UNASSIGNED, "a2")]


def test_a_county_given_two_claims_units_is_an_overlap_naming_both():
    problems = check_service_area(
        insurer_code="ins",
        present_city_codes=["C1"],
        counties_by_city=COUNTIES,
        assignments=[assign("a1", 1), assign("a2", 1), assign("a3", 2), assign("a2", 3)],
    )
    assert [(p.code, p.county_code, p.unit_ids) for p in problems] == [
        (CoverageProblemCode.COUNTY_ASSIGNED_TWICE, "a2", (1, 3))
    ]


def test_a_unit_may_only_serve_counties_of_its_own_city():
    result = check([assign("a1", 1), assign("a2", 1), assign("a3", 9, city="C2")], present=("C1", "C2"))
    assert (CoverageProblemCode.UNIT_IN_OTHER_CITY, "a3") in result


def test_a_unit_of_another_insurer_is_refused():
    result = check([assign("a1", 1), assign("a2", 1), assign("a3", 5, insurer="other")])
    assert result == [(CoverageProblemCode.UNIT_OF_OTHER_INSURER, "a3")]


def test_counties_of_a_city_without_a_branch_cannot_be_assigned():
    result = check([assign("a1", 1), assign("a2", 1), assign("a3", 1), assign("b1", 4, city="C2")])
    assert result == [(CoverageProblemCode.CITY_WITHOUT_BRANCH, "b1")]


def test_an_insurer_present_nowhere_needs_nothing():
    assert check([], present=()) == []


def test_an_insurer_present_in_two_cities_must_cover_both():
    result = check([assign("a1", 1), assign("a2", 1), assign("a3", 1)], present=("C1", "C2"))
    assert result == [
        (CoverageProblemCode.COUNTY_UNASSIGNED, "b1"),
        (CoverageProblemCode.COUNTY_UNASSIGNED, "b2"),
    ]
