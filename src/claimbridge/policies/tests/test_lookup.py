"""Who may look a vehicle's cover up, for which plates, and the record of every lookup (issue 12 finding 10; B8).

The world: two insurers' policies (each with 交强险 and commercial third-party cover), a third vehicle of the second
insurer that is on no case, and one case on which a vehicle of each insurer is a party.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from django.contrib import admin
from django.test import RequestFactory

from claimbridge.cases.models import Case, CaseParty
from claimbridge.organisations.models import Insurer
from claimbridge.policies.models import PolicyLookup, RecordIsAppendOnly
from claimbridge.policies.tests.factories import load, row

pytestmark = pytest.mark.django_db
CST = timezone(timedelta(hours=8))
AT = "2024-06-01T14:20:00%2B08:00"

TIANLONG_CAR, MAIJI_CAR, MAIJI_OTHER_CAR, NOBODYS_CAR = "甘K12345", "甘E6789A", "甘E55555", "甘E00000"


@pytest.fixture
def register(users):
    load(users, [row("TL2024000100", plate=TIANLONG_CAR),
                 row("TL2024000101", plate=TIANLONG_CAR, cover_type="third_party", limit="1000000")], "tianlong")  # fmt: skip
    load(users, [row("MJ2024000200", plate=MAIJI_CAR, vin="", branch="620500", holder_name="李四"),
                 row("MJ2024000201", plate=MAIJI_CAR, vin="", branch="620500", cover_type="third_party", limit="2000000"),
                 row("MJ2024000300", plate=MAIJI_OTHER_CAR, vin="", branch="620500", holder_name="王五"),
                 row("MJ2024000301", plate=MAIJI_OTHER_CAR, vin="", branch="620500", cover_type="third_party", limit="500000")],
         "maiji")  # fmt: skip
    case = Case.objects.create(number="621202-20240601-00001", channel="hotline", created_by=users["maiji_hq"],
                               accident_at=datetime(2024, 6, 1, 14, 0, tzinfo=CST))  # fmt: skip
    CaseParty.objects.create(case=case, label="A", plate=TIANLONG_CAR, insurer=Insurer.objects.get(code="tianlong"))
    CaseParty.objects.create(case=case, label="B", plate=MAIJI_CAR, insurer=Insurer.objects.get(code="maiji"))
    return case


def api_lookup(client, plate="", vin=""):
    query = f"plate={plate}" if plate else f"vin={vin}"
    return client.get(f"/api/v1/policies/lookup?{query}&at={AT}", secure=True)


def page_lookup(client, plate):
    return client.get(f"/policies/lookup/?plate={plate}&at=2024-06-01T14:20", secure=True)


def results_of(page: str) -> str:
    """The results section of the lookup page."""
    match = re.search(r'<section[^>]*data-testid="lookup-results".*?</section>', page, re.S)
    assert match is not None
    return match.group(0)


def shown(answer):
    return sorted((entry["view"], entry["policy_number"]) for entry in answer)


INSURER_OF_THE_CASE = ["tianlong_hq", "tianlong_branch", "tianlong_unit1", "tianlong_adj1"]


@pytest.mark.parametrize("username", INSURER_OF_THE_CASE)
def test_insurer_staff_see_their_own_policies_in_full_for_any_plate(client, users, register, username):
    """Issue 12, finding 10 (B8): own company's policies, full and masked, whatever the plate."""
    client.force_login(users[username])
    answer = api_lookup(client, TIANLONG_CAR).json()
    assert shown(answer) == [("full", "TL2024000100"), ("full", "TL2024000101")]
    assert answer[0]["holder_name"] == "张*"
    assert "34052419800101001X" not in json.dumps(answer, ensure_ascii=False)


@pytest.mark.parametrize("username", INSURER_OF_THE_CASE)
def test_the_other_party_of_a_visible_case_is_shown_only_as_on_the_agreement(client, users, register, username):
    """Issue 12, finding 10 (B8): another company's vehicle on a case the user may see: the insurer and the 交强险
    number, never its commercial third-party cover."""
    client.force_login(users[username])
    answer = api_lookup(client, MAIJI_CAR).json()
    assert answer == [{"view": "agreement", "insurer": answer[0]["insurer"], "insurer_code": "maiji",
                       "cover_type": "ctpl", "policy_number": "MJ2024000200"}]  # fmt: skip
    body = page_lookup(client, MAIJI_CAR).content.decode()
    assert "MJ2024000200" in body
    assert "MJ2024000201" not in body
    assert "2000000" not in body
    assert "李" not in body


@pytest.mark.parametrize("username", [*INSURER_OF_THE_CASE, "bailong_hq"])
def test_another_companys_vehicle_on_no_visible_case_reads_as_no_cover(client, users, register, username):
    """Issue 12, finding 10 (B8): no existence leak: the same answer as a plate the register has never seen."""
    client.force_login(users[username])
    unseen = api_lookup(client, MAIJI_OTHER_CAR)
    nothing = api_lookup(client, NOBODYS_CAR)
    assert (unseen.status_code, unseen.json()) == (nothing.status_code, nothing.json()) == (200, [])
    unseen_page = page_lookup(client, MAIJI_OTHER_CAR).content.decode()
    nothing_page = page_lookup(client, NOBODYS_CAR).content.decode()
    assert results_of(unseen_page) == results_of(nothing_page)
    assert "MJ2024000300" not in unseen_page


def test_a_vin_lookup_follows_the_same_rule(client, users, register):
    """Issue 12, finding 10 (B8): asking by VIN reaches another company's vehicle no further than by plate."""
    client.force_login(users["bailong_hq"])
    assert shown(api_lookup(client, vin="LSVAM4187C2184847").json()) == []
    client.force_login(users["maiji_hq"])  # tianlong's car is the other party on maiji's case
    assert shown(api_lookup(client, vin="LSVAM4187C2184847").json()) == [("agreement", "TL2024000100")]
    client.force_login(users["tianlong_hq"])
    assert shown(api_lookup(client, vin="LSVAM4187C2184847").json()) == [("full", "TL2024000100"),
                                                                         ("full", "TL2024000101")]  # fmt: skip


def test_an_insurer_not_on_the_case_sees_neither_vehicle(client, users, register):
    """Issue 12, finding 10 (B8): bailong is on no case: neither tianlong's nor maiji's vehicle is shown."""
    client.force_login(users["bailong_hq"])
    assert api_lookup(client, TIANLONG_CAR).json() == []
    assert api_lookup(client, MAIJI_CAR).json() == []


def test_the_anti_fraud_committee_sees_any_plate_as_on_the_agreement(client, users, register):
    """Issue 12, finding 10 (B8): every plate, only the insurer and the 交强险 number."""
    client.force_login(users["antifraud"])
    assert shown(api_lookup(client, MAIJI_OTHER_CAR).json()) == [("agreement", "MJ2024000300")]
    assert shown(api_lookup(client, TIANLONG_CAR).json()) == [("agreement", "TL2024000100")]


def test_the_platform_admin_sees_any_plate_in_full(client, users, register):
    """Issue 12, finding 10 (B8)."""
    client.force_login(users["admin"])
    assert shown(api_lookup(client, MAIJI_OTHER_CAR).json()) == [("full", "MJ2024000300"), ("full", "MJ2024000301")]


@pytest.mark.parametrize("username", ["driver_ln", "driver_ts", "ln_assoc", "ts_assoc", "regulator"])
def test_drivers_associations_and_the_regulator_may_not_look_up(client, users, register, username):
    """Issue 12, finding 10 (B8): drivers learnt another company's third-party cover from the lookup."""
    client.force_login(users[username])
    response = api_lookup(client, TIANLONG_CAR)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert page_lookup(client, TIANLONG_CAR).status_code == 403
    assert not PolicyLookup.objects.exists()


def test_the_public_may_not_look_up(client, register):
    """Issue 12, finding 10 (B8)."""
    assert api_lookup(client, TIANLONG_CAR).status_code == 401
    assert page_lookup(client, TIANLONG_CAR).status_code == 302


def test_every_lookup_is_recorded_with_who_what_when_and_how_much_was_shown(client, users, register):
    """Issue 12, finding 10 (B8): who, when, the plate or VIN asked, the instant asked about, how many policies were
    shown, and the route."""
    client.force_login(users["tianlong_unit1"])
    api_lookup(client, MAIJI_CAR)
    page_lookup(client, MAIJI_OTHER_CAR)
    api_lookup(client, vin="LSVAM4187C2184847")
    records = list(PolicyLookup.objects.order_by("pk"))
    assert [(r.user.username, r.plate, r.vin, r.shown, r.route) for r in records] == [
        ("tianlong_unit1", MAIJI_CAR, "", 1, "api"),
        ("tianlong_unit1", MAIJI_OTHER_CAR, "", 0, "web"),
        ("tianlong_unit1", "", "LSVAM4187C2184847", 2, "api"),
    ]
    assert all(r.instant == datetime(2024, 6, 1, 14, 20, tzinfo=CST) for r in records)
    assert all(r.looked_up_at is not None for r in records)


def test_the_lookup_record_is_append_only_and_read_only_in_the_admin(client, users, register):
    """Issue 12, finding 10 (B8): a record cannot be changed or deleted, in code or in the admin."""
    client.force_login(users["tianlong_hq"])
    api_lookup(client, TIANLONG_CAR)
    record = PolicyLookup.objects.get()
    record.shown = 0
    with pytest.raises(RecordIsAppendOnly):
        record.save()
    with pytest.raises(RecordIsAppendOnly):
        record.delete()
    with pytest.raises(RecordIsAppendOnly):
        PolicyLookup.objects.all().delete()
    with pytest.raises(RecordIsAppendOnly):
        PolicyLookup.objects.update(shown=0)
    assert PolicyLookup.objects.get().shown == 2

    model_admin = admin.site._registry[PolicyLookup]
    request = RequestFactory().get("/admin/")
    request.user = users["admin"]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, record)
    assert not model_admin.has_delete_permission(request, record)
    client.force_login(users["admin"])
    listing = client.get("/admin/policies/policylookup/", secure=True)
    assert listing.status_code == 200
    assert TIANLONG_CAR in listing.content.decode()
