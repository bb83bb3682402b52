"""The back office: each company's unit serving the accident county finds the case in its inbox, sees its own
party in full and the other company's party only by label (R16, B8); a case-level step is taken only by whoever
handles a party of it (issue 12, finding 1)."""

from __future__ import annotations

import pytest
from tests.factories import wudu_case

from claimbridge.accounts.models import User
from claimbridge.cases.models import Claim
from claimbridge.cases.services import audit

pytestmark = pytest.mark.django_db


def unit_staff(case, label):
    unit = case.parties.get(label=label).claims_unit
    return User.objects.filter(role="insurer_staff", claims_unit=unit).first()


def test_each_unit_finds_the_case_and_only_its_own_party(client, users):
    case = wudu_case(users["tianlong_adj1"])
    maiji = unit_staff(case, "A")
    assert maiji is not None
    client.force_login(maiji)
    assert case.number in client.get("/cases/", secure=True).content.decode()
    page = client.get(f"/cases/{case.number}/", secure=True).content.decode()
    assert "甘E6789A" in page
    assert "甘K12345" not in page  # the other company's party: label and insurer only
    client.force_login(users["bailong_hq"])
    assert case.number not in client.get("/cases/", secure=True).content.decode()
    assert client.get(f"/cases/{case.number}/", secure=True).status_code == 404


def test_a_handler_sends_the_case_to_the_police_and_it_shows_in_the_timeline(client, users):
    case = wudu_case(users["tianlong_adj1"])
    client.force_login(unit_staff(case, "B"))
    client.post(f"/cases/{case.number}/action/", {"action": "send_to_police", "reason": "dispute"}, secure=True)
    case.refresh_from_db()
    assert case.state == "police"
    page = client.get(f"/cases/{case.number}/", secure=True).content.decode()
    assert page.count('data-testid="event"') == case.events_count
    assert audit.audit_verify() == []


def test_issue_12_an_adjuster_who_may_see_a_case_cannot_drive_it_or_its_claims(client, users):
    """Finding 1: an adjuster of the other party's company drove a case reported → registered → closed with no claim
    existing, because posting to the case page was checked as a read. Seeing the case is not acting on it."""
    case = wudu_case(users["maiji_adj1"])  # 麦积's adjuster reported it: sees it, handles nothing
    client.force_login(users["maiji_adj1"])
    assert client.get(f"/cases/{case.number}/", secure=True).status_code == 200
    for action in ("report", "register", "assess", "pay", "close", "send_to_police"):
        client.post(f"/cases/{case.number}/action/", {"action": action}, secure=True)
    for label in ("A", "B"):
        client.post(f"/cases/{case.number}/claims/{label}/register/", secure=True)
    case.refresh_from_db()
    assert case.state == "draft"
    assert not Claim.objects.filter(party__case=case).exists()
    assert not case.events.exclude(kind="created").exists()


def test_a_step_that_is_not_the_back_offices_is_refused_with_a_message(client, users):
    case = wudu_case(users["tianlong_adj1"])
    client.force_login(unit_staff(case, "B"))
    response = client.post(f"/cases/{case.number}/action/", {"action": "confirm_all"}, secure=True, follow=True)
    assert "不能从后台执行此操作" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "draft"


def test_the_inbox_costs_the_same_few_queries_for_one_case_or_many(client, users, django_assert_max_num_queries):
    """Finding 12: the inbox ran one query per row."""
    staff = None
    for _ in range(12):
        case = wudu_case(users["tianlong_adj1"])
        staff = staff or unit_staff(case, "B")
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        page = client.get("/cases/", secure=True)
    assert page.content.decode().count("621200-") >= 12
