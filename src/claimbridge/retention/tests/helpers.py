"""What every retention test checks after the sweep: the audit record and the evidence verify, roll-ups unchanged."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from unittest import mock

from django.apps import apps


def rollups() -> str:
    """Every statistics roll-up row (decision 0020), as one canonical text: equal before and after means
    byte-identical."""
    rows = {}
    for label in (
        "reports.CaseRollup",
        "reports.DurationCount",
        "reports.PartyFact",
        "reports.StopRollup",
        "reports.ClueRollup",
    ):
        model = apps.get_model(label)
        values = model._default_manager.order_by("pk").values()
        # PartyFact remembers each party's contribution and the case's event count it was computed at: the count
        # moves with the erasure's event, the contribution must not.
        # A refresh may write a row anew (a new key): rows are compared by content, in a canonical order.
        cut = [{k: v for k, v in row.items() if k not in {"id", "updated_at", "events_count"}} for row in values]
        rows[label] = sorted(json.dumps(row, sort_keys=True, default=str) for row in cut)
    return json.dumps(rows, sort_keys=True, default=str)


def aged_rollups(at: datetime) -> str:
    """The roll-ups of the world aged to `at` before any sweep: SLA clocks fall due with time alone, so the figures
    an erasure must leave alone are those of the same moment (every case refreshed with the clock at `at`)."""
    from claimbridge.cases.models import Case
    from claimbridge.reports.rollups import refresh_cases

    with frozen(at):
        refresh_cases(list(Case.objects.values_list("pk", flat=True)), now=at)
    return rollups()


def record_verifies() -> None:
    """`audit verify` (the cases' chains and the register's), every other keyed chain an erasure appends to (clues,
    consultations, data-subject requests) whole up to its head, and `evidence_verify` with no missing original."""
    from claimbridge.cases.services.audit import audit_verify
    from claimbridge.credentials.audit import register_verify
    from claimbridge.evidence.orphans import stored_orphans_sweep
    from claimbridge.evidence.services import stored_objects_verify

    found = audit_verify()
    assert found == [], found
    assert register_verify() == []
    assert chains_broken() == []
    assert stored_objects_verify() == []
    assert stored_orphans_sweep(dry_run=True).missing_originals == []


def chains_broken() -> list[str]:
    """Each clue's, consultation's and request's events: in sequence, each linked to the one before with a configured
    key, the last one the row's head."""
    from claimbridge.core.crypto import audit_chain_keys
    from claimbridge.core.hashchain import GENESIS, link, same

    keys, broken = audit_chain_keys(), []
    for label, owner in (("fraud.Clue", "clue"), ("consultations.Consultation", "consultation"),
                         ("subjects.SubjectRequest", "request")):  # fmt: skip
        for row in apps.get_model(label)._default_manager.order_by("pk"):
            previous, events = GENESIS, list(row.events.order_by("sequence"))
            for expected, event in enumerate(events, start=1):
                key = keys.get(event.key_id)
                if (event.sequence != expected or key is None or event.previous_hash != previous
                        or not same(link(previous, event.payload(row.number), key), event.hash)):  # fmt: skip
                    broken.append(f"{owner} {row.number}: event {expected}")
                    break
                previous = event.hash
            else:
                if len(events) != row.events_count or (events and previous != row.last_event_hash):
                    broken.append(f"{owner} {row.number}: events after {len(events)} removed")
    return broken


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """The clock stopped at `at` for everything that asks django.utils.timezone.now (the world aged)."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield
