"""The public 快处易赔 self-check reads the policy register only as the visitor may (issue 12 finding 10; B8, R3).

It answered anyone, anonymous visitors included, whether the register knows a plate and whether the vehicle has
交强险 and commercial third-party cover in force: a lookup by another name. Now it reads the register only for the
policies the visitor may read in full (an insurer's own, or the platform admin's), records that lookup, and for
everyone else counts the cover as typed, marked unverified, exactly as for a vehicle the register does not know.
"""

from __future__ import annotations

import re

import pytest

from claimbridge.policies.models import PolicyLookup
from claimbridge.policies.tests.factories import load, row
from claimbridge.rulebook.tests.factories import quick_claim_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def expired_in_the_register(users):
    """甘K12345 (tianlong's): the register says its cover ended in 2023; the form types it as in force."""
    load(users, [row("TL2023000001", start="2023-01-01", end="2023-12-31"),
                 row("TL2023000002", cover_type="third_party", limit="1000000", start="2023-01-01", end="2023-12-31")])  # fmt: skip


def result(client, **changes) -> str:
    response = client.post("/rules/quick-claim/", quick_claim_form(**changes), secure=True, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def conditions(body: str) -> list[tuple[str, str]]:
    return re.findall(r'class="(status-\w+)" data-code="(\w+)"', body)


@pytest.mark.parametrize("username", [None, "driver_ln", "ln_assoc", "regulator", "maiji_hq", "bailong_adj1"])
def test_who_may_not_read_the_vehicles_policies_learns_nothing_from_the_register(client, users, expired_in_the_register,
                                                                                 username):  # fmt: skip
    """Issue 12, finding 10 (B8): the answer for a vehicle in the register is the answer for one it does not know."""
    if username:
        client.force_login(users[username])
    known = result(client)
    unknown = result(client, A_plate="甘K99999")
    assert 'data-testid="from-register"' not in known
    assert conditions(known) == conditions(unknown)
    assert ("status-ok", "ctpl_both") in conditions(known)  # the typed cover counts, the register's is not told
    assert known.count('data-testid="unverified"') == unknown.count('data-testid="unverified"') == 4
    if username in ("maiji_hq", "bailong_adj1"):  # they may look up: the question is recorded, nothing was shown
        assert PolicyLookup.objects.filter(user__username=username, plate="甘K12345", shown=0, route="web").exists()
    else:
        assert not PolicyLookup.objects.exists()


def test_an_insurer_checks_its_own_customers_vehicle_against_the_register(client, users, expired_in_the_register):
    """R3: for the staff's own company's vehicle the register decides, whatever was typed; the lookup is recorded."""
    load(users, [row("TL2024000001", plate="甘K54321", vin=""),
                 row("TL2024000002", plate="甘K54321", vin="", cover_type="third_party", limit="1000000")])  # fmt: skip
    client.force_login(users["tianlong_unit1"])
    body = result(client)
    assert 'data-testid="from-register"' in body
    assert ("status-bad", "ctpl_both") in conditions(body)  # the register says A's policies ended in 2023
    assert body.count('data-testid="unverified"') == 2  # B's cover: another company's vehicle, typed
    both_own = result(client, B_plate="甘K54321", B_insurer="tianlong", A_plate="甘K99999")
    assert both_own.count('data-testid="unverified"') == 2  # A's: unknown to the register; B's: confirmed
    records = list(PolicyLookup.objects.order_by("pk").values_list("user__username", "plate", "shown", "route"))
    assert records == [("tianlong_unit1", "甘K12345", 0, "web"), ("tianlong_unit1", "甘E6789A", 0, "web"),
                       ("tianlong_unit1", "甘K99999", 0, "web"), ("tianlong_unit1", "甘K54321", 2, "web")]  # fmt: skip


def test_an_anonymous_self_check_is_not_recorded_as_a_lookup(client, expired_in_the_register):
    result(client)
    assert not PolicyLookup.objects.exists()
