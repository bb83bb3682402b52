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
    """`audit verify` (the cases' chains and every other keyed chain an erasure appends to: the register's, clues',
    consultations', data-subject requests'), and `evidence_verify` with no missing original."""
    from django.core.management import call_command

    from claimbridge.evidence.orphans import stored_orphans_sweep
    from claimbridge.evidence.services import stored_objects_verify

    call_command("audit", "verify")
    assert stored_objects_verify() == []
    assert stored_orphans_sweep(dry_run=True).missing_originals == []


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """The clock stopped at `at` for everything that asks django.utils.timezone.now (the world aged)."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield
