"""The register over the API (issue 7, B9): submit, review, verify, staff change, stops and ratings, reports."""

from __future__ import annotations

from datetime import date, datetime

from django.test import Client

from claimbridge.credentials.tests.conftest import CHINA, DETAILS


def as_user(users, name: str) -> Client:
    client = Client()
    client.force_login(users[name])
    return client


def post(client: Client, path: str, body: dict) -> object:
    return client.post(path, body, content_type="application/json", secure=True)


def test_the_whole_register_over_the_api(users):
    company, association = as_user(users, "tianlong_hq"), as_user(users, "ln_assoc")
    created = post(company, "/api/v1/credentials/adjusters", {"full_name": "王小明", "id_number": "11010519491231002X",
                                                              "phone": "13800001111", "city": "621200", "details": DETAILS})  # fmt: skip
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["name"] == "王**"
    own_review = post(company, f"/api/v1/credentials/adjusters/{pk}/review", {"decision": "approve"})
    assert own_review.json()["error"]["code"] == "not_reviewer"  # a company never approves its own people
    approved = post(association, f"/api/v1/credentials/adjusters/{pk}/review", {"decision": "approve"}).json()
    token = approved["credentials"][0]["token"]
    assert (
        Client().get("/api/v1/credentials/verify", {"token": token}, secure=True).json()["status"] == "genuine_current"
    )
    moved = post(company, f"/api/v1/credentials/adjusters/{pk}/change", {"kind": "moved", "city": "620500"}).json()
    assert moved["revoked"]["credentials"][0]["revoked"]
    assert moved["new_submission"]["city"] == "620500"
    assert Client().get("/api/v1/credentials/verify", {"token": token}, secure=True).json()["status"] == "revoked"
    assert as_user(users, "maiji_hq").get("/api/v1/credentials/adjusters", secure=True).json() == []


def test_stops_and_ratings_over_the_api(users, credentialed, clock):
    credentialed("tianlong_adj1", since=date(2026, 9, 1))
    clock(datetime(2026, 10, 20, 12, 0, tzinfo=CHINA))
    adjuster = as_user(users, "tianlong_adj1")
    refused = post(adjuster, "/api/v1/credentials/stops", {"kind": "accident", "at": "2026-10-05T09:00:00+08:00",
                                                            "services": ["scene_help"]})  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "no_consent"
    made = post(adjuster, "/api/v1/credentials/stops", {"kind": "accident", "at": "2026-10-05T09:00:00+08:00",
                                                         "services": ["scene_help"], "credential_shown": True,
                                                         "customer_consented": True, "customer_insurer": "maiji"}).json()  # fmt: skip
    assert made["other_company_customer"]
    token = made["rating_url"].rstrip("/").rsplit("/", 1)[1]
    assert post(adjuster, f"/api/v1/credentials/stops/rate/{token}", {"rating": 5}).status_code == 403  # not one's own
    assert post(Client(), f"/api/v1/credentials/stops/rate/{token}", {"rating": 4}).json() == {"rating": 4}
    assert post(Client(), f"/api/v1/credentials/stops/rate/{token}", {"rating": 9}).status_code == 422
