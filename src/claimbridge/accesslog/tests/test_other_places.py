"""The other places that show personal data in full, each writing exactly one access record with its actor and
purpose (issue 20 item 4; B8, R17): the adjusters' register (the reviewing association, the company's correction
form), the admin's user form, and the 协议书 downloaded from a party's phone (no account: recorded as that phone)."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from tests.factories import agreed_case

from claimbridge.accesslog.models import AccessRecord, Action, Purpose
from claimbridge.credentials import services
from claimbridge.credentials.tests.conftest import DETAILS, ID_NUMBER

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(users):
    return services.adjuster_submit(user=users["tianlong_hq"], full_name="王小明", id_number=ID_NUMBER,
                                    phone="13800001111", city_code="621200", details=dict(DETAILS))  # fmt: skip


def test_the_reviewer_sees_the_person_in_full_and_it_is_recorded(entry, users, client):
    client.force_login(users["ln_assoc"])
    answer = client.get(f"/api/v1/credentials/adjusters/{entry.pk}", secure=True)
    assert answer.status_code == 200
    assert ID_NUMBER in answer.content.decode()
    record = AccessRecord.objects.get()
    assert (record.actor, record.action, record.purpose, record.object_ref, record.route) == (
        users["ln_assoc"],
        Action.SHOWN_UNMASKED,
        Purpose.REGISTER_REVIEW,
        f"credentials.adjuster:{entry.pk}",
        "api",
    )
    assert record.what == "credentials.Adjuster.full_name,id_number,phone"
    client.force_login(users["ts_assoc"])  # another city's association reads it masked: nothing recorded
    client.get(f"/api/v1/credentials/adjusters/{entry.pk}", secure=True)
    assert AccessRecord.objects.count() == 1


def test_the_company_correcting_an_entry_is_recorded(entry, users, client):
    services.adjuster_review(user=users["ln_assoc"], adjuster=entry, decision="correct", note="照片不清楚")
    client.force_login(users["tianlong_hq"])
    answer = client.get(f"/credentials/{entry.pk}/edit/", secure=True)
    assert answer.status_code == 200
    assert ID_NUMBER in answer.content.decode()
    record = AccessRecord.objects.get()
    assert (record.actor, record.action, record.purpose_note) == (users["tianlong_hq"], Action.SHOWN_UNMASKED,
                                                                  "correction")  # fmt: skip


def test_the_admins_user_form_is_recorded_and_its_list_is_not(users, client):
    client.force_login(users["admin"])
    assert client.get("/admin/accounts/user/", secure=True).status_code == 200
    assert not AccessRecord.objects.exists()
    shown = users["maiji_unit1"]
    assert client.get(f"/admin/accounts/user/{shown.pk}/change/", secure=True).status_code == 200
    record = AccessRecord.objects.get()
    assert (record.actor, record.object_ref, record.route, record.purpose) == (
        users["admin"],
        f"accounts.user:{shown.pk}",
        "admin",
        Purpose.ADMINISTRATION,
    )


def test_the_agreement_from_a_partys_phone_is_recorded_as_that_phone(users, client):
    case = agreed_case()
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store.update({"case_parties": {case.number: "B"}})
    store.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    assert client.get(f"/cases/{case.number}/me/agreement.pdf", secure=True).status_code == 200
    record = AccessRecord.objects.get()
    assert (record.actor, record.actor_label, record.party_label, record.purpose, record.case_number) == (
        None,
        "phone:B",
        "B",
        Purpose.OWN_CASE,
        case.number,
    )
    client.force_login(users["maiji_hq"])
    page = client.get(f"/cases/{case.number}/access/", secure=True).content.decode()
    assert "当事人 B 的手机" in page or "the phone of party B" in page
