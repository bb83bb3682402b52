"""The case's record: every change appends one event to the case's keyed hash chain, seals the case's rows to it,
and offers it to the insurers of the case, each cut to what that insurer may see, in the same transaction as the
change (B8, B9; decision 0012).

A service takes the case with `case_lock` before it changes anything and calls `event_append` after the rows have
changed, inside its transaction: the event is the last word on what the change was, and its seal covers the rows
as the change left them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from claimbridge.cases import reference
from claimbridge.cases.events import EventType, event_type, listeners
from claimbridge.cases.models import Case, CaseEvent, CaseParty, OutboxMessage
from claimbridge.cases.services.seal import case_seal
from claimbridge.core.crypto import audit_chain_key, audit_chain_keys
from claimbridge.core.hashchain import GENESIS, link, same
from claimbridge.rules.case_flow import next_state


def case_lock(*, pk: int, related: tuple[str, ...] = ()) -> Case:
    """The one way a service takes a case to change it: the row is locked, so that its chain never forks, and its
    rows are checked against the newest event's seal before anything changes. Rows edited since, outside the
    services, are recorded by the next event (`found_edited`) rather than sealed as if the change had made them."""
    query = Case.objects.select_for_update(of=("self",)) if related else Case.objects.select_for_update()
    case = query.select_related(*related).get(pk=pk)
    case.audit_found_edited = not _seal_holds(case)
    return case


def _seal_holds(case: Case) -> bool:
    newest = (
        CaseEvent.objects.filter(case_id=case.pk, sequence=case.events_count)
        .values_list("hash", "key_id", "state_seal")
        .first()
    )
    if newest is None:  # every case is reported with its first event: one without was made outside the services
        return False
    head, key_id, sealed = newest
    key = audit_chain_keys().get(key_id)
    if key is None:  # a key dropped too early: `audit verify` names it; nothing here can tell
        return True
    return head == case.last_event_hash and same(case_seal(case, head, key), sealed)


def event_append(*, case: Case, kind: str, actor: Any, data: dict[str, Any]) -> CaseEvent:
    """Append to the chain of a case taken with `case_lock` in this transaction, and seal its rows as they are now.
    `kind` must be registered in `cases.events` with every field of `data` declared."""
    registered = event_type(kind, data)
    found_edited = getattr(case, "audit_found_edited", None)
    if found_edited is None:
        raise RuntimeError("a service takes the case with case_lock() before it changes it")
    with transaction.atomic(savepoint=False):
        key_id, key = audit_chain_key()
        event = CaseEvent(case=case, sequence=case.events_count + 1, kind=kind, actor=actor if getattr(actor, "pk", None) else None,
                          at=timezone.now(), data=data, previous_hash=case.last_event_hash or GENESIS, key_id=key_id,
                          found_edited=found_edited)  # fmt: skip
        event.hash = link(event.previous_hash, event.payload(case.number), key)
        rows = Case.objects.get(pk=case.pk)  # as the service left it, whatever it kept in memory
        rows.events_count, rows.last_event_hash = event.sequence, event.hash
        event.state_seal = case_seal(rows, event.hash, key)
        event.save()
        Case.objects.filter(pk=case.pk).update(events_count=event.sequence, last_event_hash=event.hash)
        case.events_count, case.last_event_hash, case.audit_found_edited = event.sequence, event.hash, False
        outbox_enqueue(case=case, event=event, registered=registered)
        for listener in listeners(kind):  # e.g. the drivers' text messages (services/notifications.py)
            listener(case=case, event=event)
    return event


def case_advance(*, case: Case, action: str, actor: Any = None, reason: str = "") -> None:
    """Move the case (taken with `case_lock`) by the kernel's case machine and record it."""
    from django.utils import timezone

    from claimbridge.rules.case_flow import EDITABLE_STATES

    state = next_state(case.state, action)
    changes: dict[str, Any] = {"state": state}
    if state not in EDITABLE_STATES:  # agreed or with the police: nobody joins any more, the join code dies with it
        changes["join_code_expires_at"] = timezone.now()
        case.join_code_expires_at = changes["join_code_expires_at"]
    Case.objects.filter(pk=case.pk).update(**changes)
    previous, case.state = case.state, state
    event_append(case=case, kind="state_changed", actor=actor,
                 data={"from": previous, "to": state, "action": action, "reason": reason})  # fmt: skip


def receiver_parties(parties: list[CaseParty], insurer_id: int) -> list[dict[str, Any]]:
    """The parties as one insurer may know them: its own as its staff see them, the others by label and insurer."""
    insurers, units = reference.insurers_by_id(), reference.claims_units()
    shown = []
    for party in sorted(parties, key=lambda p: p.label):
        insurer = insurers.get(party.insurer_id) if party.insurer_id else None
        entry: dict[str, Any] = {"label": party.label, "insurer": insurer.code if insurer else None}
        if party.insurer_id == insurer_id:
            unit = units.get(party.claims_unit_id) if party.claims_unit_id else None
            entry |= {"plate": party.plate, "claims_unit": {"id": unit.pk, "name": unit.name} if unit else None,
                      "underwriting_city": party.underwriting_city_code, "cover_verified": party.cover_verified,
                      "ctpl_policy_number": party.ctpl_policy_number}  # fmt: skip
        shown.append(entry)
    return shown


def outbox_enqueue(
    *, case: Case, event: CaseEvent, registered: EventType, parties: list[CaseParty] | None = None
) -> list[OutboxMessage]:
    """One message per endpoint of each insurer that hears of the event, built from what that insurer may see.
    Call inside the transaction of the change: the message exists exactly when the change does."""
    endpoints = reference.webhook_endpoints()
    if not endpoints:
        return []
    if parties is None:
        parties = list(
            CaseParty.objects.filter(case_id=case.pk).only(
                "pk", "label", "plate", "insurer_id", "claims_unit_id", "underwriting_city_code", "cover_verified",
                "ctpl_policy_number",
            )
        )  # fmt: skip
    labels_of: dict[int, set[str]] = {}
    for party in parties:
        if party.insurer_id:
            labels_of.setdefault(party.insurer_id, set()).add(party.label)
    messages = []
    for insurer_id, own_labels in sorted(labels_of.items()):
        receiving = endpoints.get(insurer_id)
        if not receiving:
            continue
        data = registered.for_receiver(event.data, own_labels)
        if data is None:
            continue
        payload = {"case": case.number, "sequence": event.sequence, "kind": event.kind, "at": event.at.isoformat(),
                   "state": case.state, "parties": receiver_parties(parties, insurer_id), "data": data}  # fmt: skip
        messages += [
            OutboxMessage(endpoint=endpoint, event_type=registered.webhook_type, payload=payload)
            for endpoint in receiving
        ]
    if messages:
        OutboxMessage.objects.bulk_create(messages)
        from claimbridge.cases.tasks import deliver_webhooks

        transaction.on_commit(lambda: deliver_webhooks.enqueue(), robust=True)  # else `deliver_webhooks --loop`
    return messages
