"""快处易赔 online (R1–R3, R14, B1): cover from the register, eligibility, circumstances, both confirmations, the
协议书; the police path when it does not qualify or a party disagrees."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from claimbridge.cases import services
from claimbridge.cases.models import Case, Handoff
from claimbridge.cases.quick_claim import assessment
from claimbridge.evidence import reuse_index
from claimbridge.organisations.models import County
from claimbridge.policies.demo import load_demo_policies
from claimbridge.rules.case_flow import IllegalTransition

PHOTOS = sorted((Path(__file__).resolve().parents[4] / "tests" / "data" / "car_photos").glob("*.jpg"))
FACTS = {"place": "江南大道 12 号", "weather": "sunny", "collision_form": "rear_end", "casualties": False,
         "other_property_damaged": False, "non_motor_involved": False, "vehicles_drivable": True,
         "dangerous_goods": False, "facts_disputed": False, "damage": "minor_exterior", "estimated_loss": "3000.00"}  # fmt: skip
A_DETAILS = {"driver_name": "张三", "driver_licence": "11010519491231002X", "plate": "甘E6789A", "vin": "",
             "vehicle_type": "small_car", "collision_part": "front", "driver_licensed": True, "inspection_valid": True,
             "impairment_free": True}  # fmt: skip
B_DETAILS = A_DETAILS | {"driver_name": "李四", "driver_licence": "34052419800101001X", "plate": "甘K12345",
                         "collision_part": "rear"}  # fmt: skip


@pytest.fixture(autouse=True)
def isolated(monkeypatch, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    monkeypatch.setattr(transaction, "on_commit", lambda callback, using=None, robust=False: callback())
    reuse_index.reset()
    yield
    reuse_index.reset()


def photo(index: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"p{index}.jpg", PHOTOS[index].read_bytes(), content_type="image/jpeg")


def two_party_case(*, facts=FACTS) -> Case:
    """A (insured in Tianshui) runs into the back of B (insured in Longnan) in 武都区."""
    load_demo_policies()
    case = services.case_create(
        user=None, channel="driver", county=County.objects.get(code="621202"),
        accident_at=timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time().replace(hour=9))),
        parties=[services.PartyInput("A", phone="13700005555"), services.PartyInput("B", phone="13700006666")],
    )  # fmt: skip
    a, b = case.parties.order_by("label")
    services.party_details_save(party=a, **A_DETAILS)
    services.party_details_save(party=b, **B_DETAILS)
    for index, (party, slot) in enumerate(((a, "front_panorama"), (a, "rear_panorama"), (b, "collision_point"))):
        services.party_photo_upload(party=party, slot_code=slot, upload=photo(index))
    services.case_facts_save(case=case, facts=facts, party_label="A")
    services.case_circumstances_save(case=case, circumstances={"A": [1], "B": []}, party_label="A")
    case.refresh_from_db()
    return case


def test_r1_r3_cover_and_claims_units_come_from_the_register(db):
    case = two_party_case()
    a, b = case.parties.order_by("label")
    assert (a.insurer.code, a.underwriting_city_code, a.cover_verified) == ("maiji", "620500", True)
    assert (b.insurer.code, b.underwriting_city_code, b.cover_verified) == ("tianlong", "621200", True)
    assert a.ctpl_policy_number
    assert b.ctpl_policy_number
    # Both are handled by their insurer's unit serving 武都区, in Longnan, whichever city wrote the policy (R1, R16).
    assert a.claims_unit.branch.city.code == b.claims_unit.branch.city.code == "621200"
    assert case.state == "reported"


def test_b1_every_condition_passes_and_rear_end_makes_a_fully_liable(db):
    judged = assessment(two_party_case())
    assert judged["eligibility"]["eligible"], judged["eligibility"]["failed"]
    assert len(judged["eligibility"]["conditions"]) == 18
    assert judged["liability"]["liability"] == {"A": "full", "B": "none"}
    assert judged["triage"]["A"]["route"] == "online_one_stop"
    assert judged["triage"]["B"]["route"] == "refer_liable_party"


def test_b1_both_confirm_and_the_agreement_carries_every_field_of_article_21(db):
    case = two_party_case()
    a, b = case.parties.order_by("label")
    services.party_confirm(party=a, typed_name="张三", consent=True, device="phone A")
    case.refresh_from_db()
    assert case.state == "awaiting_confirmation"
    assert not case.agreement_name
    services.party_confirm(party=b, typed_name="李四", consent=True, device="phone B")
    case.refresh_from_db()
    assert case.state == "agreed"
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(default_storage.open(case.agreement_name).read())).pages
    )
    for needed in ("事故时间", "事故地点", "天气", "晴", "张三", "李四", "11010519491231002X", "34052419800101001X",
                   "13700005555", "13700006666", "机动车种类", "甘E6789A", "甘K12345", "麦积山财产保险", "天陇财产保险", a.ctpl_policy_number,
                   "追尾", "碰撞部位", "全部责任", "无责任", case.agreement_code, case.number, "武都区"):  # fmt: skip
        assert needed in text, (needed, text)
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds.count("party_confirmed") == 2
    assert "agreement_made" in kinds
    assert services.audit_verify() == []


def test_a_change_after_one_confirmation_voids_it(db):
    case = two_party_case()
    a, b = case.parties.order_by("label")
    services.party_confirm(party=a, typed_name="张三", consent=True, device="phone A")
    services.case_facts_save(case=case, facts=FACTS | {"estimated_loss": "3500.00"}, party_label="B")
    a.refresh_from_db()
    assert a.confirmed_at is None
    services.party_confirm(party=b, typed_name="李四", consent=True, device="phone B")
    case.refresh_from_db()
    assert case.state == "awaiting_confirmation"
    assert not case.agreement_name


@pytest.mark.parametrize(("typed", "consent", "code"), [("王五", True, "name_mismatch"), ("张三", False, "no_consent")])
def test_a_confirmation_needs_the_drivers_own_name_and_the_consent_box(db, typed, consent, code):
    a = two_party_case().parties.get(label="A")
    with pytest.raises(services.CaseError) as refused:
        services.party_confirm(party=a, typed_name=typed, consent=consent, device="phone")
    assert refused.value.code == code
    a.refresh_from_db()
    assert a.confirmed_at is None


def test_r14_injuries_fail_the_conditions_block_confirmation_and_send_to_the_police(db):
    case = two_party_case(facts=FACTS | {"casualties": True})
    judged = assessment(case)
    assert not judged["eligibility"]["eligible"]
    assert judged["eligibility"]["failed"] == ["no_casualties"]
    assert {triage["route"] for triage in judged["triage"].values()} == {"offline_follow_up"}
    with pytest.raises(services.CaseError):
        services.party_confirm(party=case.parties.get(label="A"), typed_name="张三", consent=True, device="x")
    services.case_to_police(case=case, party_label="A", reason="not_eligible")
    case.refresh_from_db()
    assert case.state == "police"


def test_a_party_who_disagrees_sends_the_case_to_the_police_and_it_can_no_longer_be_edited(db):
    case = two_party_case()
    services.party_disagree(party=case.parties.get(label="B"))
    case.refresh_from_db()
    assert case.state == "police"
    with pytest.raises(services.CaseError):
        services.case_facts_save(case=case, facts=FACTS | {"weather": "rain"})
    with pytest.raises(services.CaseError):
        services.party_confirm(party=case.parties.get(label="A"), typed_name="张三", consent=True, device="x")


def test_an_unknown_plate_has_no_confirmed_cover_and_fails_the_insurance_conditions(db):
    case = two_party_case()
    b = case.parties.get(label="B")
    services.party_details_save(party=b, **B_DETAILS | {"plate": "甘K99999"})
    failed = assessment(case)["eligibility"]["failed"]
    assert {"ctpl_both", "third_party_both"} <= set(failed)


def test_r1_the_customer_may_ask_to_be_served_in_the_underwriting_city_and_the_hand_off_is_recorded(db):
    case = two_party_case()
    a = case.parties.get(label="A")
    before = a.claims_unit
    record = services.party_serve_in_underwriting_city(party=a)
    a.refresh_from_db()
    assert a.claims_unit.branch.city.code == "620500"
    assert a.claims_unit.branch.insurer.code == "maiji"
    assert (record.from_unit, record.to_unit, record.reason, record.by_party) == (
        before,
        a.claims_unit,
        "customer_asked",
        "A",
    )
    assert Handoff.objects.filter(party=a).count() == 1
    assert case.events.filter(kind="handed_off").exists()


def test_a_hand_off_never_leaves_a_claim_without_an_owner(db):
    b = two_party_case().parties.get(label="B")  # insured in Longnan, where the accident happened
    with pytest.raises(services.CaseError):
        services.handoff(party=b, to_unit=None, reason="workload")
    b.refresh_from_db()
    assert b.claims_unit is not None


def test_an_agreed_case_cannot_be_confirmed_into_another_state(db):
    case = two_party_case()
    a, b = case.parties.order_by("label")
    services.party_confirm(party=a, typed_name="张三", consent=True, device="A")
    services.party_confirm(party=b, typed_name="李四", consent=True, device="B")
    with pytest.raises(IllegalTransition):
        services.case_transition(case=case, action="confirm_all", user=None)


@pytest.mark.parametrize(
    ("plate", "change", "verified"),
    [("甘E6789A", None, True), ("甘K45678", None, False), ("甘E6789A", "cancelled_before", False),
     ("甘E6789A", "cancelled_after", True)],
)  # fmt: skip
def test_r3_the_register_decides_cover_at_the_accident_instant(db, plate, change, verified):
    """In force at the instant: a policy expired last year or cancelled before the accident does not count; one
    cancelled after it still does. A typed insurer is kept when the register has nothing."""
    from datetime import timedelta

    from claimbridge.policies.models import Policy

    load_demo_policies()
    accident_at = timezone.now() - timedelta(hours=2)
    if change:
        moment = accident_at + (timedelta(hours=-1) if change == "cancelled_before" else timedelta(hours=1))
        Policy.objects.filter(versions__plate=plate).update(cancelled_at=moment)
    case = services.case_create(user=None, channel="hotline", county=County.objects.get(code="621202"),
                                accident_at=accident_at, parties=[services.PartyInput("A", plate=plate, insurer_code="fuxi")])  # fmt: skip
    party = case.parties.get()
    assert party.cover_verified is verified
    assert (party.insurer.code == "fuxi") is not verified
    assert bool(party.ctpl_policy_number) is verified
