"""A party's claim moving to another claims unit of its insurer (R1): who, when and why, never to nobody."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from claimbridge.cases.models import CaseParty, Claim, Handoff
from claimbridge.cases.services.record import case_lock, event_append
from claimbridge.core.errors import AppError


def handoff(
    *, party: CaseParty, to_unit: Any, reason: str, user: Any = None, by_party: str = "", note: str = ""
) -> Handoff | None:
    """Move a party's claim to another claims unit of the same insurer, recording who, when and why (R1). Staff must
    handle the party's claim (the scope's write rule); a driver asks from their own phone (`by_party`)."""
    from claimbridge.accounts.scope import scope_for
    from claimbridge.cases.services.quick_claim import not_handler

    if reason not in Handoff.Reason.values:
        raise AppError("bad_reason", "请选择移交原因", "choose why the claim moves", field="reason")
    if to_unit is None:
        raise AppError("no_unit", "没有可以接手的理赔单位", "there is no claims unit to take it over", field="unit")
    if not by_party and not scope_for(user).may_handle_party(party):
        raise not_handler()
    with transaction.atomic():
        case = case_lock(pk=party.case_id)
        locked = CaseParty.objects.select_for_update().get(pk=party.pk)
        if to_unit.branch.insurer_id != locked.insurer_id:
            raise AppError("other_insurer", "只能转给本公司的理赔单位", "a claim can only move to a unit of the same insurer",
                           field="unit")  # fmt: skip
        if to_unit.pk == locked.claims_unit_id:
            return None
        if Claim.objects.filter(party=locked, state="closed").exists():  # nothing left to serve: reopen it first
            raise AppError("claim_closed", "该方理赔已结案，不能移交；如需继续办理，请先重开", "this claim is closed and cannot "
                           "move; reopen it first to go on with it", status=409, field="unit")  # fmt: skip
        record = Handoff.objects.create(party=locked, from_unit=locked.claims_unit, to_unit=to_unit, reason=reason,
                                        note=note[:200], by=user if getattr(user, "pk", None) else None, by_party=by_party)  # fmt: skip
        CaseParty.objects.filter(pk=locked.pk).update(claims_unit=to_unit)
        event_append(case=case, kind="handed_off", actor=user,
                     data={"party": locked.label, "from": locked.claims_unit_id, "to": to_unit.pk, "reason": reason})  # fmt: skip
    party.refresh_from_db()
    return record


def party_serve_in_underwriting_city(*, party: CaseParty) -> Handoff | None:
    """The customer asks to be served by the branch that wrote the policy instead of the accident city's (R1)."""
    from claimbridge.cases.selectors import underwriting_city_unit

    return handoff(party=party, to_unit=underwriting_city_unit(party), reason="customer_asked", by_party=party.label)
