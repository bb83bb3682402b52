"""Bad query and path values on the public geography and directory routes: a 4xx with the bilingual error body, or
an empty answer, never a 500 (issue 12 finding 7; B9). Anonymous callers: these routes need no login."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def assert_refused(response, status):
    assert response.status_code == status, (response.status_code, response.content[:200])
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert all(error[key] for key in ("code", "message", "zh", "en")), error
    return error


@pytest.mark.parametrize("query", ["city=%00", "city=6205%00", "city=%1b", "city%00=620500"])
def test_control_characters_in_the_county_list_are_a_400(client, query):
    """Issue 12, finding 7: `/api/v1/geography/counties?city=%00` was a 500 (anonymous)."""
    error = assert_refused(client.get(f"/api/v1/geography/counties?{query}", secure=True), 400)
    assert error["code"] == "bad_characters"


def test_a_city_code_longer_than_any_is_a_422(client):
    """Issue 12, finding 7: a value longer than its column is refused, not sent to the database."""
    error = assert_refused(client.get("/api/v1/geography/counties?city=" + "6" * 10_000, secure=True), 422)
    assert error["field"] == "city"


@pytest.mark.parametrize("city", ["%ff%fe", "'--", "../", "%F0%9F%9A%97", "-1", "62O5OO"])
def test_an_odd_city_code_has_no_counties(client, city):
    """Issue 12, finding 7."""
    response = client.get(f"/api/v1/geography/counties?city={city}", secure=True)
    assert (response.status_code, response.json()) == (200, [])


@pytest.mark.parametrize("city", ["' OR 1=1 --", "../../etc", "620500.0"])
def test_an_odd_city_code_longer_than_a_code_is_a_422(client, city):
    """Issue 12, finding 7."""
    assert_refused(client.get(f"/api/v1/geography/counties?city={city}", secure=True), 422)


def test_the_county_list_still_answers_for_a_real_city(client):
    codes = {county["code"] for county in client.get("/api/v1/geography/counties?city=620500", secure=True).json()}
    assert "620502" in codes
    assert all(code.startswith("6205") for code in codes)


@pytest.mark.parametrize("code", ["9" * 3000, "%ff%fe", "' OR 1=1 --", "%F0%9F%9A%97", "62120２"])
def test_an_odd_county_in_the_api_directory_is_a_404(client, code):
    """Issue 12, finding 7."""
    assert_refused(client.get(f"/api/v1/organisations/directory/{code}", secure=True), 404)


def test_a_control_character_in_a_path_is_a_400(client):
    """Issue 12, finding 7: refused before any view (core/middleware.py)."""
    assert_refused(client.get("/api/v1/organisations/directory/62%00", secure=True), 400)
