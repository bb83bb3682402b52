"""`claimbridge audit verify`: every case's chain of events is whole (B8)."""

from __future__ import annotations

from claimbridge.cases.models import Case, CaseEvent
from claimbridge.core.hashchain import GENESIS, link


def audit_verify() -> list[str]:
    """Every case whose chain of events was edited, reordered or cut: `number: what is wrong`."""
    problems = []
    for case in Case.objects.order_by("pk").iterator():
        previous, expected = GENESIS, 1
        for event in CaseEvent.objects.filter(case=case).order_by("sequence").iterator():
            if event.sequence != expected:
                problems.append(f"{case.number}: event {expected} is missing")
                break
            if event.previous_hash != previous or link(previous, event.payload(case.number)) != event.hash:
                problems.append(f"{case.number}: event {event.sequence} was altered")
                break
            previous, expected = event.hash, expected + 1
        else:
            if expected - 1 != case.events_count or (case.events_count and previous != case.last_event_hash):
                problems.append(f"{case.number}: events after {expected - 1} were removed")
    return problems
