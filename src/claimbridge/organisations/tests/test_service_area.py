"""Service-area validation against the database, the admin and the reference geography (R16)."""

from __future__ import annotations

import pytest
from django.forms import inlineformset_factory
from django.utils import translation

from claimbridge.organisations.admin import ServiceAreaFormSet
from claimbridge.organisations.models import City, ClaimsUnit, County, Insurer, ServiceArea
from claimbridge.organisations.reference import COUNTIES
from claimbridge.organisations.services import ServiceAreaInvalid, service_area_check, service_area_set

pytestmark = pytest.mark.django_db


def current_assignments(insurer: Insurer) -> dict[County, ClaimsUnit]:
    return {area.county: area.claims_unit for area in ServiceArea.objects.filter(insurer=insurer)}


def test_the_real_sixteen_counties_are_loaded_with_their_codes():
    counties = {county.code: (county.name, county.city.code) for county in County.objects.select_related("city")}
    assert counties == {ref.code: (ref.name, ref.city_code) for ref in COUNTIES}
    assert sorted(City.objects.values_list("code", "plate_prefix")) == [("620500", "甘E"), ("621200", "甘K")]


def test_every_demo_insurer_serves_every_county_of_its_cities():
    for insurer in Insurer.objects.all():
        assert service_area_check(insurer=insurer) == [], insurer.code


def test_setting_a_service_area_with_a_county_left_out_is_refused_and_changes_nothing():
    insurer = Insurer.objects.get(code="tianlong")
    before = current_assignments(insurer)
    proposed = {county: unit for county, unit in before.items() if county.code != "621225"}
    with translation.override("zh-hans"), pytest.raises(ServiceAreaInvalid) as refused:
        service_area_set(insurer=insurer, assignments=proposed)
    assert [issue.problem.code for issue in refused.value.issues] == ["county_unassigned"]
    assert "西和县没有负责的理赔分部" in refused.value.zh
    assert current_assignments(insurer) == before


def test_a_unit_from_the_other_city_is_refused_in_english_too():
    insurer = Insurer.objects.get(code="tianlong")
    assignments = current_assignments(insurer)
    tianshui_unit = ClaimsUnit.objects.filter(branch__insurer=insurer, branch__city__code="620500").first()
    assignments[County.objects.get(code="621202")] = tianshui_unit
    with translation.override("en"), pytest.raises(ServiceAreaInvalid) as refused:
        service_area_set(insurer=insurer, assignments=assignments)
    assert "Wudu District is given to" in refused.value.en
    assert "in another city" in refused.value.en
    assert "另一个市" in refused.value.zh  # both languages, whatever the reader reads


def test_the_database_refuses_a_county_given_twice():
    from django.db import IntegrityError, transaction

    insurer = Insurer.objects.get(code="tianlong")
    area = ServiceArea.objects.filter(insurer=insurer).first()
    other_unit = ClaimsUnit.objects.filter(branch__insurer=insurer).exclude(pk=area.claims_unit_id).first()
    with transaction.atomic(), pytest.raises(IntegrityError):
        ServiceArea.objects.create(insurer=insurer, county=area.county, claims_unit=other_unit)


def _formset_data(insurer: Insurer, rows: list[tuple[int | None, County, ClaimsUnit]]) -> dict[str, str]:
    data = {
        "service_areas-TOTAL_FORMS": str(len(rows)),
        "service_areas-INITIAL_FORMS": str(sum(1 for pk, _, _ in rows if pk)),
        "service_areas-MIN_NUM_FORMS": "0",
        "service_areas-MAX_NUM_FORMS": "1000",
    }
    for index, (pk, county, unit) in enumerate(rows):
        data[f"service_areas-{index}-id"] = str(pk or "")
        data[f"service_areas-{index}-insurer"] = str(insurer.pk)
        data[f"service_areas-{index}-county"] = str(county.pk)
        data[f"service_areas-{index}-claims_unit"] = str(unit.pk)
    return data


def _admin_formset(insurer: Insurer, rows: list[tuple[int | None, County, ClaimsUnit]]):
    formset_class = inlineformset_factory(
        Insurer, ServiceArea, formset=ServiceAreaFormSet, fields=["county", "claims_unit"], extra=0
    )
    return formset_class(data=_formset_data(insurer, rows), instance=insurer, prefix="service_areas")


def test_the_admin_form_refuses_a_county_given_to_two_units():
    insurer = Insurer.objects.get(code="maiji")
    areas = list(ServiceArea.objects.filter(insurer=insurer).select_related("county", "claims_unit"))
    rows = [(area.pk, area.county, area.claims_unit) for area in areas]
    wudu = next(area for area in areas if area.county.code == "621202")
    second_unit = ClaimsUnit.objects.filter(branch__insurer=insurer, branch__city__code="621200").exclude(
        pk=wudu.claims_unit_id
    )[0]
    rows.append((None, wudu.county, second_unit))
    with translation.override("zh-hans"):
        formset = _admin_formset(insurer, rows)
        assert not formset.is_valid()
        assert any("武都区被分配给了多个理赔分部" in error for error in formset.non_form_errors())


def test_the_admin_form_refuses_a_county_left_out():
    insurer = Insurer.objects.get(code="maiji")
    rows = [
        (area.pk, area.county, area.claims_unit)
        for area in ServiceArea.objects.filter(insurer=insurer).select_related("county", "claims_unit")
        if area.county.code != "620525"
    ]
    with translation.override("en"):
        formset = _admin_formset(insurer, rows)
        assert not formset.is_valid()
        assert formset.non_form_errors() == ["Zhangjiachuan Hui Autonomous County has no claims unit."]


def test_the_admin_form_accepts_a_complete_service_area():
    insurer = Insurer.objects.get(code="maiji")
    rows = [
        (area.pk, area.county, area.claims_unit)
        for area in ServiceArea.objects.filter(insurer=insurer).select_related("county", "claims_unit")
    ]
    assert _admin_formset(insurer, rows).is_valid()


def test_the_insurer_admin_page_shows_a_gap(client, users):
    insurer = Insurer.objects.get(code="fuxi")
    ServiceArea.objects.filter(insurer=insurer, county__code="621228").delete()
    client.force_login(users["admin"])
    response = client.get(f"/admin/organisations/insurer/{insurer.pk}/change/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "两当县没有负责的理赔分部" in response.content.decode()
