"""The back office: each company's unit serving the accident county finds the case in its inbox, sees its own
party in full and the other company's party only by label (R16, B8)."""

from __future__ import annotations

import pytest

from claimbridge.accounts.models import User
from claimbridge.cases import services
from claimbridge.cases.tests.test_cases import wudu_case

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


def test_an_action_moves_the_case_and_shows_in_the_timeline(client, users):
    case = wudu_case(users["tianlong_adj1"])
    client.force_login(unit_staff(case, "B"))
    client.post(f"/cases/{case.number}/action/", {"action": "report"}, secure=True)
    case.refresh_from_db()
    assert case.state == "reported"
    page = client.get(f"/cases/{case.number}/", secure=True).content.decode()
    assert page.count('data-testid="event"') == case.events_count


def test_an_illegal_action_is_refused_with_a_message(client, users):
    case = wudu_case(users["tianlong_adj1"])
    client.force_login(unit_staff(case, "B"))
    response = client.post(f"/cases/{case.number}/action/", {"action": "pay"}, secure=True, follow=True)
    assert "不能执行此操作" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "draft"


def test_a_transition_keeps_the_audit_chain_whole(users):
    case = wudu_case(users["tianlong_adj1"])
    services.case_transition(case=case, action="report", user=users["tianlong_adj1"])
    assert services.audit_verify() == []
