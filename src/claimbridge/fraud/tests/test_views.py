"""The pages: the adjuster's phone files a clue with a photo and a witness; the committee's desk sees and works it
(issue 15; R11, R20, R15; B8)."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.factories import photo

from claimbridge.fraud.models import Clue

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_r11_the_phone_files_a_clue_with_a_photo_and_a_witness_and_the_committee_sees_it(users, committees):
    phone = _client(users["tianlong_adj1"])
    page = phone.get("/fraud/new/", secure=True)
    assert page.status_code == 200
    key = page.context["form"].initial["form_key"]
    form = {"form_key": key, "observations": ["staged_scene", "parties_know_each_other"], "urgency": "urgent",
            "description": "双方称互不相识，但互存电话", "county": "621202", "person_role": "witness", "person_name": "王五",
            "person_phone": "13912345678", "plate": "甘E6789A", "repair_shop": "某汽修厂", "photos": photo(0)}  # fmt: skip
    sent = phone.post("/fraud/new/", form, secure=True)
    assert sent.status_code == 302, sent.context["form"].errors
    clue = Clue.objects.get()
    again = phone.post("/fraud/new/", form | {"photos": photo(0)}, secure=True)  # a double tap: the same clue
    assert again.status_code == 302
    assert Clue.objects.count() == 1
    assert clue.state == "received"
    assert clue.evidence.items.count() == 1
    mine = phone.get(sent["Location"], secure=True).content.decode()
    assert "王*" in mine
    assert "王五" not in mine
    assert "13912345678" not in mine
    desk = _client(users["af_ln"]).get(f"/fraud/{clue.number}/", secure=True).content.decode()
    assert "139****5678" in desk
    assert "13912345678" not in desk
    assert "cross-region" in desk or "跨区域" in desk  # a Tianshui plate: shared with the Tianshui committee
    assert _client(users["af_ts"]).get(f"/fraud/{clue.number}/", secure=True).status_code == 200
    for outsider in ("antifraud", "maiji_hq", "tianlong_hq", "maiji_adj1"):
        assert _client(users[outsider]).get(f"/fraud/{clue.number}/", secure=True).status_code == 404, outsider
    assert _client(users["driver_ln"]).get("/fraud/", secure=True).status_code == 403


def test_r20_the_committee_takes_steps_on_the_desk_and_the_reporter_sees_the_outcome(users, committees, ratios):
    from claimbridge.fraud import services

    clue = services.clue_create(user=users["tianlong_adj1"], observations=["old_damage"], county_code="621202",
                                submit=True)  # fmt: skip
    desk = _client(users["af_ln"])
    for step in ({"action": "investigate"}, {"action": "confirm_fraud", "reasons": ["admitted"],
                                             "amount_saved": "2000", "underwriter": "maiji"}):  # fmt: skip
        answer = desk.post(f"/fraud/{clue.number}/", {"op": "step", **step}, secure=True)
        assert answer.status_code == 302
    clue.refresh_from_db()
    assert clue.state == "confirmed_fraud"
    assert str(clue.reward.amount) == "100.00"
    refused = _client(users["af_ts"]).post(f"/fraud/{clue.number}/", {"op": "step", "action": "close"}, secure=True)
    assert refused.status_code == 404  # a Longnan-only clue does not exist for the Tianshui committee
    clue.refresh_from_db()
    assert clue.state == "confirmed_fraud"
    feedback = _client(users["tianlong_adj1"]).get("/fraud/", secure=True).content.decode()
    assert "100.00" in feedback
