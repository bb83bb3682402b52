"""`claimbridge demo` registers the demo adjusters so that, under `make run`, they can log their stops (R6–R8)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from claimbridge.accounts.models import Role, User
from claimbridge.credentials.demo import load_demo_pending, load_demo_register
from claimbridge.credentials.models import Adjuster, Credential
from claimbridge.credentials.services import stop_record

pytestmark = pytest.mark.django_db


def test_every_demo_adjuster_holds_a_credential_and_a_second_load_adds_nothing():
    issued = load_demo_register()
    logins = User.objects.filter(role=Role.ADJUSTER)
    assert len(issued) == logins.count()
    assert Adjuster.objects.filter(account__in=logins, status=Adjuster.Status.APPROVED).count() == logins.count()
    assert load_demo_register() == []
    assert Credential.objects.count() == len(issued)


def test_a_demo_adjuster_can_log_a_stop_after_the_demo_load(users):
    load_demo_register()
    stop = stop_record(user=users["tianlong_adj1"], kind="accident", at=timezone.now(), services=["scene_help"],
                       credential_shown=True, customer_consented=True, county_code="621202",
                       customer_insurer_code="maiji", case_number="", latitude=None, longitude=None)  # fmt: skip
    assert stop.other_company_customer


def test_the_demo_register_shows_what_a_reviewer_needs_and_leaves_one_per_city_to_review():
    """Issue 13 (R4, R5): the demo's people have a portrait, a licence date, training, a survey vehicle and
    equipment, as a real submission has; one person per city waits for the association's review; loads once."""
    load_demo_register()
    pending = load_demo_pending()
    assert sorted(entry.association.city.code for entry in pending) == ["620500", "621200"]
    assert all(entry.status == Adjuster.Status.SUBMITTED for entry in pending)
    for entry in Adjuster.objects.all():
        assert entry.photo_name
        assert {"licence_expiry", "training", "vehicle_plate", "equipment"} <= set(entry.details)
        assert entry.details["licence_expiry"] > timezone.localdate().isoformat()
    assert load_demo_pending() == []
