"""Cases (issues 6 and 12): numbers that say city and date, routing to the serving unit across the two cities, the
one insurer-of-record rule, explicit states, and an audit chain that detects any edit (R1, R3, R16, B9)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from tests.factories import A_DETAILS, at_local, recent_day, wudu_case

from claimbridge.cases.models import Case, CaseEvent, CaseNumberSequence
from claimbridge.cases.services import audit, intake, numbering, parties, quick_claim
from claimbridge.core.errors import AppError
from claimbridge.core.idempotency import IdempotentRequest, run_once
from claimbridge.organisations.models import County

pytestmark = pytest.mark.django_db


def test_numbers_say_city_and_day_and_count_up(users):
    day = recent_day()
    first, second = wudu_case(users["tianlong_adj1"]), wudu_case(users["tianlong_adj1"])
    assert first.number == f"621200-{day:%Y%m%d}-00001"
    assert second.number == f"621200-{day:%Y%m%d}-00002"
    tianshui = intake.case_create(user=users["maiji_adj1"], channel="hotline", county=County.objects.get(code="620502"),
                                  accident_at=at_local(day, 9))  # fmt: skip
    assert tianshui.number == f"620500-{day:%Y%m%d}-00001"


def test_r1_r16_each_party_goes_to_its_insurers_unit_serving_the_accident_county(users):
    """A is insured in Tianshui and crashes in 武都区 (Longnan): 麦积's Longnan unit serving 武都区 handles it."""
    case = wudu_case(users["tianlong_adj1"])
    found = {party.label: party for party in case.parties.select_related("claims_unit__branch__city", "insurer")}
    assert found["A"].claims_unit.branch.city.code == "621200"
    assert found["A"].claims_unit.branch.insurer.code == "maiji"
    assert found["B"].claims_unit.branch.insurer.code == "tianlong"
    created = CaseEvent.objects.get(case=case, kind="created")
    assert {party["party"]: party["cross_region"] for party in created.data["parties"]} == {"A": True, "B": False}


def _policy(insurer_code, number, plate, cover_type, start, end):
    from claimbridge.organisations.models import Branch, Insurer
    from claimbridge.policies.models import Policy, PolicyVersion

    insurer = Insurer.objects.get(code=insurer_code)
    branch = Branch.objects.filter(insurer=insurer, level="city").first()
    policy = Policy.objects.create(insurer=insurer, policy_number=number, cover_type=cover_type,
                                   underwriting_city_code=branch.city.code, underwriting_division=branch.city.code,
                                   branch=branch)  # fmt: skip
    PolicyVersion.objects.create(policy=policy, plate=plate, period_start=start, period_end=end,
                                 effective_from=start - timedelta(days=1))  # fmt: skip
    return policy


def test_issue_12_create_and_update_use_one_insurer_of_record_rule_even_with_an_other_cover(users):
    """Finding 4: with only an `other` cover (a passenger accident policy of 伏羲) in force and a 交强险 of 天陇, the
    insurer of record is 天陇 — whether the plate is given at intake or typed later on the phone. Before the fix, the
    update picked the `other` cover's insurer and called it verified."""
    accident_at = at_local(recent_day(), 10)
    start, end = accident_at - timedelta(days=30), accident_at + timedelta(days=300)
    _policy("fuxi", "FX-OTHER-1", "甘E55555", "other", start, end)
    only_other = intake.case_create(user=None, channel="driver", county=County.objects.get(code="621202"),
                                    accident_at=accident_at, parties=[intake.PartyInput("A", plate="甘E55555")])  # fmt: skip
    party = only_other.parties.get()
    assert (party.insurer_id, party.cover_verified) == (None, False)
    later = intake.case_create(user=None, channel="driver", county=County.objects.get(code="621202"),
                               accident_at=accident_at, parties=[intake.PartyInput("A", phone="13700001111")])  # fmt: skip
    typed = later.parties.get()
    parties.party_details_save(party=typed, **A_DETAILS | {"plate": "甘E55555"})
    typed.refresh_from_db()
    assert (typed.insurer_id, typed.cover_verified) == (None, False)  # the same answer as at intake
    _policy("tianlong", "TL-CTPL-1", "甘E55555", "ctpl", start, end)
    both = intake.case_create(user=None, channel="driver", county=County.objects.get(code="621202"),
                              accident_at=accident_at, parties=[intake.PartyInput("A", plate="甘E55555")])  # fmt: skip
    parties.party_details_save(party=typed, **A_DETAILS | {"plate": "甘E55556"})
    parties.party_details_save(party=typed, **A_DETAILS | {"plate": "甘E55555"})
    typed.refresh_from_db()
    at_intake = both.parties.select_related("insurer").get()
    assert (at_intake.insurer.code, at_intake.ctpl_policy_number, at_intake.cover_verified) == (
        "tianlong",
        "TL-CTPL-1",
        True,
    )
    assert (typed.insurer.code, typed.ctpl_policy_number, typed.cover_verified) == ("tianlong", "TL-CTPL-1", True)


def test_the_case_machine_refuses_steps_that_belong_to_a_claim(users):
    """Finding 1: a case no longer has registered/assessed/paid/closed states; only the parties and the police move it."""
    case = wudu_case(users["tianlong_adj1"])
    quick_claim.case_to_police(case=case, reason="staff", user=users["tianlong_unit1"])
    case.refresh_from_db()
    assert case.state == "police"
    assert list(case.events.filter(kind="state_changed").values_list("data__to", flat=True)) == ["reported", "police"]


@pytest.mark.tampers_audit  # edits an event
def test_the_audit_chain_verifies_and_any_edit_breaks_it(users, capsys):
    case = wudu_case(users["tianlong_adj1"])
    quick_claim.case_to_police(case=case, reason="staff", user=users["tianlong_unit1"])
    call_command("audit", "verify")
    assert "verifies" in capsys.readouterr().out
    CaseEvent.objects.filter(case=case, sequence=2).update(
        data={"from": "draft", "to": "agreed", "action": "x", "reason": ""}
    )
    with pytest.raises(CommandError, match="event 2 was altered"):
        call_command("audit", "verify")


@pytest.mark.tampers_audit  # deletes an event
def test_deleting_the_newest_event_is_noticed(users):
    case = wudu_case(users["tianlong_adj1"])
    quick_claim.case_to_police(case=case, reason="staff", user=users["tianlong_unit1"])
    case.refresh_from_db()
    CaseEvent.objects.filter(case=case, sequence=case.events_count).delete()
    assert f"{case.number}: events after {case.events_count - 1} were removed" in audit.audit_verify()


@pytest.mark.parametrize(
    ("party", "code"),
    [(intake.PartyInput("A", plate="甘E12O45"), "bad_plate"), (intake.PartyInput("A", insurer_code="nobody"), "unknown_insurer"),
     (intake.PartyInput("A", vin="LSVAM4187C21848470"), "bad_vin"), (intake.PartyInput("E"), "bad_parties")],
)  # fmt: skip
def test_a_bad_plate_vin_party_or_insurer_creates_nothing(users, party, code):
    with pytest.raises(AppError) as refused:
        wudu_case(users["tianlong_adj1"], parties=[party])
    assert refused.value.code == code
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("when", "code"), [(timedelta(days=2), "time_in_future"), (timedelta(days=-30 * 365), "time_too_old")]
)
def test_issue_12_an_accident_in_the_future_or_decades_ago_is_refused(users, when, code):
    with pytest.raises(AppError) as refused:
        wudu_case(users["tianlong_adj1"], accident_at=timezone.now() + when)
    assert (refused.value.code, refused.value.field) == (code, "accident_at")
    assert Case.objects.count() == 0


def test_the_same_key_commits_the_work_once_and_answers_the_first_answer():
    """A retry may redo the work, but only inside a transaction that is rolled back: one row per key is kept."""
    calls = []

    def work():
        calls.append(1)
        CaseNumberSequence.objects.create(city_code="999999", day=date(2030, 1, 1) + timedelta(days=len(calls)))
        return 201, {"n": len(calls)}

    first = run_once(scope="user:1:test", key="k-1", work=work)
    again = run_once(scope="user:1:test", key="k-1", work=work)
    other_user = run_once(scope="user:2:test", key="k-1", work=work)
    assert first == (201, {"n": 1}, False)
    assert again == (201, {"n": 1}, True)
    assert other_user[2] is False
    assert CaseNumberSequence.objects.filter(city_code="999999").count() == 2
    assert IdempotentRequest.objects.count() == 2


def test_issue_12_the_same_key_with_another_body_is_refused_and_changes_nothing():
    def work():
        CaseNumberSequence.objects.create(city_code="999998", day=date(2030, 1, 1))
        return 201, {"n": 1}

    run_once(scope="user:1:test", key="k-2", work=work, fingerprint="a" * 64)
    with pytest.raises(AppError) as refused:
        run_once(scope="user:1:test", key="k-2", work=work, fingerprint="b" * 64)
    assert refused.value.code == "idempotency_key_reused"
    assert CaseNumberSequence.objects.filter(city_code="999998").count() == 1


@pytest.mark.tampers_audit  # a bare case row, to number after
def test_numbering_continues_after_the_days_highest_number_when_its_sequence_is_gone(db):
    """PostgreSQL: old days' sequences may be dropped; a late report for such a day never repeats a number."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("per-day sequences are PostgreSQL's")
    day = date(2024, 3, 1)
    first = numbering.case_number_next(city_code="621200", day=day)
    Case.objects.create(number=first, channel="hotline")
    with connection.cursor() as cursor:
        cursor.execute("DROP SEQUENCE case_number_621200_20240301")
    assert (first[-5:], numbering.case_number_next(city_code="621200", day=day)[-5:]) == ("00001", "00002")
