"""The second driver joins from their own phone: the join code from the first driver, and a code to their mobile (B1)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from claimbridge.cases.models import CaseParty
from claimbridge.cases.tests.test_cases import wudu_case
from claimbridge.core.sms import MemorySmsBackend

pytestmark = pytest.mark.django_db


def post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json", secure=True)


@pytest.fixture
def case_with_code(client, users):
    MemorySmsBackend.outbox.clear()
    case = wudu_case(users["tianlong_adj1"], parties=[])
    client.force_login(users["tianlong_adj1"])
    answer = post(client, f"/api/v1/cases/{case.number}/join-code", {}).json()
    assert re.fullmatch(r"[A-Z0-9]{6}", answer["join_code"])
    assert answer["qr_svg"].startswith("<svg")
    assert answer["join_code"] in answer["join_url"]
    return case, answer["join_code"]


def sms_code() -> str:
    found = re.search(r"\d{6}", MemorySmsBackend.outbox[-1][1])
    assert found is not None
    return found.group(0)


def test_a_driver_joins_with_the_code_and_a_verified_phone(case_with_code):
    case, code = case_with_code
    driver = Client()
    assert post(driver, "/api/v1/phone/code", {"phone": "13700001111"}).status_code == 202
    joined = post(
        driver, "/api/v1/cases/join", {"join_code": code.lower(), "phone": "13700001111", "sms_code": sms_code()}
    )
    assert joined.status_code == 200
    assert joined.json() == {"case": case.number, "party": "A"}
    party = CaseParty.objects.get(case=case)
    assert party.driver_phone == "13700001111"
    assert case.events.filter(kind="party_joined").exists()


def test_a_wrong_sms_code_or_join_code_adds_nobody(case_with_code):
    case, code = case_with_code
    driver = Client()
    post(driver, "/api/v1/phone/code", {"phone": "13700002222"})
    wrong = post(
        driver,
        "/api/v1/cases/join",
        {"join_code": code, "phone": "13700002222", "sms_code": "000000" if sms_code() != "000000" else "111111"},
    )
    assert wrong.status_code == 422
    assert wrong.json()["error"]["zh"]
    assert wrong.json()["error"]["en"]
    bad = post(driver, "/api/v1/cases/join", {"join_code": "ZZZZZZ", "phone": "13700002222", "sms_code": sms_code()})
    assert bad.status_code == 422
    assert CaseParty.objects.filter(case=case).count() == 0


def test_joining_twice_from_the_same_phone_is_the_same_party(case_with_code):
    case, code = case_with_code
    driver = Client()
    for _ in range(2):
        post(driver, "/api/v1/phone/code", {"phone": "13700003333"})
        assert (
            post(
                driver, "/api/v1/cases/join", {"join_code": code, "phone": "13700003333", "sms_code": sms_code()}
            ).status_code
            == 200
        )
    assert CaseParty.objects.filter(case=case).count() == 1


def test_a_party_enters_their_details_checked_by_the_kernel(case_with_code):
    case, code = case_with_code
    driver = Client()
    post(driver, "/api/v1/phone/code", {"phone": "13700007777"})
    post(driver, "/api/v1/cases/join", {"join_code": code, "phone": "13700007777", "sms_code": sms_code()})
    page = f"/cases/{case.number}/me/"
    bad = driver.post(page, {"driver_name": "李四", "driver_licence": "340524198001010013", "plate": "甘K·12O45",
                             "vin": "LSVAM4187C2184840", "vehicle_type": "small_car", "collision_part": "rear"}, secure=True)  # fmt: skip
    assert bad.status_code == 422
    body = bad.content.decode()
    assert body.count('role="alert"') == 3  # ID check character, letter O in the plate, VIN check digit
    assert CaseParty.objects.get(case=case).driver_name == ""
    good = driver.post(page, {"driver_name": "李四", "driver_licence": "34052419800101001X", "plate": "甘K·12345",
                              "vin": "LSVAM4187C2184847", "vehicle_type": "small_car", "collision_part": "rear",
                              "driver_licensed": "on", "inspection_valid": "on", "impairment_free": "on"}, secure=True)  # fmt: skip
    assert good.status_code == 302
    party = CaseParty.objects.get(case=case)
    assert (party.driver_name, party.plate) == ("李四", "甘K12345")
    event = case.events.get(kind="party_updated")
    assert "李四" not in str(event.data)
    assert set(event.data["fields"]) == {
        "driver_name", "driver_licence", "plate", "vin", "vehicle_type", "collision_part", "driver_licensed",
        "inspection_valid", "impairment_free",
    }  # fmt: skip


def test_someone_else_cannot_open_a_partys_page(case_with_code):
    case, _code = case_with_code
    assert Client().get(f"/cases/{case.number}/me/", secure=True).status_code == 404
