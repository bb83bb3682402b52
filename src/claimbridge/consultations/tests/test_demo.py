"""R13: the demo's consultations — a specialist at 麦积 and at Longnan's association, an escalated question on the
agreed case, an answered one in the FAQ, a hotline one — made once however often the demo runs."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_r13_the_demo_consultations_are_made_once(isolated_storage):
    from claimbridge.cases.demo import load_demo_cases
    from claimbridge.consultations.demo import load_demo_consultations, load_demo_specialists
    from claimbridge.consultations.models import Consultation, FaqEntry, Specialist
    from claimbridge.policies.demo import load_demo_policies

    load_demo_policies()
    load_demo_cases()
    load_demo_specialists()
    first = load_demo_consultations()
    load_demo_specialists()
    again = load_demo_consultations()
    assert [c.number for c in first] == [c.number for c in again]
    assert Consultation.objects.count() == 3
    assert sorted(c.state for c in first) == ["answered", "asked", "escalated"]
    assert Specialist.objects.filter(active=True).count() == 2
    assert FaqEntry.objects.count() == 1
    escalated = Consultation.objects.get(state="escalated")
    assert escalated.case is not None
    assert escalated.escalated_to.user.username == "maiji_expert"
