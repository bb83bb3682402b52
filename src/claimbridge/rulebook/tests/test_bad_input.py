"""Bad input to the rules API and the rule pages: always a 4xx, with the one error body (AppError's) on the API and a
form error on the pages, never a 500 (issue 12 finding 7; B2, B3, B9)."""

from __future__ import annotations

import copy
import json

import pytest

from claimbridge.rulebook.api import EXAMPLES

pytestmark = pytest.mark.django_db
RULES = ("liability", "eligibility", "settle", "triage", "validate", "locate")
ONE_SHAPE = {"code", "message", "zh", "en", "field", "details"}


@pytest.fixture
def client(client):
    client.raise_request_exception = False  # a 500 must show as a 500
    return client


def post(client, name, body, **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body, ensure_ascii=False)
    return client.post(f"/api/v1/rules/{name}", data=data, content_type="application/json", secure=True, **headers)


def refused(response, status) -> dict:
    """The one error body, and nothing else: `{"error": {code, message, zh, en, field?}}`."""
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert {"code", "message", "zh", "en"} <= set(error) <= ONE_SHAPE, error
    assert all(isinstance(error[key], str) and error[key] for key in ("code", "message", "zh", "en")), error
    assert error.get("field", "x") != ""  # absent when the error is about no field, never empty
    return error


RAW = {
    "JSON nested 50,000 deep": ("[" * 50_000 + "]" * 50_000, "too_deeply_nested"),
    "objects nested 50,000 deep": ('{"a":' * 50_000 + "1" + "}" * 50_000, "too_deeply_nested"),
    "nested 40 deep": ('{"a":' * 40 + "1" + "}" * 40, "too_deeply_nested"),
    "a lone surrogate": ('{"circumstances": {"A": [1], "B": []}, "date": "\\udc00"}', "bad_characters"),
    "a lone surrogate in a key": ('{"\\ud800": 1}', "bad_characters"),
    "NUL in a string": ('{"kind": "plate", "value": "甘K\\u000012345"}', "bad_characters"),
    "NaN": ('{"lat": NaN, "lon": 104.9}', "invalid_json"),
    "Infinity": ('{"estimated_loss": Infinity}', "invalid_json"),
    "an integer of 5,000 digits": ('{"lat": ' + "9" * 5000 + ', "lon": 1}', "invalid_json"),
    "a repeated key": ('{"lat": 1, "lat": 2}', "invalid_json"),
    "not JSON": ("{not json", "invalid_json"),
    "not UTF-8": (b"\xff\xfe{}", "invalid_json"),
    "an empty body": ("", "invalid_json"),
}


@pytest.mark.parametrize("name", RULES)
@pytest.mark.parametrize(("body", "code"), RAW.values(), ids=RAW.keys())
def test_a_body_the_api_cannot_read_is_a_400(client, name, body, code):
    """Issue 12, finding 7 (B9): 50,000-deep JSON and lone surrogates were 500s; every rule answers 400."""
    assert refused(post(client, name, body), 400)["code"] == code


def with_change(name, path, value):
    document = copy.deepcopy(EXAMPLES[name])
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return document


HUGE = 12345678901234567890
BAD_VALUES = {
    "locate: a 9-character crs": ("locate", ("crs",), "wgs84wgs8", "crs"),
    "locate: latitude 1e30": ("locate", ("lat",), "1e30", "lat"),
    "locate: latitude NaN as text": ("locate", ("lat",), "NaN", "lat"),
    "validate: an 18-character VIN": ("validate", ("value",), "LSVAM4187C21848470", "value"),
    "validate: a plate of 10,000 characters": ("validate", ("value",), "甘" * 10_000, "value"),
    "validate: a value that is not text": ("validate", ("value",), ["甘K12345"], "value"),
    "settle: a loss of 1e30": ("settle", ("vehicles", 0, "losses", "vehicle"), "1e30", "vehicles[0].losses.vehicle"),
    "settle: a loss of 20 digits": ("settle", ("vehicles", 0, "losses", "vehicle"), HUGE, "vehicles[0].losses.vehicle"),
    "settle: a limit of 20 digits as text": ("settle", ("vehicles", 1, "third_party_limit"), str(HUGE),
                                             "vehicles[1].third_party_limit"),
    "settle: a loss NaN": ("settle", ("vehicles", 0, "losses", "vehicle"), "NaN", "vehicles[0].losses.vehicle"),
    "settle: an accident in the year 1": ("settle", ("accident_date",), "0001-01-01", "accident_date"),
    "triage: a loss of 1e30": ("triage", ("estimated_loss",), 1e30, "estimated_loss"),
    "triage: a loss of 20 digits": ("triage", ("estimated_loss",), HUGE, "estimated_loss"),
    "triage: a loss of -Infinity as text": ("triage", ("estimated_loss",), "-Infinity", "estimated_loss"),
    "eligibility: a limit of 1e30": ("eligibility", ("parties", 0, "policies", 1, "limit"), "1e30",
                                     "parties[0].policies[1].limit"),
    "eligibility: 1e30 photos": ("eligibility", ("parties", 0, "evidence", "photos"), "1e30",
                                 "parties[0].evidence.photos"),
    "eligibility: the year 99999": ("eligibility", ("accident", "date"), "99999-01-01", "accident.date"),
    "liability: circumstance 1e30": ("liability", ("circumstances", "A"), [1e30], "circumstances.A[0]"),
    "liability: circumstance of 20 digits": ("liability", ("circumstances", "A"), [HUGE], "circumstances.A[0]"),
}  # fmt: skip


@pytest.mark.parametrize(("name", "path", "value", "field"), BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_a_value_the_rules_cannot_decide_on_is_a_422_naming_the_field(client, name, path, value, field):
    """Issue 12, finding 7 (B9): the kernel's error, through AppError and the one handler."""
    error = refused(post(client, name, with_change(name, path, value)), 422)
    assert error["field"] == field
    assert error["code"] == "invalid_input"


@pytest.mark.parametrize("body", ["[]", "5", '"text"', "null"])
@pytest.mark.parametrize("name", RULES)
def test_a_document_that_is_not_an_object_is_a_422(client, name, body):
    """Issue 12, finding 7 (B9)."""
    refused(post(client, name, body), 422)


def test_an_error_is_in_the_readers_language(client):
    """One body: `message` is the reader's language, `zh` and `en` both."""
    english = refused(
        post(client, "triage", with_change("triage", ("estimated_loss",), "NaN"), HTTP_ACCEPT_LANGUAGE="en"), 422
    )
    assert english["message"] == english["en"]
    chinese = refused(post(client, "triage", with_change("triage", ("estimated_loss",), "NaN")), 422)
    assert chinese["message"] == chinese["zh"]


def test_without_boundaries_locate_is_a_503_with_the_one_body(client, settings):
    settings.COUNTY_BOUNDARIES_FILE = ""
    assert refused(post(client, "locate", EXAMPLES["locate"]), 503)["code"] == "boundaries_not_configured"


@pytest.mark.parametrize(
    ("query", "status"),
    [("date=%00", 400), ("date=99999-01-01", 422), ("date=" + "9" * 5000, 422), ("date=%ED%A0%80", 422)],
)
def test_the_catalogue_refuses_a_date_it_cannot_read(client, query, status):
    """Issue 12, finding 7 (B9)."""
    refused(client.get(f"/api/v1/rules/circumstances?{query}", secure=True), status)


# --- the rule pages: a form error next to its field, never a 500 -----------------------------------------------

ELIGIBILITY = {
    "accident_date": "2024-06-01", "vehicle_count": "2", "all_motor_vehicles": "on", "damage": "minor_exterior",
    "A_plate": "甘K12345", "A_insurer": "tianlong", "A_driver_licensed": "on", "A_inspection_valid": "on",
    "A_ctpl_city": "621200", "A_ctpl_end": "2024-12-31", "A_photos": "1", "A_videos": "0",
    "B_plate": "甘E6789A", "B_insurer": "maiji", "B_driver_licensed": "on", "B_inspection_valid": "on",
    "B_ctpl_city": "620500", "B_ctpl_end": "2024-12-31", "B_photos": "1", "B_videos": "0",
}  # fmt: skip
BAD_SELF_CHECKS = {
    "a policy ending in the year 1": ({"A_ctpl_end": "0001-01-01"}, "A_ctpl_end"),
    "a policy ending in the year 9999": ({"B_ctpl_end": "9999-12-31"}, "B_ctpl_end"),
    "an accident in the future": ({"accident_date": "9999-12-31"}, "accident_date"),
    "a plate of 13 characters": ({"A_plate": "甘K12345678901"}, "A_plate"),
    "1e30 photos": ({"A_photos": "1e30"}, "A_photos"),
    "20-digit vehicle count": ({"vehicle_count": str(HUGE)}, "vehicle_count"),
}


@pytest.mark.parametrize(("changes", "field"), BAD_SELF_CHECKS.values(), ids=BAD_SELF_CHECKS.keys())
@pytest.mark.parametrize("htmx", [False, True])
def test_the_self_check_shows_a_form_error_next_to_the_field(client, changes, field, htmx):
    """Issue 12, finding 7: a policy ending in the year 1 was a 500 on the public self-check."""
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post("/rules/quick-claim/", {**ELIGIBILITY, **changes}, secure=True, **headers)
    assert response.status_code == 422
    assert response.context["form"].errors.get(field), response.context["form"].errors


def test_an_accident_before_the_catalogue_is_explained_on_the_self_check(client):
    """Issue 12, finding 7: the kernel's refusal, shown on the page."""
    changes = {"accident_date": "2010-06-01", "A_ctpl_end": "2010-12-31", "B_ctpl_end": "2010-12-31"}
    response = client.post("/rules/quick-claim/", {**ELIGIBILITY, **changes}, secure=True)
    assert response.status_code == 422
    assert "2018-05-01" in response.content.decode()


SETTLEMENT = {"accident_date": "2024-06-01", "mutual_self_compensation": "auto", "A_liability": "full",
              "A_ctpl_units": "1", "A_vehicle": "1000", "B_liability": "none", "B_ctpl_units": "1", "B_vehicle": "2000",
              "C_ctpl_units": "1", "D_ctpl_units": "1"}  # fmt: skip
BAD_SETTLEMENTS = {
    "a loss of 1e30": ({"A_vehicle": "1e30"}, "A_vehicle"),
    "a loss of 20 digits": ({"A_vehicle": str(HUGE)}, "A_vehicle"),
    "a loss NaN": ({"B_medical": "NaN"}, "B_medical"),
    "a loss of Infinity": ({"B_salvage": "Infinity"}, "B_salvage"),
    "a loss above the ceiling": ({"A_vehicle": "20000000.01"}, "A_vehicle"),
    "a limit above the ceiling": ({"A_third_party_limit": "999999999999.99"}, "A_third_party_limit"),
    "an accident in the future": ({"accident_date": "9999-12-31"}, "accident_date"),
    "seven 交强险 units": ({"A_ctpl_units": "7"}, "A_ctpl_units"),
}


@pytest.mark.parametrize(("changes", "field"), BAD_SETTLEMENTS.values(), ids=BAD_SETTLEMENTS.keys())
def test_the_calculator_shows_a_form_error_next_to_the_field(client, changes, field):
    """Issue 12, finding 7: money beyond the configured ceiling and accidents in the future are refused."""
    response = client.post("/rules/settlement/", {**SETTLEMENT, **changes}, secure=True)
    assert response.status_code == 422
    assert response.context["form"].errors.get(field), response.context["form"].errors


@pytest.mark.parametrize("party_a", [str(HUGE), "1e30", "-1", "22"])
def test_the_liability_check_refuses_a_circumstance_outside_the_catalogue(client, party_a):
    """Issue 12, finding 7."""
    response = client.post("/rules/liability/", {"party_a": party_a, "party_b": "1"}, secure=True)
    assert response.status_code == 422
    assert response.context["form"].errors.get("party_a")
