"""`claimbridge audit verify`: every case's chain of events is whole and its rows are what the chain vouches for;
`claimbridge audit checkpoint`: a signed list of every chain's head, to keep away from the database (B8, decision
0012)."""

from __future__ import annotations

import base64
from collections.abc import Iterator, Sequence
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils import timezone

from claimbridge.cases.models import Case, CaseEvent
from claimbridge.cases.services.seal import PartyRows, case_seal, sealed_rows
from claimbridge.core.crypto import audit_chain_keys, audit_checkpoint_key
from claimbridge.core.hashchain import GENESIS, canonical, link, same

CHUNK = 500  # cases verified per round of queries: three queries per chunk, whatever the size of the database
CHECKPOINT_FORMAT = "claimbridge-audit-checkpoint/1"


def _chunks() -> Iterator[list[Case]]:
    last = 0
    while True:
        cases = list(Case.objects.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not cases:
            return
        last = cases[-1].pk
        yield cases


def audit_verify(*, checkpoint: dict[str, Any] | None = None, public_key: Ed25519PublicKey | None = None) -> list[str]:
    """Every case whose record is wrong, as `number: what is wrong`: an event edited, reordered, cut or linked by a
    key not configured; rows edited outside the services (now, or before a later change recorded it). With a
    `checkpoint` (signed by `public_key`, by default the configured checkpoint key's), also every case whose chain
    differs from what the checkpoint saw, or that is gone."""
    keys = audit_chain_keys()
    expected: dict[str, tuple[int, str]] = {}
    made_at = ""
    if checkpoint is not None:
        if not checkpoint_signature_holds(checkpoint, public_key):
            return ["checkpoint: the signature does not verify"]
        expected = {number: (count, head) for number, count, head in checkpoint["cases"]}
        made_at = checkpoint["made_at"]
    problems: list[str] = []
    for cases in _chunks():
        ids = [case.pk for case in cases]
        events: dict[int, list[CaseEvent]] = {pk: [] for pk in ids}
        for event in CaseEvent.objects.filter(case_id__in=ids).order_by("case_id", "sequence"):
            events[event.case_id].append(event)
        rows = sealed_rows(ids)
        for case in cases:
            found = _case_problems(case, events[case.pk], rows[case.pk], keys)
            if case.number in expected:
                found += _checkpoint_problems(events[case.pk], *expected.pop(case.number), made_at)
            problems += [f"{case.number}: {problem}" for problem in found]
    problems += [f"{number}: the case is gone since the checkpoint of {made_at}" for number in expected]
    return problems


def _case_problems(case: Case, events: list[CaseEvent], parties: list[PartyRows], keys: dict[str, bytes]) -> list[str]:
    problems: list[str] = []
    previous, newest = GENESIS, None
    for expected, event in enumerate(events, start=1):
        if event.sequence != expected:
            return [*problems, f"event {expected} is missing"]
        key = keys.get(event.key_id)
        if key is None:
            return [*problems, f"event {expected} is keyed with {event.key_id or 'no key'}, which is not configured"]
        if event.previous_hash != previous or not same(link(previous, event.payload(case.number), key), event.hash):
            return [*problems, f"event {expected} was altered"]
        if event.found_edited:
            problems.append(f"the case's rows were edited before event {expected}")
        previous, newest = event.hash, event
    if len(events) != case.events_count or (events and previous != case.last_event_hash):
        problems.append(f"events after {len(events)} were removed")
    if newest is None:
        problems.append("the case has no events")
    elif not same(case_seal(case, newest.hash, keys[newest.key_id], parties), newest.state_seal):
        problems.append(f"the case's rows were edited (they do not match the seal of event {newest.sequence})")
    return problems


def _checkpoint_problems(events: Sequence[CaseEvent], count: int, head: str, made_at: str) -> list[str]:
    if len(events) < count:
        return [f"{len(events)} events, the checkpoint of {made_at} saw {count}"]
    if count and events[count - 1].hash != head:
        return [f"event {count} differs from the checkpoint of {made_at}"]
    return []


def _signed_bytes(document: dict[str, Any]) -> bytes:
    return canonical({name: value for name, value in document.items() if name != "signature"}).encode()


def audit_checkpoint() -> dict[str, Any]:
    """Every case's number, count of events and newest hash, signed with the checkpoint key (Ed25519). Kept off the
    database server, it shows later whether any chain was cut or rewritten, even by someone holding the audit key.
    Sign only a record that verifies (the `audit checkpoint` command checks first)."""
    cases = [
        [number, count, head]
        for number, count, head in Case.objects.order_by("pk")
        .values_list("number", "events_count", "last_event_hash")
        .iterator(chunk_size=2000)
    ]
    document: dict[str, Any] = {"format": CHECKPOINT_FORMAT, "made_at": timezone.now().isoformat(), "cases": cases}
    document["signature"] = base64.b64encode(audit_checkpoint_key().sign(_signed_bytes(document))).decode()
    return document


def checkpoint_signature_holds(document: dict[str, Any], public_key: Ed25519PublicKey | None = None) -> bool:
    key = public_key or audit_checkpoint_key().public_key()
    try:
        if document.get("format") != CHECKPOINT_FORMAT:
            return False
        key.verify(base64.b64decode(document["signature"]), _signed_bytes(document))
    except (InvalidSignature, KeyError, TypeError, ValueError):
        return False
    return True
