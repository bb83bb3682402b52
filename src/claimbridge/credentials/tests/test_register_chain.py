"""The register's events form a keyed hash chain per entry, checked by `audit verify` (B9, decision 0012; issue 13
follow-up: the register's own record, who reviewed whom and who was shown whose personal data, was not chained)."""

from __future__ import annotations

from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command

from claimbridge.credentials import services
from claimbridge.credentials.audit import register_verify
from claimbridge.credentials.models import Adjuster, RegisterEvent

pytestmark = [pytest.mark.django_db]


def reviewed(submitted, users):
    services.adjuster_personal_data(user=users["ln_assoc"], adjuster=submitted)
    services.adjuster_review(user=users["ln_assoc"], adjuster=submitted, decision="approve")
    return list(RegisterEvent.objects.filter(adjuster=submitted).order_by("sequence"))


def test_each_event_links_to_the_one_before_and_the_entry_holds_the_head(submitted, users):
    events = reviewed(submitted, users)
    assert [event.kind for event in events] == ["submitted", "personal_data_shown", "reviewed"]
    assert [event.sequence for event in events] == [1, 2, 3]
    assert events[0].previous_hash == "0" * 64
    assert all(later.previous_hash == earlier.hash for earlier, later in pairwise(events))
    entry = Adjuster.objects.get(pk=submitted.pk)
    assert (entry.events_count, entry.last_event_hash) == (3, events[-1].hash)
    assert register_verify() == []
    call_command("audit", "verify")


@pytest.mark.tampers_audit
@pytest.mark.parametrize("tamper", ["edit", "delete_middle", "delete_newest", "reorder", "forged_key"])
def test_a_tampered_register_record_is_named(submitted, users, tamper):
    events = reviewed(submitted, users)
    if tamper == "edit":  # the review said "reject", say
        RegisterEvent.objects.filter(pk=events[2].pk).update(details={"decision": "reject"})
    elif tamper == "delete_middle":  # who was shown the ID number: gone
        RegisterEvent.objects.filter(pk=events[1].pk).delete()
    elif tamper == "delete_newest":
        RegisterEvent.objects.filter(pk=events[2].pk).delete()
    elif tamper == "reorder":
        RegisterEvent.objects.filter(pk=events[1].pk).update(sequence=99)
        RegisterEvent.objects.filter(pk=events[2].pk).update(sequence=2)
        RegisterEvent.objects.filter(pk=events[1].pk).update(sequence=3)
    else:
        RegisterEvent.objects.filter(pk=events[1].pk).update(key_id="deadbeef")
    problems = register_verify()
    assert len(problems) == 1
    assert problems[0].startswith(f"register entry {submitted.pk}: ")
    with pytest.raises(CommandError, match="register entry"):
        call_command("audit", "verify")


def test_saving_an_entry_loaded_before_an_event_keeps_the_newer_head(submitted, users):
    """An entry loaded, then an event written through another copy, then the first copy saved: the head stays."""
    stale = Adjuster.objects.get(pk=submitted.pk)
    services.adjuster_personal_data(user=users["ln_assoc"], adjuster=Adjuster.objects.get(pk=submitted.pk))
    stale.save()
    assert Adjuster.objects.get(pk=submitted.pk).events_count == 2
    assert register_verify() == []
