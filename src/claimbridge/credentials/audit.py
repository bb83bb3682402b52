"""`claimbridge audit verify`, the register's half: each entry's events form a whole keyed chain ending at the entry's
head (decision 0012, B9). An event edited, reordered or removed, or linked with a key that is not configured, is
named with the entry it belongs to."""

from __future__ import annotations

from claimbridge.core.chains import chain_verify
from claimbridge.credentials.models import Adjuster, RegisterEvent


def register_verify() -> list[str]:
    """Every register entry whose record is wrong, as `register entry N: what is wrong`."""
    return chain_verify(heads=Adjuster.objects.only("pk", "events_count", "last_event_hash"),
                        events=RegisterEvent.objects.all(), head_field="adjuster",
                        name=lambda entry: f"register entry {entry.pk}", payload=lambda _, event: event.payload())  # fmt: skip
