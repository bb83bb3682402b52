"""Issue 12, finding 1 (B8, R6, R8, R15): the register's write rules asked by the services themselves.

Every write route of the register, on the pages and in the API, is sent by every actor against real entries of two
companies in both cities in the write matrix (tests/test_write_matrix.py, which took over this module's route
table); here the services are called directly: who may revoke a credential, which account an entry may be linked
to, and that a stop needs a credential in force at its time.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claimbridge.core.errors import AppError
from claimbridge.credentials import services
from claimbridge.credentials.models import Adjuster, ServiceStop
from claimbridge.credentials.tests.conftest import DETAILS, ID_NUMBER

ACTORS = [None, "driver_ln", "tianlong_adj1", "tianlong_adj2", "tianlong_hq", "tianlong_branch", "tianlong_unit1",
          "tianlong_unit2", "maiji_hq", "maiji_branch", "maiji_unit2", "maiji_adj1", "ln_assoc", "ts_assoc",
          "antifraud", "regulator", "admin"]  # fmt: skip
# (company, city) of the credential holder: one per company, one per association.
TARGETS = {"tianlong_longnan": ("tianlong", "621200"), "maiji_tianshui": ("maiji", "620500")}
# The holder's company at every level whose city is the holder's (the company level covers both cities).
COVERING = {"tianlong_longnan": {"tianlong_hq", "tianlong_branch", "tianlong_unit1"},
            "maiji_tianshui": {"maiji_hq", "maiji_unit2"}}  # fmt: skip


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("actor", ACTORS)
def test_issue_12_who_may_revoke_a_credential(users, target, actor):
    """Issue 12 finding 1 (R6): the issuing association, or the holder's company at a level covering them."""
    company, city = TARGETS[target]
    holder = services.adjuster_submit(user=users[f"{company}_hq"], full_name="王小明", id_number=ID_NUMBER,
                                      phone="13800001111", city_code=city, details=dict(DETAILS))  # fmt: skip
    association = "ln_assoc" if city == "621200" else "ts_assoc"
    services.adjuster_review(user=users[association], adjuster=holder, decision="approve")
    credential = holder.credentials.get()
    allowed = actor in COVERING[target] | {association}
    user = users[actor] if actor else None
    if allowed:
        services.credential_revoke(credential=credential, user=user, reason="lost card")
    else:
        with pytest.raises(AppError) as refused:
            services.credential_revoke(credential=credential, user=user, reason="lost card")
        assert refused.value.status == 403
    credential.refresh_from_db()
    assert (credential.revoked_at is not None) is allowed


def test_issue_12_a_company_cannot_link_another_companys_account_to_its_adjuster(users, client_for):
    """Issue 12 finding 1 (B8, R6): the platform account an entry is linked to is one of the company's adjusters."""
    refused = client_for("tianlong_hq").post(
        "/api/v1/credentials/adjusters", {"full_name": "王小明", "id_number": ID_NUMBER, "phone": "13800001111",
                                          "city": "621200", "details": DETAILS, "account": "maiji_adj1"},
        content_type="application/json", secure=True)  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "account"
    assert Adjuster.objects.count() == 0


def test_issue_12_a_revoked_or_expired_credential_no_longer_lets_its_holder_record_stops(users, credentialed):
    """Issue 12 finding 1 (R6, R8): a stop is recorded only under a credential in force at the time of the stop."""
    adjuster = credentialed("tianlong_adj1", since=timezone.localdate() - timedelta(days=30))
    at = timezone.now() - timedelta(hours=1)
    before = timezone.now() - timedelta(days=40)
    with pytest.raises(AppError) as too_early:  # before the credential was issued
        services.stop_record(user=users["tianlong_adj1"], kind="accident", at=before, services=[],
                             credential_shown=False, customer_consented=False)  # fmt: skip
    assert too_early.value.status == 403
    services.stop_record(user=users["tianlong_adj1"], kind="accident", at=at, services=[], credential_shown=False,
                         customer_consented=False)  # fmt: skip
    services.staff_change(user=users["tianlong_hq"], adjuster=adjuster, kind="left")
    with pytest.raises(AppError) as revoked:
        services.stop_record(user=users["tianlong_adj1"], kind="accident", at=timezone.now(), services=[],
                             credential_shown=False, customer_consented=False)  # fmt: skip
    assert revoked.value.code == "no_credential"
    assert ServiceStop.objects.count() == 1
