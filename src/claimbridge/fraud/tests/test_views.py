"""The pages: the adjuster's phone files a clue with a photo and a witness; the committee's desk sees and works it
(issue 15; R11, R20, R15; B8)."""

from __future__ import annotations

from decimal import Decimal

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


def test_r11_the_clue_form_shows_every_mistake_next_to_its_field_and_keeps_nothing(users, committees):
    """A bad mobile, a bad ID number and a bad plate at once: three errors, each under its own field; a person with
    no role is refused rather than dropped; the photo chosen is said to be lost; no clue is filed."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from claimbridge.fraud.models import Clue

    client = _client(users["tianlong_adj1"])
    page = client.post("/fraud/new/", {"observations": ["old_damage"], "urgency": "normal", "county": "621202",
                                       "person_role": "witness", "person_phone": "12345", "person_id_number": "123",
                                       "plate": "甘X999",
                                       "photos": SimpleUploadedFile("a.jpg", b"\xff\xd8\xff", "image/jpeg")},
                       secure=True)  # fmt: skip
    html = page.content.decode()
    assert page.status_code == 422
    for field, text in (("person_phone", "请填写 11 位中国大陆手机号码"), ("person_id_number", "身份证号码不正确"),
                        ("plate", "车牌号格式不正确")):  # fmt: skip
        after = html.split(f'id="id_{field}"', 1)[1]
        assert text in after.split("<label", 1)[0], field  # under the field, before the next one
    assert 'data-testid="photos-lost"' in html
    no_role = client.post("/fraud/new/", {"observations": ["old_damage"], "urgency": "normal",
                                          "person_phone": "13912345678"}, secure=True)  # fmt: skip
    assert "请选择此人的身份" in no_role.content.decode()
    assert Clue.objects.count() == 0


def test_r20_a_decision_takes_only_its_own_reasons(users, committees, ratios):
    from claimbridge.core.errors import AppError
    from claimbridge.fraud import services

    clue = services.clue_create(user=users["tianlong_adj1"], county_code="621202", observations=["old_damage"],
                                submit=True)  # fmt: skip
    services.clue_move(user=users["af_ln"], clue=clue, action="investigate")
    with pytest.raises(AppError) as mixed:
        services.clue_move(user=users["af_ln"], clue=clue, action="confirm_fraud",
                           reasons=["evidence_sufficient", "insufficient_evidence"], amount_saved=Decimal("1"),
                           underwriter_code="maiji")  # fmt: skip
    assert (mixed.value.code, mixed.value.field) == ("reason_not_for_decision", "reasons")
    clue.refresh_from_db()
    assert clue.state == "investigating"


def test_r20_the_queue_puts_the_urgent_first_and_marks_shared_clues_and_files_to_send(users, committees):
    from claimbridge.fraud import selectors, services

    def file(urgency: str, **extra):
        return services.clue_create(user=users["tianlong_adj1"], county_code="621202", observations=["old_damage"],
                                    urgency=urgency, submit=True, **extra)  # fmt: skip

    normal, immediate = file("normal"), file("immediate")
    shared = file("urgent", vehicles=[{"plate": "甘E6789A"}])  # a Tianshui plate: shared with Tianshui
    services.file_request_create(user=users["af_ln"], clue=normal, insurer_code="maiji", question="定损单")
    queue = selectors.clue_queue_for_user(user=users["af_ln"])
    assert [c.number for c in queue] == [immediate.number, shared.number, normal.number]
    assert [c.number for c in selectors.clue_queue_for_user(user=users["af_ts"]) if c.shared] == [shared.number]
    assert [c.number for c in selectors.clue_queue_for_user(user=users["maiji_hq"]) if c.waiting] == [normal.number]
    page = _client(users["maiji_hq"]).get("/fraud/", secure=True).content.decode()
    assert 'data-testid="waiting"' in page
