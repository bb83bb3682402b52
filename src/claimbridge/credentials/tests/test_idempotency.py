"""Issue 12, finding 6 (B7, B9, R15): a retried request makes nothing twice. Every creating POST of the register's
API honours `Idempotency-Key` (the same key with another body is refused with `idempotency_key_reused`), and the
pages that create things carry a hidden per-form key, so a double submit makes one adjuster, one stop."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from claimbridge.credentials.models import Adjuster, Credential, MonthlyReport, ServiceStop
from claimbridge.credentials.reports import month_compute
from claimbridge.credentials.tests.conftest import ADJUSTER_FORM, CHINA, DETAILS, ID_NUMBER, OTHER_ID_NUMBER

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=CHINA)
ADJUSTER = {"full_name": "王小明", "id_number": ID_NUMBER, "phone": "13800001111", "city": "621200", "details": DETAILS}
STOP = {"kind": "accident", "at": "2026-11-10T09:00:00+08:00", "services": ["scene_help"], "credential_shown": True,
        "customer_consented": True, "county": "621202", "customer_insurer": "maiji"}  # fmt: skip


def post(client, path, body, key=""):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(path, body, content_type="application/json", secure=True, **headers)


@pytest.fixture
def adjuster_on_duty(users, credentialed, clock):
    """Tianlong's Longnan adjuster, credentialed since October; "now" is mid-November 2026 (China time)."""
    credentialed("tianlong_adj1", since=date(2026, 10, 1))
    clock(NOW)
    return users["tianlong_adj1"]


def test_issue_12_the_same_key_twice_submits_one_adjuster(users, client_for):
    """Issue 12 finding 6 (B9): POST /api/v1/credentials/adjusters with one key, twice: one adjuster, one answer."""
    company = client_for("tianlong_hq")
    first = post(company, "/api/v1/credentials/adjusters", ADJUSTER, key="submit-1")
    again = post(company, "/api/v1/credentials/adjusters", ADJUSTER, key="submit-1")
    assert first.status_code == 201, first.content
    assert again.status_code == 200, again.content
    assert again.json()["id"] == first.json()["id"]
    assert Adjuster.objects.count() == 1


def test_issue_12_the_same_key_with_another_body_is_refused_and_makes_nothing(users, client_for):
    """Issue 12 finding 6 (B9): a key names one request; reusing it for another is refused with a clear code."""
    company = client_for("tianlong_hq")
    assert post(company, "/api/v1/credentials/adjusters", ADJUSTER, key="submit-2").status_code == 201
    reused = post(company, "/api/v1/credentials/adjusters", {**ADJUSTER, "full_name": "李四"}, key="submit-2")
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert Adjuster.objects.count() == 1


def test_issue_12_keys_are_per_caller(users, client_for):
    """Issue 12 finding 6 (B8, B9): another company's key of the same text is its own request, never an answer to it."""
    assert post(client_for("tianlong_hq"), "/api/v1/credentials/adjusters", ADJUSTER, key="k").status_code == 201
    other = post(
        client_for("maiji_hq"), "/api/v1/credentials/adjusters", {**ADJUSTER, "id_number": OTHER_ID_NUMBER}, key="k"
    )  # another person: the same one would be refused as already in the register (issue 13)
    assert other.status_code == 201
    assert other.json()["company"] == "maiji"
    assert Adjuster.objects.count() == 2


def test_issue_12_r15_a_retried_stop_is_one_stop_and_counts_once_in_the_monthly_reward(
    users, adjuster_on_duty, client_for
):
    """Issue 12 finding 6 (R15, B7): the phone retries POST /api/v1/credentials/stops after a lost answer; the
    association's monthly report counts one other-company case, not two."""
    phone = client_for("tianlong_adj1")
    first = post(phone, "/api/v1/credentials/stops", STOP, key="stop-1")
    again = post(phone, "/api/v1/credentials/stops", STOP, key="stop-1")
    assert (first.status_code, again.status_code) == (201, 200), (first.content, again.content)
    assert again.json() == first.json()
    assert ServiceStop.objects.count() == 1
    month_compute(month=date(2026, 11, 1))
    report = MonthlyReport.objects.get(
        association__city__code="621200", insurer__code="tianlong", month=date(2026, 11, 1)
    )
    assert report.total_cases == 1
    reused = post(phone, "/api/v1/credentials/stops", {**STOP, "kind": "breakdown"}, key="stop-1")
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert ServiceStop.objects.count() == 1


def test_issue_12_a_retried_approval_issues_one_credential_and_a_retried_move_one_submission(
    users, submitted, client_for
):
    """Issue 12 finding 6 (R6, B9): approving issues a credential and a move creates a submission: both creating."""
    association, company = client_for("ln_assoc"), client_for("tianlong_hq")
    path = f"/api/v1/credentials/adjusters/{submitted.pk}"
    answers = [post(association, f"{path}/review", {"decision": "approve"}, key="review-1") for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200], [a.content for a in answers]
    assert Credential.objects.filter(adjuster=submitted).count() == 1
    moves = [post(company, f"{path}/change", {"kind": "moved", "city": "620500"}, key="move-1") for _ in range(2)]
    assert [m.status_code for m in moves] == [200, 200], [m.content for m in moves]
    assert moves[0].json() == moves[1].json()
    assert Adjuster.objects.filter(association__city__code="620500").count() == 1


def _form_key(page: bytes) -> str:
    found = re.search(rb'name="form_key" value="([^"]+)"', page)
    assert found, "the form carries no per-form key"
    return found.group(1).decode()


def test_issue_12_a_double_submitted_adjuster_form_makes_one_adjuster(users, client_for):
    """Issue 12 finding 6: the page's form carries a hidden key; posting the same form twice makes one adjuster and
    the second answer leads to it."""
    company = client_for("tianlong_hq")
    key = _form_key(company.get("/credentials/new/", secure=True).content)
    first = company.post("/credentials/new/", {**ADJUSTER_FORM, "form_key": key}, secure=True)
    second = company.post("/credentials/new/", {**ADJUSTER_FORM, "form_key": key}, secure=True)
    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"]
    assert Adjuster.objects.count() == 1
    fresh = _form_key(company.get("/credentials/new/", secure=True).content)
    assert fresh != key  # a new form is a new submission
    again = company.post("/credentials/new/", {**ADJUSTER_FORM, "form_key": fresh}, secure=True)
    assert again.status_code == 422  # the same person in a new form: already in the register (issue 13)
    other = {**ADJUSTER_FORM, "id_number": OTHER_ID_NUMBER, "form_key": fresh}
    assert company.post("/credentials/new/", other, secure=True).status_code == 302
    assert Adjuster.objects.count() == 2


def test_issue_12_a_double_submitted_stop_form_makes_one_stop(users, adjuster_on_duty, client_for):
    """Issue 12 finding 6 (R15, B7): tapping "save" twice on the phone records one stop."""
    phone = client_for("tianlong_adj1")
    key = _form_key(phone.get("/credentials/stops/", secure=True).content)
    form = {"at": "2026-11-10T09:00", "kind": "accident", "county": "621202", "credential_shown": "on",
            "customer_consented": "on", "services": ["scene_help"], "customer_insurer": "maiji", "form_key": key}  # fmt: skip
    assert [phone.post("/credentials/stops/", form, secure=True).status_code for _ in range(2)] == [302, 302]
    assert ServiceStop.objects.count() == 1
    changed = phone.post("/credentials/stops/", {**form, "kind": "breakdown"}, secure=True)
    assert changed.status_code == 409  # the same form key with other contents: refused on the form, nothing made
    assert "Idempotency-Key" not in changed.content.decode()
    assert ServiceStop.objects.count() == 1
