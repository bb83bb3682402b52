"""What the audit chain vouches for besides its events: the case's rows as they are now (issue 12, decision 0012).

After every change the newest event carries a seal — an HMAC under the audit key — over a canonical snapshot of the
case's audited fields, its parties', their claims' and their hand-offs', and the chain's head. `audit verify`
recomputes it from the rows; `record.case_lock` recomputes it before a change, so that a change following a direct
edit records the edit instead of sealing it.

Every concrete field of these four models is either sealed, sealed while it holds a value (a field added after
version 1, so that no case needs re-sealing), or left out with its reason (a test keeps it so).
Encrypted fields are sealed by their clear text: the seal never leaves the HMAC, and re-encrypting under a new
FIELD_ENCRYPTION_KEYS key changes nothing it covers. The snapshot reads fields by name, so the upgrade migration
can seal with the historical models. A change to the sealed fields is a new SNAPSHOT_VERSION and a migration that
re-seals every case whose rows match its seal under the old version.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from claimbridge.core import hashchain

SNAPSHOT_VERSION = 1

# The sealed fields of snapshot version 1. A field added to a model is sealed only once it is listed here, which
# changes every case's snapshot: it needs a new SNAPSHOT_VERSION and a migration that re-seals the cases (else every
# existing case reads as edited). A test fails until each new field is listed here or below.
SEALED: dict[str, tuple[str, ...]] = {
    "case": ("number", "state", "channel", "city", "county", "accident_at", "latitude", "longitude", "crs",
             "evidence", "created_by", "created_at", "join_code", "join_code_expires_at", "facts", "fact_sources",
             "circumstances", "agreement_name", "agreement_sha256", "agreement_code", "agreed_at", "events_count",
             "last_event_hash"),
    "party": ("label", "plate", "vin", "driver_name", "driver_phone", "driver_licence", "phone_index", "insurer",
              "claims_unit", "underwriting_city_code", "ctpl_policy_number", "cover_verified", "vehicle_type",
              "collision_part", "driver_licensed", "inspection_valid", "impairment_free", "confirmed_at",
              "confirmed_name", "confirmed_device", "confirmed_digest", "disagreed_at"),
    "claim": ("state", "registered_at", "registered_by", "first_contact_at", "losses", "liability", "assessed_at",
              "settlement", "payable", "settled_at", "approval_requested_by", "approved_by", "approved_at",
              "paid_amount", "payment_reference", "paid_at", "closed_at", "close_reason", "reopened_count"),
    "handoff": ("from_unit", "to_unit", "reason", "note", "by", "by_party", "at"),
}  # fmt: skip

# Fields added after version 1 that are sealed while they hold a value: a blank one ("" or None, one form) is left out
# of the snapshot, so the snapshot of every row that never held one is the version-1 snapshot and nothing needs
# re-sealing; giving, changing or clearing one changes the snapshot as any sealed field does.
SEALED_WHEN_SET: dict[str, tuple[str, ...]] = {
    "case": (),
    "party": ("route",),  # issue 17: the triage route at the agreement
    "claim": ("repair_shop_name", "repair_shop_code", "payee_account"),  # issue 16: they link cases into rings
    "handoff": (),
}

# Left out of the seal, with the reason.
NOT_SEALED: dict[str, dict[str, str]] = {
    "case": {
        "id": "the row's own key: the case is named by its number",
        "join_code_failures": "a counter of wrong phone codes, raised with no event on every refusal and kept when "
        "the refusal rolls back; reaching the limit is an event, and the expiry it sets is sealed",
    },
    "party": {
        "id": "the row's own key: a party is named by its label",
        "case": "the snapshot is the case's own",
        "language": "the language the driver's text messages are written in: a preference, not a fact of the "
        "case (issue 13, my cases)",
        "name_index": "derived from driver_name (sealed) by a keyed hash on every save: a lookup aid",
    },
    "claim": {"id": "the row's own key", "party": "the snapshot files each claim under its party"},
    "handoff": {"id": "the row's own key", "party": "the snapshot files each hand-off under its party"},
}

PartyRows = tuple[Any, Any, Sequence[Any]]  # a party, its claim or None, its hand-offs oldest first

_fields: dict[tuple[type, str], list[models.Field[Any, Any]]] = {}


def sealed_fields(model: type[models.Model], role: str) -> list[models.Field[Any, Any]]:
    key = (model, role)
    if key not in _fields:
        _fields[key] = [model._meta.get_field(name) for name in SEALED[role]]  # type: ignore[misc]
    return _fields[key]


def _value(field: models.Field[Any, Any], value: Any) -> Any:
    """One canonical form whether the value comes from the database or from the instance about to be written."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(field, models.DecimalField):
        return str(Decimal(value).quantize(Decimal(1).scaleb(-field.decimal_places)))
    if isinstance(field, models.FloatField):
        return float(value)
    return value


def _row(obj: Any, role: str) -> dict[str, Any]:
    row = {field.attname: _value(field, getattr(obj, field.attname)) for field in sealed_fields(type(obj), role)}
    for name in SEALED_WHEN_SET[role]:
        value = getattr(obj, name, None)  # a migration's historical model may not have the field yet
        if value not in (None, ""):
            field = type(obj)._meta.get_field(name)
            row[field.attname] = _value(field, value)
    return row


def case_snapshot(case: Any, parties: Iterable[PartyRows]) -> dict[str, Any]:
    return {
        "v": SNAPSHOT_VERSION,
        "case": _row(case, "case"),
        "parties": {
            party.label: _row(party, "party")
            | {
                "claim": _row(claim, "claim") if claim is not None else None,
                "handoffs": [_row(handoff, "handoff") for handoff in handoffs],
            }
            for party, claim, handoffs in parties
        },
    }


def sealed_rows(
    case_ids: Sequence[int], *, party_model: Any = None, handoff_model: Any = None
) -> dict[int, list[PartyRows]]:
    """Each case's parties with their claims and hand-offs, in two queries for any number of cases. The models may
    be a migration's historical ones."""
    if party_model is None:
        from claimbridge.cases.models import CaseParty, Handoff

        party_model, handoff_model = CaseParty, Handoff
    handoffs: dict[int, list[Any]] = {}
    for handoff in handoff_model.objects.filter(party__case_id__in=case_ids).order_by("at", "pk"):
        handoffs.setdefault(handoff.party_id, []).append(handoff)
    found: dict[int, list[PartyRows]] = {pk: [] for pk in case_ids}
    for party in party_model.objects.filter(case_id__in=case_ids).select_related("claim").order_by("label"):
        found[party.case_id].append((party, getattr(party, "claim", None), handoffs.get(party.pk, [])))
    return found


def case_seal(case: Any, head: str, key: bytes, parties: Iterable[PartyRows] | None = None) -> str:
    """The seal of the case's rows (read now unless given) under `key`, bound to the event whose hash is `head`."""
    if parties is None:
        parties = sealed_rows([case.pk])[case.pk]
    return hashchain.seal(key, head=head, snapshot=case_snapshot(case, parties))
