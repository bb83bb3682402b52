"""/api/v1/cases/…for insurers' systems and staff: report a case (retried safely with Idempotency-Key), read it as far
as the caller may, and every write — each loaded through the scope's write rules (B8, B9, issue 12)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from annotated_types import MaxLen
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.accounts.roles import CASE_REPORTER_CHANNELS, INBOX_ROLES
from claimbridge.accounts.scope import scope_for
from claimbridge.cases import selectors
from claimbridge.cases.api.schemas import (
    CaseIn,
    CaseOut,
    ClaimOut,
    ClaimStepIn,
    HandoffIn,
    HandoffOut,
    InboxOut,
    JoinCodeOut,
)
from claimbridge.cases.services import claims, handoffs, intake, join, numbering
from claimbridge.core.errors import AppError, forbidden, not_found
from claimbridge.core.idempotency import fingerprint_of, run_once
from claimbridge.core.inputs import CLEAN
from claimbridge.core.masking import mask_bank_account
from claimbridge.core.schemas import responses
from claimbridge.rulebook.services import county_code_at
from claimbridge.rules.case_flow import STATES

router = Router(tags=["cases"], auth=API_AUTH)


@router.post("", response=responses({200: CaseOut, 201: CaseOut}), exclude_unset=True,
             summary="Report a case (a draft until complete); an Idempotency-Key makes retries return the same case")  # fmt: skip
def case_create(request: HttpRequest, payload: CaseIn) -> Status[dict[str, Any]]:
    user = request.user
    if not scope_for(user).may_report_case:
        raise forbidden()
    channel = CASE_REPORTER_CHANNELS[user.role]  # type: ignore[union-attr]
    county = selectors.county_get(
        code=payload.county or county_code_at(payload.latitude, payload.longitude, payload.crs)
    )
    if county is None:
        raise AppError("no_county", "请给出陇南或天水的区县代码，或事故地点的经纬度",
                       "give a county code of Longnan or Tianshui, or the accident's coordinates", field="county")  # fmt: skip
    # Drawn before the transaction so the day's counter is not held while the case is written; a retry with a used
    # key leaves its number unused (numbers may have gaps, never repeats).
    number = numbering.case_number_draw(county=county, accident_at=payload.accident_at)

    def work() -> tuple[int, dict[str, Any]]:
        case = intake.case_create(
            user=user, channel=channel, county=county, accident_at=payload.accident_at, latitude=payload.latitude,
            longitude=payload.longitude, crs=payload.crs, number=number,
            consent=payload.consent.model_dump() if payload.consent else None,
            facts=payload.facts.model_dump(exclude_none=True) if payload.facts else None,
            parties=[intake.PartyInput(p.label, p.plate, p.vin, p.insurer, p.underwriting_city) for p in payload.parties],
        )  # fmt: skip
        return 201, selectors.case_view(user=user, case=case, parties=case.created_parties)

    status, body, replayed = run_once(scope=f"user:{user.pk}:cases.create", key=request.headers.get("Idempotency-Key", ""),
                                      work=work, fingerprint=fingerprint_of(payload))  # fmt: skip
    return Status(200 if replayed and status == 201 else status, body)


class InboxQuery(Schema):
    q: Annotated[str, MaxLen(40), CLEAN] = ""  # a case number (or part of one), a plate, a mobile or a whole name
    # one of the case machine's states (rules/case_flow.STATES), or "" for all
    state: Annotated[str, MaxLen(24), CLEAN, Field(json_schema_extra={"enum": ["", *STATES]})] = ""
    sort: Literal["deadline", "newest"] = "deadline"  # soonest deadline first (overdue at the top), or newest first


@router.get("", response=responses({200: InboxOut}),
            summary="Your claims units' inbox: search by case number, plate, mobile or driver's name; counts per state")  # fmt: skip
def case_inbox(request: HttpRequest, filters: Query[InboxQuery]) -> dict[str, Any]:
    """The same inbox as the page (`selectors.inbox_for_user`): only cases with a party your units handle, found only
    through those parties (B8); mobiles and names are matched through their blind indexes."""
    if getattr(request.user, "role", None) not in INBOX_ROLES:
        raise forbidden()
    if filters.state and filters.state not in STATES:
        raise AppError("bad_state", "没有这种案件状态", "there is no such case state", field="state")
    found = selectors.inbox_for_user(user=request.user, state=filters.state, q=filters.q, sort=filters.sort)
    return {
        "total": found.total, "counts": found.counts,
        "cases": [{"number": case.number, "state": case.state, "county": case.county.code if case.county else None,
                   "accident_at": case.accident_at, "created_at": case.created_at,
                   "plates": found.plates.get(case.pk, []),
                   "next_deadline": {"name": clock["name"], "due": clock["due"], "late": clock["late"]} if clock else None}
                  for case, clock in found.rows],
    }  # fmt: skip


@router.get(
    "/{number}", response=responses({200: CaseOut}), exclude_unset=True, summary="One case, as far as you may see it"
)
def case_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    case = selectors.case_get_for_user(user=request.user, number=number)
    if case is None:
        raise not_found()
    return selectors.case_view(user=request.user, case=case)


@router.post("/{number}/join-code", response=responses({200: JoinCodeOut}),
             summary="A new join code and QR code for the other driver (the reporter or a handler of a party)")  # fmt: skip
def case_join_code(request: HttpRequest, number: str) -> dict[str, Any]:
    from claimbridge.cases.services.quick_claim import editable

    case, _parties = selectors.case_for_write(user=request.user, number=number, join_code=True)
    editable(case)
    code = join.case_join_code_issue(case=case, user=request.user)
    url = request.build_absolute_uri(f"/cases/join/?code={code}")
    return {"join_code": code, "join_url": url, "qr_svg": join.join_qr_svg(join_url=url),
            "expires_at": case.join_code_expires_at}  # fmt: skip


def claim_view(claim: Any) -> dict[str, Any]:
    return {
        "party": claim.party.label, "state": claim.state, "registered_at": claim.registered_at,
        "first_contact_at": claim.first_contact_at, "losses": claim.losses, "liability": claim.liability,
        "payable": str(claim.payable) if claim.payable is not None else None,
        "paid_amount": str(claim.paid_amount) if claim.paid_amount is not None else None,
        "payment_reference": claim.payment_reference, "repair_shop": claim.repair_shop_name,
        "repair_shop_code": claim.repair_shop_code, "payee_account_masked": mask_bank_account(claim.payee_account or ""),
        "close_reason": claim.close_reason, "settlement": claim.settlement,
    }  # fmt: skip


CLAIM_STEPS = ("register", "contact", "assess", "settle", "approve", "pay", "close", "reopen")


@router.post("/{number}/claims/{label}/{action}", response=responses({200: ClaimOut}),
             summary="A step of your party's claim: register, contact, assess, settle, approve, pay, close, reopen")  # fmt: skip
def claim_step(request: HttpRequest, number: str, label: str, action: str, payload: ClaimStepIn) -> dict[str, Any]:
    if action not in CLAIM_STEPS:
        raise not_found()
    user = request.user
    _case, party = selectors.party_for_handling(user=user, number=number, label=label)
    if action == "register":
        return claim_view(claims.claim_register(party=party, user=user))
    claim = selectors.claim_of(party)
    if claim is None:
        raise AppError("no_claim", "请先立案", "register the claim first", status=409)
    if action == "contact":
        claim = claims.claim_contact(claim=claim, user=user)
    elif action == "assess":
        claim = claims.claim_assess(claim=claim, user=user, losses=payload.losses or {}, liability=payload.liability,
                                    repair_shop=payload.repair_shop, repair_shop_code=payload.repair_shop_code)  # fmt: skip
    elif action == "settle":
        claim = claims.claim_settle(claim=claim, user=user)
    elif action == "approve":
        claim = claims.claim_approve(claim=claim, user=user)
    elif action == "pay":
        claim = claims.claim_pay(claim=claim, user=user, amount=payload.amount, reference=payload.reference,
                                 payee_account=payload.payee_account)  # fmt: skip
    elif action == "close":
        claim = claims.claim_close(claim=claim, user=user, reason=payload.reason)
    else:
        claim = claims.claim_reopen(claim=claim, user=user, reason=payload.reason)
    return claim_view(claim)


@router.post("/{number}/parties/{label}/handoff", response=responses({200: HandoffOut}),
             summary="Move your party's claim to another claims unit of your company, with a reason (recorded)")  # fmt: skip
def party_handoff(request: HttpRequest, number: str, label: str, payload: HandoffIn) -> dict[str, Any]:
    _case, party = selectors.party_for_handling(user=request.user, number=number, label=label)
    record = handoffs.handoff(party=party, to_unit=selectors.claims_unit_get(pk=payload.unit), reason=payload.reason,
                              user=request.user, note=payload.note)  # fmt: skip
    return {"party": party.label, "claims_unit": party.claims_unit_id, "recorded": record is not None}
