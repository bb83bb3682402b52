"""Reporting a case over the API: retried safely, read only as far as each company may (B8, B9)."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection
from django.test import Client
from tests.factories import recent_day

from claimbridge.cases.models import Case

BODY = {"county": "621202", "accident_at": f"{recent_day():%Y-%m-%d}T14:20:00+08:00", "parties": [
    {"label": "A", "plate": "甘E6789A", "insurer": "maiji", "underwriting_city": "620500"},
    {"label": "B", "plate": "甘K12345", "insurer": "tianlong", "underwriting_city": "621200"}],
    "consent": {"credential_shown": True, "customer_consented": True}}  # fmt: skip


def post(client, body=BODY, key=""):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        "/api/v1/cases",
        data=json.dumps(body, ensure_ascii=False),
        content_type="application/json",
        secure=True,
        **headers,
    )


@pytest.mark.django_db
def test_a_retried_report_is_one_case(client, users):
    client.force_login(users["tianlong_adj1"])
    first, again = post(client, key="roadside-1"), post(client, key="roadside-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_each_company_sees_its_own_party_and_only_the_label_of_the_other(client, users):
    client.force_login(users["tianlong_adj1"])
    number = post(client).json()["number"]
    client.force_login(users["maiji_unit1"])
    parties = {p["label"]: p for p in client.get(f"/api/v1/cases/{number}", secure=True).json()["parties"]}
    assert parties["A"]["plate"] == "甘E6789A"
    assert parties["B"] == {"label": "B", "insurer": "tianlong", "insurer_name": "天陇财险"}
    client.force_login(users["bailong_hq"])
    assert client.get(f"/api/v1/cases/{number}", secure=True).status_code == 404


@pytest.mark.django_db
def test_bad_input_is_refused_in_both_languages(client, users):
    client.force_login(users["tianlong_adj1"])
    response = post(client, body=BODY | {"parties": [{"label": "A", "plate": "甘E12O45"}]})
    assert response.status_code == 422
    assert response.json()["error"]["zh"]
    assert response.json()["error"]["en"]
    assert Case.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_retries_create_one_case(users_transactional):
    """B9 acceptance: the same POST with the same Idempotency-Key, 50 times at once, is one case (PostgreSQL)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    user = users_transactional["tianlong_adj1"]
    answers: list[int] = []

    def fire() -> None:
        client = Client()
        client.force_login(user)
        answers.append(post(client, key="storm-1").status_code)
        connection.close()

    threads = [threading.Thread(target=fire) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(answers)) == [200, 201]
    assert answers.count(201) == 1
    assert Case.objects.count() == 1


@pytest.mark.parametrize("consent", [None, {"credential_shown": True}, {"customer_consented": True}])
def test_r7_r8_an_adjuster_reports_only_after_showing_the_card_and_with_the_customers_consent(users, client, consent):
    from claimbridge.cases.models import Case

    client.force_login(users["tianlong_adj1"])
    body = {key: value for key, value in BODY.items() if key != "consent"} | ({"consent": consent} if consent else {})
    response = post(client, body=body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "no_consent"
    assert "同意" in response.json()["error"]["zh"]
    assert Case.objects.count() == 0


def test_r7_the_consent_is_kept_in_the_audit_trail(users, client):
    from claimbridge.cases.models import CaseEvent

    client.force_login(users["tianlong_adj1"])
    number = post(client).json()["number"]
    created = CaseEvent.objects.get(case__number=number, kind="created")
    assert created.data["consent"] == {"credential_shown": True, "customer_consented": True}


@pytest.mark.parametrize(("lat", "lon", "crs"), [(33.395, 104.923, "wgs84"), (33.3927, 104.9289, "gcj02")])
def test_the_county_comes_from_a_phone_position_or_a_map_pin(users, client, lat, lon, crs):
    """A GPS fix (WGS-84) or a pin from a Chinese map (GCJ-02, offset by some hundred metres) in 武都区."""
    client.force_login(users["tianlong_adj1"])
    body = {key: value for key, value in BODY.items() if key != "county"} | {
        "latitude": lat,
        "longitude": lon,
        "crs": crs,
    }
    response = post(client, body=body)
    assert response.status_code == 201, response.content
    assert response.json()["county"] == "621202"


def test_without_a_county_or_a_place_nothing_is_created(users, client):
    from claimbridge.cases.models import Case

    client.force_login(users["tianlong_adj1"])
    response = post(client, body={key: value for key, value in BODY.items() if key != "county"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "no_county"
    assert Case.objects.count() == 0


def _raw_post(client, raw: bytes, key=""):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/v1/cases", data=raw, content_type="application/json", secure=True, **headers)


BAD_BODIES = {
    "naive time": BODY | {"accident_at": f"{recent_day():%Y-%m-%d}T10:00:00"},
    "time in the future": BODY | {"accident_at": "2999-01-01T10:00:00+08:00"},
    "time decades ago": BODY | {"accident_at": "1990-01-01T10:00:00+08:00"},
    "NUL in a plate": BODY | {"parties": [{"label": "A", "plate": "甘E67\u000089A"}]},
    "a plate longer than its column": BODY | {"parties": [{"label": "A", "plate": "甘E6789A" * 5}]},
    "an 18-character VIN": BODY | {"parties": [{"label": "A", "vin": "LSVAM4187C21848470"}]},
    "a 9-character crs": BODY | {"crs": "wgs84wgs8", "latitude": 33.4, "longitude": 104.9},
    "latitude out of range": BODY | {"latitude": 123.0, "longitude": 104.9},
    "five parties": BODY | {"parties": [{"label": label} for label in "ABCDE"]},
    "a party E": BODY | {"parties": [{"label": "E"}]},
    "a county with NUL": BODY | {"county": "6212\u000002"},
    "an unknown fact": BODY | {"facts": {"meteor_strike": True}},
}


@pytest.mark.parametrize("name", list(BAD_BODIES))
def test_issue_12_bad_input_is_a_4xx_with_the_error_body_and_creates_nothing(users, client, name):
    """Finding 7: naive or implausible times, NUL, over-long strings, an 18-character VIN, a 9-character crs… were
    500s (an HTML page) or stored nonsense."""
    client.force_login(users["tianlong_adj1"])
    response = post(client, body=BAD_BODIES[name])
    assert 400 <= response.status_code < 500, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"]
    assert error["zh"]
    assert error["en"]
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "raw",
    [b"[" * 50_000 + b"]" * 50_000, b'{"county": "\\ud800"}', b'{"county": "621202", "latitude": NaN}', b"{nope",
     "{\"county\": \"621202\"}".encode("utf-16")],
)  # fmt: skip
def test_issue_12_malformed_json_is_a_400_never_a_500(users, client, raw):
    client.force_login(users["tianlong_adj1"])
    response = _raw_post(client, raw)
    assert response.status_code == 400, response.content[:200]
    assert response.json()["error"]["code"] in {"too_deeply_nested", "bad_characters", "bad_json"}
    assert Case.objects.count() == 0


def test_issue_12_the_same_key_with_another_body_is_refused(users, client):
    """Finding 6: a key names one request; another body under it is a client's mistake, not a retry."""
    client.force_login(users["tianlong_adj1"])
    assert post(client, key="k-77").status_code == 201
    other = post(client, body=BODY | {"county": "621221"}, key="k-77")
    assert (other.status_code, other.json()["error"]["code"]) == (422, "idempotency_key_reused")
    assert Case.objects.count() == 1


def test_issue_12_a_reporters_answers_go_to_the_kernel(users, client):
    """Finding 3, over the API: what the adjuster saw at the scene is stored with who said it."""
    adjuster = users["tianlong_adj1"]
    client.force_login(adjuster)
    response = post(client, body=BODY | {"facts": {"facility_damage": True, "scene_difficult": None}})
    case = Case.objects.get(number=response.json()["number"])
    assert case.facts == {"facility_damage": True}
    assert case.fact_sources["facility_damage"]["by"] == f"user:{adjuster.pk}"
