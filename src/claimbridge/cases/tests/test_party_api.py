"""The driver's phone over the JSON API (B1, B9): the same steps as the party page, bound to the session in which the
driver proved their mobile; cookie-borne, so CSRF-protected; another phone gets nothing."""

from __future__ import annotations

import json

from django.test import Client
from tests.factories import B_DETAILS, FACTS, two_party_case

from claimbridge.cases.services import audit


def phone_of(case, label: str, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    session = client.session
    session["case_parties"] = {case.number: label}
    session.save()
    return client


def post(client: Client, path: str, body: object) -> object:
    return client.post(path, json.dumps(body, ensure_ascii=False), content_type="application/json", secure=True)


def test_b1_both_phones_agree_through_the_api(db):
    case = two_party_case()
    a, b = phone_of(case, "A"), phone_of(case, "B")
    base = f"/api/v1/cases/{case.number}/me"
    seen = a.get(base, secure=True).json()
    assert seen["assessment"]["eligibility"]["eligible"]
    assert seen["details"]["driver_name"] == "张*"
    assert "11010519491231002X" not in json.dumps(seen)  # the ID number is masked
    refused = post(b, f"{base}/details", B_DETAILS | {"driver_licence": "340524198001010013"})
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "driver_licence"
    assert post(a, f"{base}/facts", FACTS).status_code == 200
    assert post(a, f"{base}/circumstances", {"A": [1], "B": []}).json()["assessment"]["liability"]["liability"] == {
        "A": "full",
        "B": "none",
    }
    assert post(a, f"{base}/confirm", {"typed_name": "张三", "consent": True}).status_code == 200
    done = post(b, f"{base}/confirm", {"typed_name": "李四", "consent": True}).json()
    assert done["state"] == "agreed"
    assert done["agreement"]["code"]


def test_a_phone_that_did_not_join_gets_nothing_and_posts_need_the_csrf_token(db):
    case = two_party_case()
    stranger = Client()
    assert stranger.get(f"/api/v1/cases/{case.number}/me", secure=True).status_code == 401
    other_case_phone = phone_of(case, "A")
    session = other_case_phone.session
    session["case_parties"] = {"621200-19990101-00001": "A"}
    session.save()
    assert other_case_phone.get(f"/api/v1/cases/{case.number}/me", secure=True).status_code == 404
    forged = post(phone_of(case, "A", csrf=True), f"/api/v1/cases/{case.number}/me/disagree", {})
    assert forged.status_code == 403
    case.refresh_from_db()
    assert case.state == "reported"


def test_disagreeing_over_the_api_sends_the_case_to_the_police(db):
    case = two_party_case()
    answer = post(phone_of(case, "B"), f"/api/v1/cases/{case.number}/me/disagree", {}).json()
    assert answer["state"] == "police"
    assert answer["parties"][1]["disagrees"]
    again = post(
        phone_of(case, "A"), f"/api/v1/cases/{case.number}/me/confirm", {"typed_name": "张三", "consent": True}
    )
    assert (again.status_code, again.json()["error"]["code"]) == (409, "case_settled")
    assert again.json()["error"]["zh"]
    assert audit.audit_verify() == []
