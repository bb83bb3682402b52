"""快处易赔 online (R1–R3, R14, B1): cover from the register, eligibility, circumstances, both confirmations, the
协议书; the police path when it does not qualify or a party disagrees."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from pypdf import PdfReader
from tests.factories import A_DETAILS, B_DETAILS, FACTS, two_party_case

from claimbridge.cases.models import Handoff
from claimbridge.cases.quick_claim import assessment
from claimbridge.cases.services import audit, handoffs, intake, parties, quick_claim
from claimbridge.core.errors import AppError
from claimbridge.organisations.models import County
from claimbridge.policies.demo import load_demo_policies


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
    quick_claim.party_confirm(party=a, typed_name="张三", consent=True, device="phone A")
    case.refresh_from_db()
    assert case.state == "awaiting_confirmation"
    assert not case.agreement_name
    quick_claim.party_confirm(party=b, typed_name="李四", consent=True, device="phone B")
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
    assert audit.audit_verify() == []


def test_a_confirmation_sent_again_changes_nothing_and_is_not_refused(db):
    """Issue 19 (B1, B8): the rehearsal lost the answer to B's confirmation (the case was agreed by it); the phone's
    retry was refused with case_settled and the driver told the case could not be changed. The same confirmation
    again, before or after the agreement, is answered with the case as it is, with no new event."""
    case = two_party_case()
    a, b = case.parties.order_by("label")
    quick_claim.party_confirm(party=a, typed_name="张三", consent=True, device="phone A")
    quick_claim.party_confirm(party=a, typed_name="张三", consent=True, device="phone A")
    quick_claim.party_confirm(party=b, typed_name="李四", consent=True, device="phone B")
    again = quick_claim.party_confirm(party=b, typed_name="李四", consent=True, device="phone B")
    assert again.state == "agreed"
    kinds = list(case.events.values_list("kind", flat=True))
    assert (kinds.count("party_confirmed"), kinds.count("agreement_made")) == (2, 1)
    with pytest.raises(AppError) as refused:  # another name is not the same confirmation
        quick_claim.party_confirm(party=b, typed_name="王五", consent=True, device="phone B")
    assert refused.value.code == "case_settled"
    assert audit.audit_verify() == []


def test_a_change_after_one_confirmation_voids_it(db):
    case = two_party_case()
    a, b = case.parties.order_by("label")
    quick_claim.party_confirm(party=a, typed_name="张三", consent=True, device="phone A")
    quick_claim.case_facts_save(case=case, facts=FACTS | {"estimated_loss": "3500.00"}, party_label="B")
    a.refresh_from_db()
    assert a.confirmed_at is None
    quick_claim.party_confirm(party=b, typed_name="李四", consent=True, device="phone B")
    case.refresh_from_db()
    assert case.state == "awaiting_confirmation"
    assert not case.agreement_name


@pytest.mark.parametrize(("typed", "consent", "code"), [("王五", True, "name_mismatch"), ("张三", False, "no_consent")])
def test_a_confirmation_needs_the_drivers_own_name_and_the_consent_box(db, typed, consent, code):
    a = two_party_case().parties.get(label="A")
    with pytest.raises(AppError) as refused:
        quick_claim.party_confirm(party=a, typed_name=typed, consent=consent, device="phone")
    assert refused.value.code == code
    a.refresh_from_db()
    assert a.confirmed_at is None


def test_r14_injuries_fail_the_conditions_block_confirmation_and_send_to_the_police(db):
    case = two_party_case(facts=FACTS | {"casualties": True})
    judged = assessment(case)
    assert not judged["eligibility"]["eligible"]
    assert judged["eligibility"]["failed"] == ["no_casualties"]
    assert {triage["route"] for triage in judged["triage"].values()} == {"offline_follow_up"}
    with pytest.raises(AppError):
        quick_claim.party_confirm(party=case.parties.get(label="A"), typed_name="张三", consent=True, device="x")
    quick_claim.case_to_police(case=case, reason="not_eligible")
    case.refresh_from_db()
    assert case.state == "police"


def test_a_party_who_disagrees_sends_the_case_to_the_police_and_it_can_no_longer_be_edited(db):
    case = two_party_case()
    quick_claim.party_disagree(party=case.parties.get(label="B"))
    case.refresh_from_db()
    assert case.state == "police"
    with pytest.raises(AppError):
        quick_claim.case_facts_save(case=case, facts=FACTS | {"weather": "rain"})
    with pytest.raises(AppError):
        quick_claim.party_confirm(party=case.parties.get(label="A"), typed_name="张三", consent=True, device="x")


def test_an_unknown_plate_has_no_confirmed_cover_and_fails_the_insurance_conditions(db):
    case = two_party_case()
    b = case.parties.get(label="B")
    parties.party_details_save(party=b, **B_DETAILS | {"plate": "甘K99999"})
    failed = assessment(case)["eligibility"]["failed"]
    assert {"ctpl_both", "third_party_both"} <= set(failed)


def test_r1_the_customer_may_ask_to_be_served_in_the_underwriting_city_and_the_hand_off_is_recorded(db):
    case = two_party_case()
    a = case.parties.get(label="A")
    before = a.claims_unit
    record = handoffs.party_serve_in_underwriting_city(party=a)
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
    with pytest.raises(AppError):
        handoffs.handoff(party=b, to_unit=None, reason="workload")
    b.refresh_from_db()
    assert b.claims_unit is not None


def test_an_agreed_case_cannot_change_any_more(db):
    case = two_party_case()
    a, b = case.parties.order_by("label")
    quick_claim.party_confirm(party=a, typed_name="张三", consent=True, device="A")
    quick_claim.party_confirm(party=b, typed_name="李四", consent=True, device="B")
    # The same confirmation again is no change (a retry, answered as it is); one under another name would be.
    for change in (lambda: quick_claim.party_confirm(party=a, typed_name="张三丰", consent=True, device="A"),
                   lambda: quick_claim.case_facts_save(case=case, facts=FACTS | {"weather": "rain"}, party_label="A"),
                   lambda: parties.party_details_save(party=a, **A_DETAILS | {"driver_name": "张三丰"}),
                   lambda: quick_claim.party_disagree(party=b)):  # fmt: skip
        with pytest.raises(AppError) as refused:
            change()
        assert refused.value.code == "case_settled"
    case.refresh_from_db()
    a.refresh_from_db()
    assert (case.state, a.driver_name, a.confirmed_at is not None) == ("agreed", "张三", True)


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
    case = intake.case_create(user=None, channel="hotline", county=County.objects.get(code="621202"),
                                accident_at=accident_at, parties=[intake.PartyInput("A", plate=plate, insurer_code="fuxi")])  # fmt: skip
    party = case.parties.get()
    assert party.cover_verified is verified
    assert (party.insurer.code == "fuxi") is not verified
    assert bool(party.ctpl_policy_number) is verified


@pytest.mark.parametrize(
    ("fact", "condition"),
    [("facility_damage", "no_third_party_property"), ("intentional_suspected", "not_intentional"),
     ("party_left_scene", "both_present"), ("other_property_damaged", "no_third_party_property"),
     ("casualties", "no_casualties"), ("dangerous_goods", "no_dangerous_goods")],
)  # fmt: skip
def test_issue_12_each_answer_on_the_phone_can_fail_its_condition_on_a_real_case(db, fact, condition):
    """Finding 3: the kernel sees what the parties answered (damage to public facilities, suspected intent, a party
    who left the scene were literal False before), and the case cannot be confirmed online."""
    case = two_party_case(facts=FACTS | {fact: True})
    judged = assessment(case)
    assert condition in judged["eligibility"]["failed"]
    with pytest.raises(AppError) as refused:
        quick_claim.party_confirm(party=case.parties.get(label="A"), typed_name="张三", consent=True, device="x")
    assert refused.value.code == "not_eligible"


def test_issue_12_a_difficult_scene_reaches_the_triage_and_every_answer_is_kept_with_who_gave_it(db):
    case = two_party_case(facts=FACTS | {"scene_difficult": True})
    triage = assessment(case)["triage"]["A"]  # the liable party's insurer: no longer online, one stop
    assert triage["route"] == "offline_follow_up"
    assert {"zh": "现场情况复杂", "en": "The scene is difficult"} in triage["reasons"]
    assert case.fact_sources["scene_difficult"]["by"] == "party:A"
    quick_claim.case_facts_save(case=case, facts=FACTS | {"scene_difficult": False}, party_label="B")
    case.refresh_from_db()
    assert case.fact_sources["scene_difficult"]["by"] == "party:B"
    assert case.fact_sources["weather"]["by"] == "party:A"  # unchanged answers keep who gave them


def test_issue_12_a_reporters_answers_reach_the_kernel_with_the_reporter_recorded(db, users):
    """An adjuster at the scene says a guard rail was hit: the case cannot be settled online until that changes."""
    from tests.factories import wudu_case

    adjuster = users["tianlong_adj1"]
    case = wudu_case(adjuster, facts={"facility_damage": True, "scene_difficult": True})
    assert case.facts == {"facility_damage": True, "scene_difficult": True}
    assert case.fact_sources["facility_damage"]["by"] == f"user:{adjuster.pk}"
    assert "no_third_party_property" in assessment(case)["eligibility"]["failed"]
    # The parties' facts do not erase what the reporter said about the scene unless they answer it themselves.
    quick_claim.case_facts_save(case=case, facts={"weather": "rain"}, party_label="A")
    case.refresh_from_db()
    assert case.facts["scene_difficult"] is True


def test_issue_12_a_case_is_not_complete_until_every_question_is_answered(db):
    from claimbridge.cases.quick_claim import facts_complete

    unanswered = {name: value for name, value in FACTS.items() if name != "party_left_scene"}
    case = two_party_case(facts=unanswered)
    assert not facts_complete(case)
    assert case.state == "draft"


def test_an_agreement_code_is_found_however_it_is_typed_from_paper(db, client):
    """Issue 13 (B1): the printed code in any case, without dashes, with spaces or in full width is checked as the same
    code (a driver reading paper); the code holds no look-alike symbol (0/O, 1/I, 2/Z, 5/S, 8/B)."""
    from tests.factories import agreed_case

    from claimbridge.cases.agreement import code_as_typed

    case = agreed_case()
    assert not set(case.agreement_code) & set("0O1I2Z5S8B")
    plain = case.agreement_code.replace("-", "")
    for typed in (plain.lower(), " ".join(plain), plain.translate({ord(c): ord(c) + 0xFEE0 for c in plain})):
        assert code_as_typed(typed) == case.agreement_code
        page = client.get("/cases/agreement/verify/", {"number": case.number, "code": typed}, secure=True)
        assert page.context["genuine"] is True
    summary = page.content.decode().split('data-testid="verify-summary"')[1].split("</dl>")[0]
    for shown in ("甘E6789A", "甘K12345", "全部责任", "无责任", case.agreement_sha256, "武都区"):
        assert shown in summary, shown
    assert "张三" not in page.content.decode()  # names stay on the paper
    wrong = case.agreement_code[:-1] + ("A" if case.agreement_code[-1] != "A" else "C")
    page = client.get("/cases/agreement/verify/", {"number": case.number, "code": wrong}, secure=True)
    assert page.context["genuine"] is False


def test_an_agreement_printed_with_the_old_alphabet_is_still_verified(db, client, monkeypatch):
    """An agreement printed before the readable alphabet (base32, with O, I and B) is read as typed with 0, 1 and 8."""
    from tests.factories import agreed_case

    monkeypatch.setattr("claimbridge.cases.agreement.verification_code", lambda digest: "VVMU-IHLO-62GM-L27B")
    case = agreed_case()
    assert case.agreement_code == "VVMU-IHLO-62GM-L27B"
    for typed in ("VVMU-IHLO-62GM-L27B", "vvmu1hl062gml278"):
        page = client.get("/cases/agreement/verify/", {"number": case.number, "code": typed}, secure=True)
        assert page.context["genuine"] is True


def test_the_join_code_dies_when_the_case_is_agreed(db):
    from tests.factories import agreed_case

    from claimbridge.cases.services.join import live_join_code

    case = agreed_case()
    assert live_join_code(case) == ""
