"""Showing a driver's name and mobile in full to the handler of their claim (issue 13, decision 0004): pages mask
them; a handler who must call the customer asks to see them, and each showing is an event on the case's chain, so
the record says who saw whose personal data and when. Each showing is also an access record (issue 20: who, when
and why — the handler says why, from a short list), written in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from claimbridge.accounts.scope import scope_for
from claimbridge.cases.models import CaseParty
from claimbridge.cases.services.quick_claim import not_handler
from claimbridge.cases.services.record import case_lock, event_append

REVEALED_FIELDS = ("cases.CaseParty.driver_name", "driver_phone")


def party_contact_reveal(*, party: CaseParty, user: Any, purpose: str, note: str = "") -> dict[str, str]:
    """The driver's name and mobile in clear, for one who may handle the party's claim (`Scope.may_handle_party`),
    who says why (`accesslog.Purpose`); recorded first, in the same transaction: no showing without its event and
    its access record."""
    from claimbridge.accesslog.services import Action, access_record, purpose_clean

    if not scope_for(user).may_handle_party(party):
        raise not_handler()
    purpose, note = purpose_clean(purpose, note)
    with transaction.atomic():
        case = case_lock(pk=party.case_id)
        event_append(case=case, kind="party_contact_shown", actor=user, data={"party": party.label})
        access_record(actor=user, action=Action.SHOWN_UNMASKED, what=REVEALED_FIELDS, purpose=purpose, note=note,
                      case=case, party_label=party.label)  # fmt: skip
    return {"name": party.driver_name or "", "phone": party.driver_phone or ""}
