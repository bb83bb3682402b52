"""Drivers see the short notice and give the consent the flow needs, recorded with time and version (issue 20 item
1; B8, R17: what is shared with the other party's insurer is consented to separately, PIPL art. 23)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from tests.factories import recent_day, wudu_case

from claimbridge.cases.models import Case, CaseParty
from claimbridge.core.crypto import blind_index
from claimbridge.core.phone_verification import challenge_send
from claimbridge.core.sms import MemorySmsBackend
from claimbridge.privacy.models import ConsentRecord
from claimbridge.privacy.notice import NOTICE_VERSION

pytestmark = pytest.mark.django_db


def _code() -> str:
    found = re.search(r"\d{6}", MemorySmsBackend.outbox[-1][1])
    assert found is not None
    return found.group(0)


def _proved_phone(number: str) -> Client:
    phone = Client()
    challenge_send(number)
    phone.post("/cases/start/", {"phone": number, "sms_code": _code(), "verify": "1"}, secure=True)
    return phone


def test_issue_20_starting_a_case_needs_the_box_ticked_and_records_the_consent():
    phone = _proved_phone("13700009991")
    page = phone.get("/cases/start/", secure=True).content.decode()
    assert 'data-testid="privacy-notice"' in page
    assert "我已阅读并同意" in page
    assert 'href="/privacy/"' in page
    form = {"county": "621202", "accident_at": f"{recent_day(1):%Y-%m-%d}T09:00", "plate": "甘E6789A",
            "consent_version": NOTICE_VERSION}  # fmt: skip
    refused = phone.post("/cases/start/", form, secure=True)
    assert refused.status_code == 422
    assert 'data-testid="consent-error"' in refused.content.decode()
    assert "请阅读《个人信息处理说明》并勾选同意" in refused.content.decode()
    assert not Case.objects.exists()
    assert not ConsentRecord.objects.exists()
    stale = phone.post("/cases/start/", form | {"consent": "on", "consent_version": "2020-01"}, secure=True)
    assert stale.status_code == 422
    assert not Case.objects.exists()
    started = phone.post("/cases/start/", form | {"consent": "on"}, secure=True)
    assert started.status_code == 302
    case = Case.objects.get()
    record = ConsentRecord.objects.get()
    assert (record.case, record.party.label, record.notice_version) == (case, "A", NOTICE_VERSION)
    assert record.phone_index == blind_index("13700009991", purpose="phone")
    assert record.purpose == "quick_claim"
    assert record.channel == "web"
    assert record.given_at.utcoffset() is not None
    event = case.events.get(kind="consent_given")
    assert event.data == {"party": "A", "purposes": ["quick_claim"], "notice_version": NOTICE_VERSION}


def test_issue_20_joining_needs_consent_on_the_page_and_in_the_api(users):
    MemorySmsBackend.outbox.clear()
    from claimbridge.cases.services.join import case_join_code_issue

    case = wudu_case(users["tianlong_adj1"], parties=[])
    code = case_join_code_issue(case=case)
    web = Client()
    sent = web.post("/cases/join/", {"join_code": code, "phone": "13700009992", "send_code": "1"}, secure=True)
    assert sent.status_code == 200  # the code is sent without the box: it only proves the number
    body = {
        "join_code": code,
        "phone": "13700009992",
        "sms_code": _code(),
        "join": "1",
        "consent_version": NOTICE_VERSION,
    }
    refused = web.post("/cases/join/", body, secure=True)
    assert refused.status_code == 422
    assert 'data-testid="consent-error"' in refused.content.decode()
    assert not CaseParty.objects.filter(case=case).exists()
    api = Client()
    challenge_send("13700009993")
    api_body = {"join_code": code, "phone": "13700009993", "sms_code": _code()}
    for version, error in (("", "consent_required"), ("2020-01", "consent_version_stale")):
        answer = api.post("/api/v1/cases/join", json.dumps(api_body | {"consent_version": version}),
                          content_type="application/json", secure=True)  # fmt: skip
        assert answer.status_code == 422
        assert (answer.json()["error"]["code"], answer.json()["error"]["field"]) == (error, "consent_version")
    assert not ConsentRecord.objects.exists()
    joined = api.post("/api/v1/cases/join", json.dumps(api_body | {"consent_version": NOTICE_VERSION}),
                      content_type="application/json", secure=True)  # fmt: skip
    assert joined.status_code == 200
    record = ConsentRecord.objects.get()
    assert (record.channel, record.party.label, record.case_id) == ("api", "A", case.pk)
    assert case.events.filter(kind="consent_given").count() == 1


def test_issue_20_the_privacy_page_reads_in_chinese_and_in_english():
    page = Client().get("/privacy/", secure=True).content.decode()
    assert "个人信息处理说明" in page
    assert "驾驶人手机号" in page
    assert "为订立、履行个人作为一方当事人的合同所必需" in page
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/privacy/", secure=True)
    english_page = Client()
    english_page.cookies["django_language"] = "en"
    text = english_page.get("/privacy/", secure=True).content.decode()
    assert english.status_code == 200
    assert "Personal Information Notice" in text
    assert "plate number" in text
