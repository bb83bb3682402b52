"""/api/v1/me/… — 我的案件 for the drivers' phones (issue 13; B1, R12, B8): prove the mobile again with a code, list
the cases it is a party of, and follow one (the claim step by step, the unit to call, the texts sent). Bound to the
browser session in which the mobile was proved, as the party's own routes are; personal data masked."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from annotated_types import MaxLen
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import APIKeyCookie

from claimbridge.cases import selectors
from claimbridge.cases.services.notifications import party_language_remember
from claimbridge.core.errors import in_current_language, not_found
from claimbridge.core.inputs import CLEAN
from claimbridge.core.masking import mask_phone
from claimbridge.core.schemas import StrictIn, responses


class ProofIn(StrictIn):
    phone: Annotated[str, MaxLen(20), CLEAN]
    sms_code: Annotated[str, MaxLen(6), CLEAN]


class MyCaseEntryOut(Schema):
    number: str
    state: str  # the case's machine: draft, reported, awaiting_confirmation, agreed, police
    state_name: str  # in the reader's language
    open: bool  # the drivers can still change it (the quick claim at /cases/{number}/me/)
    accident_at: datetime | None
    county: str | None  # county code
    party: str  # the label this phone is in the case
    plate: str
    claim_state: str | None  # the party's own claim: registered … paid, closed; None before 立案
    claim_state_name: str | None


class MyCasesOut(Schema):
    phone: str  # the proved mobile, masked ("" when the session only joined cases)
    cases: list[MyCaseEntryOut]


class FollowStepOut(Schema):
    step: str  # registered, assessed, settled, approved, paid, closed
    name: str
    done: bool
    at: datetime | None
    amount: str | None  # yuan, two places: the settlement (settled) and the payment (paid)


class FollowUnitOut(Schema):
    insurer: str | None
    name: str
    phone: str
    address: str
    hours: str


class DriverNoticeOut(Schema):
    kind: str  # joined, confirmed, changed, voided, agreed, registered, paid
    status: str  # queued, sending, sent, failed, limited
    status_name: str
    text: str
    created_at: datetime
    sent_at: datetime | None


class MyCaseFollowOut(MyCaseEntryOut):
    driver_name: str  # masked
    driver_phone: str  # masked
    agreement_pdf: str | None
    steps: list[FollowStepOut]
    claims_unit: FollowUnitOut | None
    notices: list[DriverNoticeOut]


class ProvedPhone(APIKeyCookie):
    """A driver's phone: the browser session in which the mobile was proved (or the case joined). Cookie-borne."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        proof = _proof(request)
        return None if proof.empty else proof


def _proof(request: HttpRequest) -> selectors.PhoneProof:
    return selectors.PhoneProof.of(phone=request.session.get("verified_phone", ""),
                                   joined=dict(request.session.get("case_parties", {})))  # fmt: skip


proof_router = Router(tags=["cases: my cases (driver's phone)"])
my_router = Router(tags=["cases: my cases (driver's phone)"], auth=ProvedPhone())


def _said(text: Any) -> str:
    return in_current_language(text.zh, text.en)


def _entry(entry: dict[str, Any]) -> dict[str, Any]:
    return entry | {"state_name": _said(entry["state_name"]), "county": entry["county"].code if entry["county"] else None,
                    "claim_state_name": _said(entry["claim_state_name"]) if entry["claim_state_name"] else None}  # fmt: skip


def _list(request: HttpRequest) -> dict[str, Any]:
    phone = request.session.get("verified_phone", "")
    parties = selectors.driver_parties(proof=_proof(request))
    return {"phone": mask_phone(phone) if phone else "",
            "cases": [_entry(selectors.my_case_entry(party)) for party in parties]}  # fmt: skip


@proof_router.post("/proof", response=responses({200: MyCasesOut}),
                   summary="Prove the mobile again with the code sent to it (POST /api/v1/phone/code): the session "
                           "then speaks for every case it is a party of")  # fmt: skip
def my_proof(request: HttpRequest, payload: ProofIn) -> dict[str, Any]:
    from claimbridge.core.phone_verification import challenge_verify, normalise_mobile

    phone = normalise_mobile(payload.phone)
    challenge_verify(phone, payload.sms_code)
    request.session["verified_phone"] = phone
    parties = selectors.driver_parties(proof=selectors.PhoneProof.of(phone=phone))
    joined = dict(request.session.get("case_parties", {}))
    for party in parties:
        joined.setdefault(party.case.number, party.label)
    request.session["case_parties"] = joined
    party_language_remember(party_ids=[party.pk for party in parties], language=request.LANGUAGE_CODE)
    return _list(request)


@my_router.get("/cases", response=responses({200: MyCasesOut}), summary="The cases this phone is a party of")
def my_cases(request: HttpRequest) -> dict[str, Any]:
    return _list(request)


@my_router.get("/cases/{number}", response=responses({200: MyCaseFollowOut}),
               summary="One of this phone's cases: the claim step by step with amounts, the unit to call, the texts sent")  # fmt: skip
def my_case(request: HttpRequest, number: str) -> dict[str, Any]:
    party = selectors.driver_party(proof=_proof(request), number=number)
    if party is None:
        raise not_found()
    detail = selectors.my_case_detail(party)
    progress, unit = detail["progress"], detail["progress"]["unit"]
    case = detail["case"]
    return _entry(selectors.my_case_entry(party)) | {
        "driver_name": detail["masked_name"], "driver_phone": detail["masked_phone"],
        "agreement_pdf": f"/cases/{case.number}/me/agreement.pdf" if case.agreement_name else None,
        "steps": [{"step": s["step"], "name": _said(s["name"]), "done": s["done"], "at": s["at"],
                   "amount": f"{s['amount']:.2f}" if s.get("amount") is not None else None} for s in progress["steps"]],
        "claims_unit": {"insurer": progress["insurer"].display_short_name if progress["insurer"] else None,
                        "name": unit.display_name, "phone": unit.phone, "address": unit.address, "hours": unit.hours}
        if unit else None,
        "notices": [{"kind": n.kind, "status": n.status, "status_name": str(n.get_status_display()), "text": n.text,
                     "created_at": n.created_at, "sent_at": n.sent_at} for n in detail["notices"]],
    }  # fmt: skip
