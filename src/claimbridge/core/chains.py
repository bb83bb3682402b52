"""Appending to a record's keyed event chain (decision 0012), the one way every chain but the case's is written.

The record (the chain's head) keeps `events_count` and `last_event_hash`; each event row keeps its `sequence`,
`previous_hash`, `key_id` and `hash`. The head's row is locked for the rest of the caller's transaction, so two
writers never fork a chain, and the head moves with the event. (A case's chain also seals the case's rows with each
event and feeds the outbox: `cases.services.record.event_append`.)"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

Event = TypeVar("Event", bound=models.Model)


def chain_append(*, head: models.Model, event: Event, payload: Callable[[Event], dict[str, object]],
                 actor: Any = None) -> Event:  # fmt: skip
    """Place `event` (unsaved, its own fields filled) at the end of `head`'s chain and save both."""
    from claimbridge.core.crypto import audit_chain_key
    from claimbridge.core.hashchain import GENESIS, link

    model = type(head)
    with transaction.atomic():
        now = model._default_manager.select_for_update().filter(pk=head.pk).values("events_count", "last_event_hash")[0]
        key_id, key = audit_chain_key()
        event.sequence = now["events_count"] + 1  # type: ignore[attr-defined]
        event.actor = actor if getattr(actor, "pk", None) else None  # type: ignore[attr-defined]
        event.at = timezone.now()  # type: ignore[attr-defined]
        event.previous_hash = now["last_event_hash"] or GENESIS  # type: ignore[attr-defined]
        event.key_id = key_id  # type: ignore[attr-defined]
        event.hash = link(event.previous_hash, payload(event), key)  # type: ignore[attr-defined]
        event.save()
        model._default_manager.filter(pk=head.pk).update(events_count=event.sequence,  # type: ignore[attr-defined]
                                                         last_event_hash=event.hash)  # type: ignore[attr-defined]  # fmt: skip
        head.events_count, head.last_event_hash = event.sequence, event.hash  # type: ignore[attr-defined]
    return event


CHUNK = 500  # heads verified per round of queries


def event_problems(events: Sequence[Any], *, count: int, head_hash: str, payload: Callable[[Any], dict[str, object]],
                   keys: dict[str, bytes]) -> list[str]:  # fmt: skip
    """What is wrong with one chain (its events in sequence order), or nothing: an event missing, keyed with a key
    that is not configured, altered or moved; events cut from the end."""
    from claimbridge.core.hashchain import GENESIS, link, same

    previous = GENESIS
    for expected, event in enumerate(events, start=1):
        if event.sequence != expected:
            return [f"event {expected} is missing"]
        key = keys.get(event.key_id)
        if key is None:
            return [f"event {expected} is keyed with {event.key_id or 'no key'}, which is not configured"]
        if event.previous_hash != previous or not same(link(previous, payload(event), key), event.hash):
            return [f"event {expected} was altered"]
        previous = event.hash
    if len(events) != count or (events and previous != head_hash):
        return [f"events after {len(events)} were removed"]
    return []


def chain_verify(*, heads: QuerySet[Any], events: QuerySet[Any], head_field: str, name: Callable[[Any], str],
                 payload: Callable[[Any, Any], dict[str, object]]) -> list[str]:  # fmt: skip
    """Every head of `heads` whose chain is wrong, as `name(head): what is wrong`. `events` are the chains' events,
    `head_field` the name of their foreign key to the head; `payload(head, event)` what each link covers."""
    from claimbridge.core.crypto import audit_chain_keys

    keys = audit_chain_keys()
    problems: list[str] = []
    last = 0
    while True:
        chunk = list(heads.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not chunk:
            return problems
        last = chunk[-1].pk
        found: dict[int, list[Any]] = {head.pk: [] for head in chunk}
        for event in events.filter(**{f"{head_field}_id__in": list(found)}).order_by(f"{head_field}_id", "sequence"):
            found[getattr(event, f"{head_field}_id")].append(event)
        for head in chunk:
            wrong = event_problems(found[head.pk], count=head.events_count, head_hash=head.last_event_hash,
                                   payload=functools.partial(payload, head), keys=keys)  # fmt: skip
            problems += [f"{name(head)}: {problem}" for problem in wrong]
