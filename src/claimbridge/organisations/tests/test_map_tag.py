"""The county map on pages (issue 13, item 5; B3, R1): drawn from the configured boundaries, cached per file, small,
named in Chinese, and absent (not broken) when no boundaries are configured."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from claimbridge.organisations.templatetags import maps as tag

pytestmark = pytest.mark.django_db

BOUNDARIES = Path(__file__).resolve().parents[4] / "tests" / "data" / "gansu_longnan_tianshui_counties.geojson"
PAGE_BUDGET = 30_000  # bytes of HTML per page, map included


def render(text: str, **context: object) -> str:
    return Template("{% load maps %}" + text).render(Context(context))


def test_the_directory_draws_every_county_as_a_link_named_in_chinese_within_the_budget(client):
    body = client.get("/directory/?county=621202", secure=True).content.decode()
    assert len(body.encode()) < PAGE_BUDGET
    assert body.count("data-adcode=") == 16
    assert "data-pin" not in body  # no place, no pin
    assert 'aria-label="陇南市武都区" aria-current="true"' in body
    assert re.search(r"<title id=\"county-map-1-title\">陇南市武都区地图</title>", body)
    assert 'href="/directory/?county=620502"' in body


def test_the_drivers_report_form_has_a_pickable_map_within_the_budget(client):
    session = client.session
    session["verified_phone"] = "13700001234"
    session.save()
    body = client.get("/cases/start/", secure=True).content.decode()
    assert "data-pickable" in body
    assert "在地图上点出事故地点" in body
    assert len(body.encode()) < PAGE_BUDGET


def test_the_pin_follows_the_place_in_its_datum():
    """A GCJ-02 pin and its WGS-84 twin are drawn on the same spot; a Case, a form and a dict all give a pin."""
    from claimbridge.cases.forms import BackOfficeCaseForm
    from claimbridge.rules.coordinates import wgs84_to_gcj02

    wgs = {"latitude": 33.395, "longitude": 104.923, "crs": "wgs84"}
    lat, lon = wgs84_to_gcj02(33.395, 104.923)
    gcj = {"latitude": lat, "longitude": lon, "crs": "gcj02"}

    def pin_at(pin: object) -> str:
        found = re.search(r"data-pin transform=\"translate\(([^)]*)\)", render("{% county_map pin=pin %}", pin=pin))
        assert found is not None
        return found[1]

    assert pin_at(wgs) == pin_at(gcj)
    form = BackOfficeCaseForm(
        {"latitude": str(lat), "longitude": str(lon), "crs": "gcj02"}, counties=[], insurers=[], adjuster=False
    )
    assert pin_at(form) == pin_at(gcj)
    assert tag.pin_of({"latitude": "", "longitude": "1"}) is None
    assert tag.pin_of({"latitude": "nan", "longitude": "1"}) is None
    assert 'display="none"' in render("{% county_map pickable=True %}")  # hidden until a tap


def test_a_case_card_states_the_stored_place_and_its_datum():
    html = render("{% county_map county='621202' pin=pin card=True %}", pin={"latitude": 33.395, "longitude": 104.923})
    assert "纬度 33.39500，经度 104.92300（WGS-84）" in html
    assert "事故地点" in html
    assert "没有标注地图位置" in render("{% county_map county='621202' card=True %}")


def test_english_readers_get_english_names():
    with translation.override("en"):
        html = render("{% county_map county='621202' link='/directory/' %}")
    assert 'aria-label="Longnan Wudu District"' in html
    assert "Map of Longnan Wudu District" in html
    assert ">Zhangjiachuan</text>" in html


def test_the_map_is_built_once_per_boundary_file(settings, tmp_path):
    first = tag.county_map_data()
    assert first is not None
    assert tag.county_map_data() is first
    document = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    tianshui = tmp_path / "tianshui.geojson"
    document["features"] = [f for f in document["features"] if str(f["properties"]["adcode"]).startswith("6205")]
    tianshui.write_text(json.dumps(document), encoding="utf-8")
    settings.COUNTY_BOUNDARIES_FILE = str(tianshui)
    other = tag.county_map_data()
    assert other is not None
    assert other is not first
    assert len(other.shapes) == 7
    settings.COUNTY_BOUNDARIES_FILE = str(BOUNDARIES)
    assert tag.county_map_data() is first


def test_without_boundaries_the_page_has_no_map_and_still_works(client, settings, tmp_path):
    settings.COUNTY_BOUNDARIES_FILE = ""
    response = client.get("/directory/?county=621202", secure=True)
    assert response.status_code == 200
    assert "county-map" not in response.content.decode()
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json", encoding="utf-8")
    settings.COUNTY_BOUNDARIES_FILE = str(broken)
    assert render("{% county_map %}").strip() == ""
