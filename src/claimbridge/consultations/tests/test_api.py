"""R13 over the API: a phone asks (Idempotency-Key: a retry answers the first question, a reused key with another
body is refused), lists and reads its own; staff answer and escalate; the phone rates once; the FAQ is public."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from claimbridge.consultations.models import Consultation
from claimbridge.consultations.tests.conftest import PHONE_A, PHONE_STRANGER

pytestmark = pytest.mark.django_db
URL = "/api/v1/consultations"


def _phone_client(phone: str) -> Client:
    client = Client()
    session = client.session
    session["verified_phone"] = phone
    session.save()
    return client


def _post(client: Client, path: str, body: dict[str, Any], key: str = "") -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(path, json.dumps(body), content_type="application/json", secure=True, headers=headers)


def test_r13_a_phone_asks_once_per_idempotency_key(case):
    phone = _phone_client(PHONE_A)
    body = {"question": "定损后多久赔付？", "topic": "settlement", "case": case.number}
    first = _post(phone, URL, body, key="ask-1")
    assert first.status_code == 201, first.content
    again = _post(phone, URL, body, key="ask-1")
    assert again.status_code == 200
    assert again.json()["number"] == first.json()["number"]
    assert Consultation.objects.count() == 1
    reused = _post(phone, URL, body | {"question": "另一个问题"}, key="ask-1")
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert first.json()["insurer"] == "maiji"
    assert first.json()["asker_phone"] == "137****5555"
    assert first.json()["due_at"] is None


def test_r13_without_a_proved_phone_or_sign_in_nothing_is_asked(client):
    answer = _post(client, URL, {"question": "？", "insurer": "maiji"})
    assert answer.status_code == 401
    assert answer.json()["error"]["zh"]
    assert client.get(URL, secure=True).status_code == 401
    assert Consultation.objects.count() == 0


def test_r13_each_caller_lists_and_reads_only_its_own(case, client, users):
    made = _post(_phone_client(PHONE_A), URL, {"question": "？", "case": case.number}).json()["number"]
    stranger = _phone_client(PHONE_STRANGER)
    assert stranger.get(URL, secure=True).json() == {"consultations": []}
    assert stranger.get(f"{URL}/{made}", secure=True).status_code == 404
    client.force_login(users["tianlong_hq"])
    assert client.get(URL, secure=True).json() == {"consultations": []}
    assert client.get(f"{URL}/{made}", secure=True).status_code == 404
    assert _post(client, f"{URL}/{made}/answer", {"answer": "三天"}).status_code == 404
    client.force_login(users["maiji_hq"])
    assert [c["number"] for c in client.get(URL, secure=True).json()["consultations"]] == [made]


def test_r13_staff_escalate_the_specialist_answers_the_phone_rates_once(case, client, users, specialists):
    phone = _phone_client(PHONE_A)
    number = _post(phone, URL, {"question": "互碰自赔怎么算？", "topic": "settlement", "case": case.number}).json()[
        "number"
    ]
    client.force_login(users["maiji_hq"])
    wrong = _post(client, f"{URL}/{number}/escalate", {"specialist": specialists["tianlong"].pk})
    assert wrong.status_code == 422
    assert wrong.json()["error"]["field"] == "specialist"
    escalated = _post(client, f"{URL}/{number}/escalate", {"specialist": specialists["maiji"].pk, "working_days": 3})
    assert escalated.status_code == 200
    assert escalated.json()["state"] == "escalated"
    assert escalated.json()["due_at"]
    expert = Client()
    expert.force_login(users["maiji_unit1"])
    answered = _post(expert, f"{URL}/{number}/answer", {"answer": "各自车损由各自保险公司赔付"})
    assert answered.status_code == 200
    assert answered.json()["state"] == "answered"
    seen = phone.get(f"{URL}/{number}", secure=True).json()
    assert seen["answer"] == "各自车损由各自保险公司赔付"
    assert seen["due_at"] is None
    assert _post(client, f"{URL}/{number}/rate", {"rating": 5}).status_code == 403  # staff do not rate
    rated = _post(phone, f"{URL}/{number}/rate", {"rating": 5, "comment": "谢谢"})
    assert rated.status_code == 200
    assert rated.json()["rating"] == 5
    twice = _post(phone, f"{URL}/{number}/rate", {"rating": 1})
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "already_rated"
    assert _post(phone, f"{URL}/{number}/rate", {"rating": 9}).status_code == 422


def test_r13_the_faq_entry_is_created_once_and_listed_publicly(case, client, users):
    number = _post(_phone_client(PHONE_A), URL, {"question": "？", "case": case.number}).json()["number"]
    client.force_login(users["maiji_hq"])
    _post(client, f"{URL}/{number}/answer", {"answer": "资料齐全后 3 个工作日"})
    body = {"question_zh": "定损后多久赔付？", "answer_zh": "资料齐全后 3 个工作日。", "topic": "settlement"}
    first = _post(client, f"{URL}/{number}/faq", body, key="faq-1")
    assert first.status_code == 201
    assert _post(client, f"{URL}/{number}/faq", body, key="faq-1").status_code == 200
    public = Client().get(f"{URL}/faq", secure=True).json()
    assert [(t["topic"], len(t["entries"])) for t in public["topics"]] == [("settlement", 1)]
    assert public["topics"][0]["entries"][0]["question"] == "定损后多久赔付？"
