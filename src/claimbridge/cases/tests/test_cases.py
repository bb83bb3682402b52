"""Cases (issue 6, first part): numbers that say city and date, routing to the serving unit across the two cities,
explicit states, and an audit chain that detects any edit (R1, R16, B9)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claimbridge.cases import services
from claimbridge.cases.models import Case, CaseEvent, CaseNumberSequence
from claimbridge.core.idempotency import IdempotentRequest, run_once
from claimbridge.organisations.models import County
from claimbridge.rules.case_flow import IllegalTransition

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def wudu_case(user, **extra):
    parties = extra.pop("parties", [
        services.PartyInput("A", plate="甘E6789A", insurer_code="maiji", underwriting_city_code="620500"),
        services.PartyInput("B", plate="甘K12345", insurer_code="tianlong", underwriting_city_code="621200"),
    ])  # fmt: skip
    return services.case_create(user=user, channel="adjuster", county=County.objects.get(code="621202"),
                                accident_at=datetime(2024, 6, 1, 14, 20, tzinfo=SHANGHAI), parties=parties,
                                consent={"credential_shown": True, "customer_consented": True}, **extra)  # fmt: skip


def test_numbers_say_city_and_day_and_count_up(users):
    first, second = wudu_case(users["tianlong_adj1"]), wudu_case(users["tianlong_adj1"])
    assert first.number == "621200-20240601-00001"
    assert second.number == "621200-20240601-00002"
    tianshui = services.case_create(user=users["maiji_adj1"], channel="hotline", county=County.objects.get(code="620502"),
                                    accident_at=datetime(2024, 6, 1, 9, 0, tzinfo=SHANGHAI))  # fmt: skip
    assert tianshui.number == "620500-20240601-00001"


def test_r1_r16_each_party_goes_to_its_insurers_unit_serving_the_accident_county(users):
    """A is insured in Tianshui and crashes in 武都区 (Longnan): 麦积's Longnan unit serving 武都区 handles it."""
    case = wudu_case(users["tianlong_adj1"])
    parties = {party.label: party for party in case.parties.select_related("claims_unit__branch__city", "insurer")}
    assert parties["A"].claims_unit.branch.city.code == "621200"
    assert parties["A"].claims_unit.branch.insurer.code == "maiji"
    assert parties["B"].claims_unit.branch.insurer.code == "tianlong"
    created = CaseEvent.objects.get(case=case, kind="created")
    assert {party["party"]: party["cross_region"] for party in created.data["parties"]} == {"A": True, "B": False}


def test_illegal_moves_are_refused_and_change_nothing(users):
    case = wudu_case(users["tianlong_adj1"])
    with pytest.raises(IllegalTransition):
        services.case_transition(case=case, action="pay", user=users["tianlong_unit1"])
    case.refresh_from_db()
    assert case.state == "draft"
    services.case_transition(case=case, action="report", user=users["tianlong_adj1"])
    assert case.state == "reported"
    assert case.events.filter(kind="state_changed").count() == 1


def test_the_audit_chain_verifies_and_any_edit_breaks_it(users, capsys):
    case = wudu_case(users["tianlong_adj1"])
    services.case_transition(case=case, action="report", user=users["tianlong_adj1"])
    call_command("audit", "verify")
    assert "verifies" in capsys.readouterr().out
    CaseEvent.objects.filter(case=case, sequence=2).update(data={"party": "A", "insurer": "bailong"})
    with pytest.raises(CommandError, match="event 2 was altered"):
        call_command("audit", "verify")


def test_deleting_the_newest_event_is_noticed(users):
    case = wudu_case(users["tianlong_adj1"])
    CaseEvent.objects.filter(case=case, sequence=case.events_count).delete()
    assert services.audit_verify() == [f"{case.number}: events after {case.events_count - 1} were removed"]


def test_a_bad_plate_or_unknown_insurer_creates_nothing(users):
    with pytest.raises(services.CaseError):
        wudu_case(users["tianlong_adj1"], parties=[services.PartyInput("A", plate="甘E12O45")])
    with pytest.raises(services.CaseError):
        wudu_case(users["tianlong_adj1"], parties=[services.PartyInput("A", insurer_code="nobody")])
    from claimbridge.cases.models import Case

    assert Case.objects.count() == 0


def test_the_same_key_commits_the_work_once_and_answers_the_first_answer():
    """A retry may redo the work, but only inside a transaction that is rolled back: one row per key is kept."""
    from datetime import date, timedelta

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


def test_numbering_continues_after_the_days_highest_number_when_its_sequence_is_gone(db):
    """PostgreSQL: old days' sequences may be dropped; a late report for such a day never repeats a number."""
    from datetime import date

    from django.db import connection

    from claimbridge.cases.services import case_number_next

    if connection.vendor != "postgresql":
        pytest.skip("per-day sequences are PostgreSQL's")
    day = date(2024, 3, 1)
    first = case_number_next(city_code="621200", day=day)
    Case.objects.create(number=first, channel="hotline")
    with connection.cursor() as cursor:
        cursor.execute("DROP SEQUENCE case_number_621200_20240301")
    assert (first[-5:], case_number_next(city_code="621200", day=day)[-5:]) == ("00001", "00002")
