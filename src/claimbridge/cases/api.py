"""/api/v1/cases/…: reporting a case (retried safely with Idempotency-Key) and reading it (B8, B9)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest
from ninja import Body, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import APIKeyCookie

from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.accounts.models import Role, User
from claimbridge.cases import reference, selectors, services
from claimbridge.core.idempotency import run_once

router = Router(tags=["cases"], auth=API_AUTH)
REPORTER_ROLES: dict[str, str] = {
    Role.INSURER_STAFF: "hotline",
    Role.ADJUSTER: "adjuster",
    Role.DRIVER: "driver",
    Role.PLATFORM_ADMIN: "hotline",
}


class PartyIn(Schema):
    label: str
    plate: str = ""
    vin: str = ""
    insurer: str = ""
    underwriting_city: str = ""


class ConsentIn(Schema):
    credential_shown: bool = False  # R8: the industry work card and the claims guide were shown
    customer_consented: bool = False  # R7: the customer agreed that the adjuster acts for them


class CaseIn(Schema):
    county: str = ""  # may be left out when the place is given: the county is then found from it
    accident_at: datetime | None = None
    latitude: float | None = None  # the phone's position or a map pin
    longitude: float | None = None
    crs: str = "wgs84"  # wgs84 (GPS) or gcj02 (Chinese maps: AMap, Tencent, Baidu after conversion)
    parties: list[PartyIn] = []
    consent: ConsentIn | None = None  # required when an adjuster reports


@router.post("", response={200: dict[str, Any], 201: dict[str, Any], 422: dict[str, Any]},
             summary="Report a case (a draft until complete); an Idempotency-Key makes retries return the same case")  # fmt: skip
def case_create(request: HttpRequest, payload: CaseIn) -> Status[dict[str, Any]]:
    user = cast(User, request.user)
    channel = REPORTER_ROLES.get(user.role)
    if channel is None:
        raise HttpError(403, "forbidden")
    county = reference.counties().get(
        payload.county or services.county_code_at(payload.latitude, payload.longitude, payload.crs)
    )
    if county is None:
        return Status(422, {"error": {"code": "no_county", "zh": "请给出陇南或天水的区县代码，或事故地点的经纬度",
                                      "en": "give a county code of Longnan or Tianshui, or the accident's coordinates"}})  # fmt: skip

    scope, key = f"user:{user.pk}:cases.create", request.headers.get("Idempotency-Key", "")
    # Drawn before the transaction so the day's counter is not held while the case is written; a retry with a used
    # key leaves its number unused (numbers may have gaps, never repeats).
    number = services.case_number_draw(county=county, accident_at=payload.accident_at)

    def work() -> tuple[int, dict[str, Any]]:
        try:
            case = services.case_create(
                user=user, channel=channel, county=county, accident_at=payload.accident_at, latitude=payload.latitude,
                longitude=payload.longitude, crs=payload.crs, number=number,
                consent=payload.consent.model_dump() if payload.consent else None,
                parties=[services.PartyInput(p.label, p.plate, p.vin, p.insurer, p.underwriting_city) for p in payload.parties],
            )  # fmt: skip
        except services.CaseError as error:
            return 422, {"error": {"code": error.code, "zh": error.zh, "en": error.en}}
        return 201, selectors.case_view(user=user, case=case, parties=case.created_parties)

    status, body, replayed = run_once(scope=scope, key=key, work=work)
    return Status(200 if replayed and status == 201 else status, body)


phone_router = Router(tags=["cases"])


class PhoneIn(Schema):
    phone: str


class JoinIn(Schema):
    join_code: str
    phone: str
    sms_code: str


def _verification_refused(request: HttpRequest, error: Any) -> Status[dict[str, Any]]:
    from claimbridge.core.errors import bilingual

    return Status(422, {"error": {"code": error.code, **bilingual(error.message)}})


@phone_router.post(
    "/code", response={202: dict[str, Any], 422: dict[str, Any]}, summary="Send a one-time code to a mobile number"
)
def phone_code(request: HttpRequest, payload: PhoneIn) -> Status[dict[str, Any]]:
    from claimbridge.core.phone_verification import VerificationError, challenge_send

    try:
        challenge_send(payload.phone)
    except VerificationError as error:
        return _verification_refused(request, error)
    return Status(202, {"sent": True})


@router.post("/join", auth=None, response={200: dict[str, Any], 422: dict[str, Any]},
             summary="The other driver joins a case with its join code and a code sent to their own mobile")  # fmt: skip
def case_join(request: HttpRequest, payload: JoinIn) -> Status[dict[str, Any]]:
    from claimbridge.core.phone_verification import VerificationError

    try:
        case, party = services.case_join(join_code=payload.join_code, phone=payload.phone, sms_code=payload.sms_code)
    except VerificationError as error:
        return _verification_refused(request, error)
    except services.CaseError as error:
        return Status(422, {"error": {"code": error.code, "zh": error.zh, "en": error.en}})
    joined = request.session.get("case_parties", {})
    joined[case.number] = party.label
    request.session["case_parties"] = joined
    return Status(200, {"case": case.number, "party": party.label})


@router.get("/{number}", summary="One case, as far as you may see it")
def case_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    case = selectors.case_get_for_user(user=request.user, number=number)
    if case is None:
        raise HttpError(404, "not found")
    return selectors.case_view(user=request.user, case=case)


@router.post("/{number}/join-code", summary="A join code and QR code for the other driver")
def case_join_code(request: HttpRequest, number: str) -> dict[str, Any]:
    case = selectors.case_get_for_user(user=request.user, number=number)
    if case is None:
        raise HttpError(404, "not found")
    code = services.case_join_code_issue(case=case, user=request.user)
    url = request.build_absolute_uri(f"/cases/join/?code={code}")
    return {"join_code": code, "join_url": url, "qr_svg": services.join_qr_svg(join_url=url)}


class ClaimStepIn(Schema):
    losses: dict[str, Decimal] | None = None  # assess: party label → vehicle loss
    liability: dict[str, str] | None = None  # assess: party label → full | equal | none (default: as agreed)
    amount: Decimal | None = None  # pay
    reference: str = ""  # pay: the bank's reference; the same again changes nothing
    reason: str = ""  # close, reopen: a reason code


def claim_view(claim: Any) -> dict[str, Any]:
    return {
        "party": claim.party.label, "state": claim.state, "registered_at": claim.registered_at.isoformat(),
        "first_contact_at": claim.first_contact_at.isoformat() if claim.first_contact_at else None,
        "losses": claim.losses, "liability": claim.liability,
        "payable": str(claim.payable) if claim.payable is not None else None,
        "paid_amount": str(claim.paid_amount) if claim.paid_amount is not None else None,
        "payment_reference": claim.payment_reference, "close_reason": claim.close_reason,
        "settlement": claim.settlement,
    }  # fmt: skip


@router.post("/{number}/claims/{label}/{action}", response={200: dict[str, Any], 404: dict[str, Any], 422: dict[str, Any]},
             summary="A step of your party's claim: register, contact, assess, settle, approve, pay, close, reopen")  # fmt: skip
def claim_step(
    request: HttpRequest, number: str, label: str, action: str, payload: ClaimStepIn
) -> Status[dict[str, Any]]:
    from claimbridge.cases import claim_services
    from claimbridge.cases.models import Claim
    from claimbridge.rules.case_flow import IllegalTransition

    case = selectors.case_get_for_user(user=request.user, number=number)
    party = case.parties.filter(label=label).first() if case else None
    if party is None:
        raise HttpError(404, "not found")
    claim = Claim.objects.filter(party=party).first()
    user = request.user
    steps = {
        "contact": lambda c: claim_services.claim_contact(claim=c, user=user),
        "assess": lambda c: claim_services.claim_assess(claim=c, user=user, losses=payload.losses or {}, liability=payload.liability),
        "settle": lambda c: claim_services.claim_settle(claim=c, user=user),
        "approve": lambda c: claim_services.claim_approve(claim=c, user=user),
        "pay": lambda c: claim_services.claim_pay(claim=c, user=user, amount=payload.amount or Decimal(0), reference=payload.reference),
        "close": lambda c: claim_services.claim_close(claim=c, user=user, reason=payload.reason),
        "reopen": lambda c: claim_services.claim_reopen(claim=c, user=user, reason=payload.reason),
    }  # fmt: skip
    try:
        if action == "register":
            claim = claim_services.claim_register(party=party, user=user)
        elif claim is None or action not in steps:
            raise HttpError(404, "not found")
        else:
            claim = steps[action](claim)
    except services.CaseError as error:
        return Status(422, {"error": {"code": error.code, "zh": error.zh, "en": error.en}})
    except IllegalTransition as refused:
        return Status(422, {"error": {"code": "illegal_transition", **refused.text.as_dict()}})
    return Status(200, claim_view(claim))


class PartySession(APIKeyCookie):
    """A driver's phone: the browser session in which the driver proved their mobile and joined the case (B1).
    Cookie-borne, so every POST needs the CSRF token, as on the web pages."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.session.get("case_parties") or None


JSON_BODY = Body(...)  # the whole request body is the parameter
party_router = Router(tags=["cases: driver's phone"], auth=PartySession())


def _my_party(request: HttpRequest, number: str) -> Any:
    from claimbridge.cases.models import CaseParty

    label = request.session.get("case_parties", {}).get(number)
    party = (
        CaseParty.objects.select_related("case__county", "case__city", "insurer")
        .filter(case__number=number, label=label)
        .first()
        if label
        else None
    )
    if party is None:
        raise HttpError(404, "not found")
    return party


def _form_errors(form: Any) -> Status[dict[str, Any]]:
    return Status(
        422,
        {
            "error": {
                "code": "invalid",
                "fields": {name: [str(m) for m in errors] for name, errors in form.errors.items()},
            }
        },
    )


def _party_answer(party: Any) -> dict[str, Any]:
    from claimbridge.cases.quick_claim import assessment
    from claimbridge.core.masking import mask_id_number, mask_name

    case = party.case
    case.refresh_from_db()
    party.refresh_from_db()
    return {
        "case": case.number, "state": case.state, "party": party.label,
        "details": {"driver_name": mask_name(party.driver_name) if party.driver_name else "",
                    "driver_licence": mask_id_number(party.driver_licence) if party.driver_licence else "",
                    "plate": party.plate, "vin": party.vin, "vehicle_type": party.vehicle_type, "collision_part": party.collision_part,
                    "insurer": party.insurer.code if party.insurer else None, "cover_verified": party.cover_verified},
        "parties": [{"label": p.label, "confirmed": p.confirmed_at is not None, "disagrees": p.disagreed_at is not None}
                    for p in case.parties.order_by("label")],
        "facts": case.facts, "circumstances": case.circumstances, "assessment": assessment(case),
        "agreement": {"code": case.agreement_code, "pdf": f"/cases/{case.number}/me/agreement.pdf"} if case.agreement_name else None,
    }  # fmt: skip


def _refused(error: Exception) -> Status[dict[str, Any]]:
    from claimbridge.rules.case_flow import IllegalTransition

    if isinstance(error, IllegalTransition):
        return Status(422, {"error": {"code": "illegal_transition", **error.text.as_dict()}})
    assert isinstance(error, services.CaseError)
    return Status(422, {"error": {"code": error.code, "zh": error.zh, "en": error.en}})


PARTY_RESPONSES = {200: dict[str, Any], 404: dict[str, Any], 422: dict[str, Any]}


@party_router.get(
    "/{number}/me",
    response=PARTY_RESPONSES,
    summary="The case as this phone's party sees it, with eligibility, liability and next steps",
)
def me(request: HttpRequest, number: str) -> Status[dict[str, Any]]:
    return Status(200, _party_answer(_my_party(request, number)))


@party_router.post(
    "/{number}/me/details", response=PARTY_RESPONSES, summary="The driver's own details, checked by the rules kernel"
)
def me_details(request: HttpRequest, number: str, payload: dict[str, Any] = JSON_BODY) -> Status[dict[str, Any]]:
    from claimbridge.cases.forms import PartyDetailsForm

    party = _my_party(request, number)
    form = PartyDetailsForm({k: v for k, v in payload.items() if v not in (False, None)})
    if not form.is_valid():
        return _form_errors(form)
    try:
        services.party_details_save(party=party, **form.cleaned_data)
    except services.CaseError as error:
        return _refused(error)
    return Status(200, _party_answer(party))


@party_router.post("/{number}/me/facts", response=PARTY_RESPONSES, summary="What happened (shared by the parties)")
def me_facts(request: HttpRequest, number: str, payload: dict[str, Any] = JSON_BODY) -> Status[dict[str, Any]]:
    from claimbridge.cases.forms import FactsForm

    party = _my_party(request, number)
    data = {k: ("yes" if v else "no") if isinstance(v, bool) else v for k, v in payload.items()}
    form = FactsForm(data)
    if not form.is_valid():
        return _form_errors(form)
    try:
        services.case_facts_save(case=party.case, facts=form.facts(), party_label=party.label)
    except services.CaseError as error:
        return _refused(error)
    return Status(200, _party_answer(party))


@party_router.post(
    "/{number}/me/circumstances",
    response=PARTY_RESPONSES,
    summary='The listed circumstance of each party: {"A": [1], "B": []}',
)
def me_circumstances(
    request: HttpRequest, number: str, payload: dict[str, list[int]] = JSON_BODY
) -> Status[dict[str, Any]]:
    party = _my_party(request, number)
    try:
        services.case_circumstances_save(case=party.case, circumstances=payload, party_label=party.label)
    except services.CaseError as error:
        return _refused(error)
    return Status(200, _party_answer(party))


class ConfirmIn(Schema):
    typed_name: str
    consent: bool


@party_router.post(
    "/{number}/me/confirm",
    response=PARTY_RESPONSES,
    summary="Confirm the facts and the liability (name typed, consent)",
)
def me_confirm(request: HttpRequest, number: str, payload: ConfirmIn) -> Status[dict[str, Any]]:
    from claimbridge.rules.case_flow import IllegalTransition

    party = _my_party(request, number)
    try:
        services.party_confirm(party=party, typed_name=payload.typed_name, consent=payload.consent,
                               device=request.headers.get("User-Agent", "")[:200])  # fmt: skip
    except (services.CaseError, IllegalTransition) as error:
        return _refused(error)
    return Status(200, _party_answer(party))


@party_router.post("/{number}/me/{step}", response=PARTY_RESPONSES, summary="disagree, police or underwriting-city")
def me_step(request: HttpRequest, number: str, step: str) -> Status[dict[str, Any]]:
    from claimbridge.rules.case_flow import IllegalTransition

    party = _my_party(request, number)
    steps = {
        "disagree": lambda: services.party_disagree(party=party),
        "police": lambda: services.case_to_police(case=party.case, party_label=party.label, reason="not_eligible"),
        "underwriting-city": lambda: services.party_serve_in_underwriting_city(party=party),
    }
    if step not in steps:
        raise HttpError(404, "not found")
    try:
        steps[step]()
    except (services.CaseError, IllegalTransition) as error:
        return _refused(error)
    return Status(200, _party_answer(party))


class HandoffIn(Schema):
    unit: int  # the claims unit that takes the claim over
    reason: str  # customer_asked | wrong_unit | workload
    note: str = ""


@router.post("/{number}/parties/{label}/handoff", response={200: dict[str, Any], 404: dict[str, Any], 422: dict[str, Any]},
             summary="Move your party's claim to another claims unit of your company, with a reason (recorded)")  # fmt: skip
def party_handoff(request: HttpRequest, number: str, label: str, payload: HandoffIn) -> Status[dict[str, Any]]:
    from claimbridge.cases.claim_services import may_handle
    from claimbridge.cases.models import Handoff
    from claimbridge.organisations.models import ClaimsUnit

    case = selectors.case_get_for_user(user=request.user, number=number)
    party = case.parties.filter(label=label).first() if case else None
    if party is None or not may_handle(user=request.user, party=party):
        raise HttpError(404, "not found")
    if payload.reason not in Handoff.Reason.values:
        return Status(
            422, {"error": {"code": "bad_reason", "zh": "请选择移交原因", "en": "choose why the claim moves"}}
        )
    try:
        record = services.handoff(party=party, to_unit=ClaimsUnit.objects.select_related("branch").filter(pk=payload.unit).first(),
                                  reason=payload.reason, user=request.user, note=payload.note)  # fmt: skip
    except services.CaseError as error:
        return Status(422, {"error": {"code": error.code, "zh": error.zh, "en": error.en}})
    party.refresh_from_db()
    return Status(200, {"party": party.label, "claims_unit": party.claims_unit_id, "recorded": record is not None})
