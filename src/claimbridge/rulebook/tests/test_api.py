"""/api/v1/rules/…: the kernel over HTTP with the command line's JSON, errors in both languages (B2, B3, B9)."""

from __future__ import annotations

import json

import pytest

from claimbridge.rulebook.api import EXAMPLES


def post(client, name, body, **headers):
    payload = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return client.post(f"/api/v1/rules/{name}", data=payload, content_type="application/json", secure=True, **headers)


@pytest.mark.parametrize("name", ["liability", "eligibility", "settle", "triage", "validate", "locate"])
def test_each_documented_example_is_decided(client, name):
    response = post(client, name, EXAMPLES[name])
    assert response.status_code == 200, response.content
    assert response.headers["Content-Type"].startswith("application/json")


def test_eligibility_over_http_matches_the_kernel(client):
    from claimbridge.rules.eligibility import eligibility_from_document

    assert post(client, "eligibility", EXAMPLES["eligibility"]).json() == eligibility_from_document(
        EXAMPLES["eligibility"]
    )


def test_settlement_example_pays_to_the_fen(client):
    body = post(client, "settle", EXAMPLES["settle"]).json()
    amounts = {(p["payer"], p["payee"], p["cover"]): p["amount"] for p in body["payments"]}
    assert amounts[("A", "B", "third_party")] == "19600.00"
    assert amounts[("B", "A", "third_party")] == "5400.00"


def test_chinese_stays_readable_in_the_response(client):
    assert "全部责任" in post(client, "liability", EXAMPLES["liability"]).content.decode()


def test_a_body_that_is_not_json_is_a_400_in_both_languages(client):
    response = post(client, "settle", "{not json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_json"
    assert error["zh"]
    assert error["en"]
    assert error["message"] == error["en"]


def test_impossible_values_are_a_422_naming_the_field(client):
    response = post(client, "settle", {"accident_date": "2024-06-01", "vehicles": [{"id": "A", "liability": "mostly"}]})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "vehicles[0].liability"
    assert error["message"] == error["zh"]  # Chinese is the default language


def test_unknown_fields_are_refused(client):
    document = {**EXAMPLES["triage"], "priority": "high"}
    assert post(client, "triage", document).json()["error"]["field"] == "priority"


def test_locate_takes_gcj02_or_wgs84(client):
    gcj = post(client, "locate", {"lat": 34.580888, "lon": 105.724215, "crs": "gcj02"}).json()
    assert gcj == {"adcode": "620502", "county": "秦州区", "city_adcode": "620500", "city": "天水市"}
    assert post(client, "locate", {"lat": 95, "lon": 105}).status_code == 422


def test_locate_without_boundaries_says_so(client, settings):
    settings.COUNTY_BOUNDARIES_FILE = ""
    response = post(client, "locate", {"lat": 34.58, "lon": 105.72})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "boundaries_not_configured"


def test_the_catalogue_by_date(client):
    assert client.get("/api/v1/rules/circumstances?date=2024-06-01", secure=True).json()["version"] == 1
    assert client.get("/api/v1/rules/circumstances?date=2010-01-01", secure=True).status_code == 422


def test_the_api_needs_no_csrf_token_for_machine_callers(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post(strict, "liability", EXAMPLES["liability"]).status_code == 200


def test_openapi_documents_every_rule_with_an_example(client):
    schema = client.get("/api/openapi.json", secure=True).json()
    for name in ("liability", "eligibility", "settle", "triage", "validate", "locate"):
        operation = schema["paths"][f"/api/v1/rules/{name}"]["post"]
        assert operation["requestBody"]["content"]["application/json"]["example"] == EXAMPLES[name]
