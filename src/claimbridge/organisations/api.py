"""Organisation and geography routes: the public directory, and scoped internal views."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema

from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.core.errors import not_found
from claimbridge.core.schemas import responses
from claimbridge.organisations import selectors
from claimbridge.organisations.models import ClaimsUnit, County, Insurer

geography_router = Router(tags=["geography"])
router = Router(tags=["organisations"])


class CountyOut(Schema):
    code: str
    name: str
    name_en: str
    city_code: str


class CityOut(Schema):
    code: str
    name: str
    name_en: str
    plate_prefix: str
    counties: list[CountyOut]


class InsurerOut(Schema):
    code: str
    name: str
    name_en: str
    short_name: str
    hotline: str
    city_codes: list[str]
    in_both_cities: bool


class ClaimsUnitPublicOut(Schema):
    id: int
    name: str
    name_en: str
    city_code: str
    phone: str
    address: str
    hours: str


class DirectoryEntryOut(Schema):
    insurer_code: str
    insurer_name: str
    claims_unit: ClaimsUnitPublicOut


class ServiceAreaProblemOut(Schema):
    code: str
    county_code: str
    message: str


class InsurerOverviewOut(Schema):
    insurer: InsurerOut
    service_area_complete: bool
    problems: list[ServiceAreaProblemOut]


class ClaimsUnitOut(ClaimsUnitPublicOut):
    insurer_code: str
    branch_name: str
    staff_count: int
    county_codes: list[str]


def _county_out(county: County) -> CountyOut:
    return CountyOut(code=county.code, name=county.name, name_en=county.name_en, city_code=county.city.code)


def _insurer_out(insurer: Insurer) -> InsurerOut:
    cities = [city.code for city in selectors.insurer_cities(insurer)]
    return InsurerOut(
        code=insurer.code,
        name=insurer.name,
        name_en=insurer.name_en,
        short_name=insurer.short_name,
        hotline=insurer.hotline,
        city_codes=cities,
        in_both_cities=len(cities) >= 2,
    )


def _unit_public_out(unit: ClaimsUnit) -> ClaimsUnitPublicOut:
    return ClaimsUnitPublicOut(
        id=unit.pk,
        name=unit.name,
        name_en=unit.name_en,
        city_code=unit.branch.city.code,
        phone=unit.phone,
        address=unit.address,
        hours=unit.hours,
    )


@geography_router.get("/cities", response=responses({200: list[CityOut]}), summary="The two cities and their counties")
def list_cities(request: HttpRequest) -> list[CityOut]:
    return [
        CityOut(
            code=city.code,
            name=city.name,
            name_en=city.name_en,
            plate_prefix=city.plate_prefix,
            counties=[_county_out(county) for county in city.counties.all()],
        )
        for city in selectors.city_list()
    ]


@geography_router.get("/counties", response=responses({200: list[CountyOut]}), summary="Counties and districts")
def list_counties(request: HttpRequest, city: Annotated[str | None, Field(max_length=6)] = None) -> list[CountyOut]:
    return [_county_out(county) for county in selectors.county_list(city_code=city)]


@router.get("/insurers", response=responses({200: list[InsurerOut]}), summary="Insurers taking part, with their cities")
def list_insurers(request: HttpRequest) -> list[InsurerOut]:
    return [_insurer_out(insurer) for insurer in selectors.insurer_list_public()]


@router.get(
    "/directory/{county_code}",
    response=responses({200: list[DirectoryEntryOut]}),
    summary="Which claims unit of each insurer serves a county (R16)",
)
def service_directory(request: HttpRequest, county_code: str) -> list[DirectoryEntryOut]:
    county = selectors.county_get(code=county_code)
    if county is None:
        raise not_found()
    return [
        DirectoryEntryOut(
            insurer_code=area.insurer.code,
            insurer_name=area.insurer.name,
            claims_unit=_unit_public_out(area.claims_unit),
        )
        for area in selectors.service_directory(county=county)
    ]


@router.get(
    "/claims-units", response=responses({200: list[ClaimsUnitOut]}), auth=API_AUTH, summary="Claims units in your scope"
)
def list_claims_units(request: HttpRequest) -> list[ClaimsUnitOut]:
    return [
        ClaimsUnitOut(
            **_unit_public_out(unit).dict(),
            insurer_code=unit.branch.insurer.code,
            branch_name=unit.branch.name,
            staff_count=unit.staff_count,  # type: ignore[attr-defined]
            county_codes=[area.county.code for area in unit.service_areas.all()],
        )
        for unit in selectors.claims_unit_list_for_user(user=request.user)
    ]


@router.get(
    "/overview",
    response=responses({200: list[InsurerOverviewOut]}),
    auth=API_AUTH,
    summary="Insurers whose organisation you oversee, with service-area problems",
)
def insurer_overview(request: HttpRequest) -> list[InsurerOverviewOut]:
    return [
        InsurerOverviewOut(
            insurer=_insurer_out(overview.insurer),
            service_area_complete=not overview.issues,
            problems=[
                ServiceAreaProblemOut(
                    code=issue.problem.code.value,
                    county_code=issue.problem.county_code,
                    message=issue.message,
                )
                for issue in overview.issues
            ],
        )
        for overview in selectors.insurer_overview_list_for_user(user=request.user)
    ]
