"""`claimbridge audit verify`, the register's half: each entry's events form a whole keyed chain ending at the entry's
head (decision 0012, B9). An event edited, reordered or removed, or linked with a key that is not configured, is
named with the entry it belongs to."""

from __future__ import annotations

from collections.abc import Iterator

from claimbridge.core.crypto import audit_chain_keys
from claimbridge.core.hashchain import GENESIS, link, same
from claimbridge.credentials.models import Adjuster, RegisterEvent

CHUNK = 500  # entries verified per round of queries


def _chunks() -> Iterator[list[Adjuster]]:
    last = 0
    while True:
        entries = list(
            Adjuster.objects.filter(pk__gt=last).order_by("pk").only("pk", "events_count", "last_event_hash")[:CHUNK]
        )
        if not entries:
            return
        last = entries[-1].pk
        yield entries


def register_verify() -> list[str]:
    """Every register entry whose record is wrong, as `register entry N: what is wrong`."""
    keys = audit_chain_keys()
    problems: list[str] = []
    for entries in _chunks():
        events: dict[int, list[RegisterEvent]] = {entry.pk: [] for entry in entries}
        for event in RegisterEvent.objects.filter(adjuster_id__in=list(events)).order_by("adjuster_id", "sequence"):
            events[event.adjuster_id].append(event)
        for entry in entries:
            problems += [
                f"register entry {entry.pk}: {problem}" for problem in _entry_problems(entry, events[entry.pk], keys)
            ]
    return problems


def _entry_problems(entry: Adjuster, events: list[RegisterEvent], keys: dict[str, bytes]) -> list[str]:
    previous = GENESIS
    for expected, event in enumerate(events, start=1):
        if event.sequence != expected:
            return [f"event {expected} is missing"]
        key = keys.get(event.key_id)
        if key is None:
            return [f"event {expected} is keyed with {event.key_id or 'no key'}, which is not configured"]
        if event.previous_hash != previous or not same(link(previous, event.payload(), key), event.hash):
            return [f"event {expected} was altered"]
        previous = event.hash
    if len(events) != entry.events_count or (events and previous != entry.last_event_hash):
        return [f"events after {len(events)} were removed"]
    return []
