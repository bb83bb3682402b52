"""The driver's quick claim as steps (issue 13; B1, R2, R3): conditions met, to answer or failed; a voided confirmation
said with who changed what; each step saved on its own, input kept; several photos at once."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.factories import photo, two_party_case

from claimbridge.cases.quick_claim import conditions_seen
from claimbridge.cases.selectors import confirmations_voided
from claimbridge.cases.services.intake import PartyInput, case_create
from claimbridge.cases.services.quick_claim import case_facts_save, party_confirm
from claimbridge.organisations.models import County

pytestmark = pytest.mark.django_db


def phone_of(case, label: str) -> Client:
    client = Client()
    session = client.session
    session["case_parties"] = {case.number: label}
    session.save()
    return client


def fresh_case():
    """A has just started the case on their phone (the plate is in the register); B has not joined."""
    from django.utils import timezone

    from claimbridge.policies.demo import load_demo_policies

    load_demo_policies()
    return case_create(user=None, channel="driver", county=County.objects.get(code="621202"),
                       accident_at=timezone.now(), parties=[PartyInput("A", plate="甘E6789A", phone="13700005555")])  # fmt: skip


def test_a_fresh_case_has_nothing_failed_only_things_to_answer(users):
    """Issue 13 (R2): unticked statements and unanswered questions are "to answer", never failed conditions."""
    seen = conditions_seen(fresh_case())
    assert seen["verdict"] == "open"
    assert seen["failed"] == []
    assert {"drivers_fit", "vehicles_inspected", "no_casualties", "scene_evidence_both"} <= set(seen["open"])
    assert all(item["message"]["zh"] and "报警" not in item["message"]["zh"] for item in seen["conditions"])


def test_a_known_failure_gives_its_reason_and_the_rest_stays_open(users):
    """Issue 13 (R2, R14): an answer that fails a condition shows the kernel's reason; unanswered ones stay open."""
    case = fresh_case()
    case_facts_save(case=case, facts={"casualties": True}, party_label="A")
    seen = conditions_seen(case)
    assert seen["verdict"] == "not_eligible"
    assert seen["failed"] == ["no_casualties"]
    failed = next(item for item in seen["conditions"] if item["code"] == "no_casualties")
    assert "报警" in failed["message"]["zh"]
    assert "drivers_fit" in seen["open"]


def test_a_complete_case_meets_every_condition(users):
    seen = conditions_seen(two_party_case())
    assert seen["verdict"] == "eligible"
    assert {item["state"] for item in seen["conditions"]} == {"met"}


def test_a_voided_confirmation_is_said_with_who_changed_what(users):
    """Issue 13 (B1): B confirmed, A changed the loss: B's page says its confirmation went, A changed 估计损失."""
    case = two_party_case()
    b = case.parties.get(label="B")
    party_confirm(party=b, typed_name="李四", consent=True, device="B")
    assert confirmations_voided(case=case, parties=list(case.parties.all())) is None
    case_facts_save(case=case, facts={"estimated_loss": "3500.00"}, party_label="A")
    voided = confirmations_voided(case=case, parties=list(case.parties.all()))
    assert voided is not None
    assert (voided["parties"], voided["by"], voided["fields"]) == (["B"], "A", ["estimated_loss"])

    page = phone_of(case, "B").get(f"/cases/{case.number}/me/live/", secure=True)
    assert page.status_code == 200
    text = page.content.decode()
    assert "您的确认已失效" in text
    assert "对方（A方）" in text
    assert "估计损失" in text
    phone_a = phone_of(case, "A")
    told_a = phone_a.get(f"/cases/{case.number}/me/live/", secure=True).content.decode()
    assert "对方（B方）的确认因此失效" in told_a
    again = told_a.split('hx-get="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert phone_a.get(again, secure=True).status_code == 204  # nothing new: nothing swapped, nothing re-announced

    party_confirm(party=b, typed_name="李四", consent=True, device="B")
    assert confirmations_voided(case=case, parties=list(case.parties.all())) is None


def test_the_what_happened_step_saves_its_part_with_the_circumstances_and_keeps_input_on_error(users):
    """Issue 13 (B1, R2): the account and the circumstances are one form; other answers stay as they were; an
    error is shown next to its field with what was typed kept."""
    case = two_party_case()
    phone = phone_of(case, "B")
    form = {"step": "what", "place": "东江路口", "weather": "rain", "collision_form": "rear_end",
            "damage": "minor_exterior", "estimated_loss": "一万二", "party_A": "1", "party_B": ""}  # fmt: skip
    refused = phone.post(f"/cases/{case.number}/me/facts/", form, secure=True)
    assert refused.status_code == 422
    body = refused.content.decode()
    assert 'value="东江路口"' in body
    assert 'value="一万二"' in body
    assert 'role="alert"' in body
    saved = phone.post(f"/cases/{case.number}/me/facts/", form | {"estimated_loss": "2800"}, secure=True)
    assert saved.status_code == 302
    assert saved["Location"].endswith("?step=check")
    case.refresh_from_db()
    assert (case.facts["weather"], case.facts["estimated_loss"], case.facts["casualties"]) == ("rain", "2800.00", False)
    assert case.fact_sources["weather"]["by"] == "party:B"
    assert case.circumstances == {"A": [1], "B": []}


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("12,00元", None),
        ("1e3", None),
        ("12,000元", "12000.00"),
        ("１２，０００", "12000.00"),
        ("¥2,800.50", "2800.50"),
    ],
)
def test_the_phone_reads_the_estimated_loss_as_the_desk_reads_money(users, typed, kept):
    """Issue 13 (R3, B9): the phone's estimated loss took "12,00元" as 1200 (every comma dropped) while the claims
    desk refused it: one reading of typed money now, thousands commas and full width read, a misplaced comma refused."""
    case = two_party_case()
    phone = phone_of(case, "A")
    form = {"step": "what", "place": "东江路口", "weather": "rain", "collision_form": "rear_end",
            "damage": "minor_exterior", "estimated_loss": typed, "party_A": "1", "party_B": ""}  # fmt: skip
    before = case.facts.get("estimated_loss")
    answer = phone.post(f"/cases/{case.number}/me/facts/", form, secure=True)
    case.refresh_from_db()
    if kept is None:
        assert answer.status_code == 422
        assert case.facts.get("estimated_loss") == before
        assert f'value="{typed}"' in answer.content.decode()
    else:
        assert answer.status_code == 302
        assert case.facts["estimated_loss"] == kept


def test_unanswered_statements_stay_unanswered(users):
    """Issue 13 (R2): a statement the driver has not answered is stored as not answered, not as "no"."""
    case = fresh_case()
    phone = phone_of(case, "A")
    answer = phone.post(f"/cases/{case.number}/me/", {"step": "who", "driver_name": "张三", "driver_licence":
                        "11010519491231002X", "plate": "甘E6789A", "vehicle_type": "small_car", "collision_part": "front",
                        "driver_licensed": "yes"}, secure=True)  # fmt: skip
    assert answer.status_code == 302
    party = case.parties.get()
    assert (party.driver_licensed, party.inspection_valid, party.impairment_free) == (True, None, None)


def test_several_photos_go_into_one_slot_at_once(users):
    """Issue 13 (B1): the camera slot takes several photos; the checklist and thumbnails come back in place."""
    case = two_party_case()
    phone = phone_of(case, "B")
    answer = phone.post(f"/cases/{case.number}/me/photos/", {"step": "photos", "slot": "collision_point",
                        "upload_key": "k1", "file": [photo(3), photo(4)]}, HTTP_HX_REQUEST="true", secure=True)  # fmt: skip
    assert answer.status_code == 200
    body = answer.content.decode()
    assert body.count('data-testid="thumb"') == 5  # three before, two now
    assert "已收到 2 张照片" in body
    thumbnail = body.split('data-testid="thumb"')[0].rsplit('src="', 1)[1].split('"')[0]
    assert phone.get(thumbnail, secure=True)["Content-Type"] == "image/jpeg"
    assert Client().get(thumbnail, secure=True).status_code == 404
