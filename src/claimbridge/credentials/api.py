"""/api/v1/credentials/…: the register over the API (R4–R9, R13, R15, B9).

Every answer is a named schema; every refusal is raised as an `AppError` and answered by the API's one handler with
the one error body. Every POST that creates something (a submission, a credential on approval, a new submission on a
move, a stop) honours `Idempotency-Key`: a retry gets the first answer (200), the same key with another body is
refused (`idempotency_key_reused`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from pydantic import WithJsonSchema

from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.core.errors import AppError, not_found
from claimbridge.core.idempotency import answer_once
from claimbridge.core.inputs import PastInstant, Text
from claimbridge.core.masking import mask_id_number, mask_name
from claimbridge.core.schemas import download_answer, responses
from claimbridge.credentials import keys, selectors, services
from claimbridge.credentials.models import Adjuster, ServiceStop
from claimbridge.credentials.presenting import qualifications_of, typed_check_allowed, verification_photo_path
from claimbridge.credentials.services import (
    CASE_NUMBER_MAX,
    CITY_CODE_MAX,
    COMMENT_MAX,
    DETAIL_LIST_MAX,
    DETAIL_NUMBER_MAX,
    DETAIL_TEXT_MAX,
    DETAILS_MAX_KEYS,
    ID_NUMBER_MAX,
    NAME_MAX,
    NOTE_MAX,
    PHONE_MAX,
)

router = Router(tags=["credentials"])

# --- what the API answers ------------------------------------------------------------------------------------------


class CredentialClaimsOut(Schema):
    number: str
    holder: str  # masked
    company: str  # the insurer's code, as the card carries it
    company_name: str  # the insurer's name, to show
    city: str
    valid_from: date
    valid_until: date


class VerificationOut(Schema):
    status: Literal["genuine_current", "revoked", "expired", "not_yet_valid", "not_genuine", "unknown"]
    credential: CredentialClaimsOut | None = None
    photo_url: str | None = None  # the holder's photo, for a genuine and current card: a link valid 15 minutes


class PersonalDataOut(Schema):
    full_name: str
    id_number: str
    phone: str


class QualificationsOut(Schema):
    education: str
    mandarin: str
    licence_class: str
    licence_expiry: date | None
    licence_valid: bool
    training: list[str]
    knows_both_regions: bool
    vehicle_plate: str
    vehicle_marked: bool
    equipment: dict[str, bool]  # each piece the plan names (R5): carried or not


class WorkCardOut(Schema):
    number: str
    holder: str  # the holder's own card: the name in full
    company: str
    company_name: str
    association: str
    valid_from: date
    valid_until: date
    token: str  # what the QR code carries
    verify_url: str  # the address the QR code opens
    photo_url: str | None


class PublicKeyOut(Schema):
    algorithm: Literal["Ed25519"]
    pem: str


class CredentialOut(Schema):
    number: str
    valid_from: date
    valid_until: date
    revoked: bool
    token: str | None = None  # what the card's QR code carries; withheld once revoked


class AdjusterOut(Schema):
    id: int
    name: str  # masked
    id_number: str  # masked
    company: str
    city: str
    status: Literal["submitted", "needs_correction", "approved", "rejected", "left"]
    review_note: str
    credentials: list[CredentialOut]


class AdjusterDetailOut(AdjusterOut):
    company_name: str
    # The name, ID number and phone in full: only for the association that reviews the entry, recorded each time
    # (B8); null for everyone else, who read them masked.
    personal: PersonalDataOut | None
    qualifications: QualificationsOut
    photo_url: str | None  # the portrait (for the reviewing association and the entry's company; each fetch recorded)


class StaffChangeOut(Schema):
    revoked: AdjusterOut
    new_submission: AdjusterOut | None = None


class StopOut(Schema):
    id: int
    other_company_customer: bool
    rating_url: str


class RatingOut(Schema):
    rating: int


class ReportRowOut(Schema):
    adjuster: int
    name: str  # masked
    cases: int
    reward: str  # yuan, two places
    fraud_rewards: int = 0  # confirmed fraud clues of the month (R11)
    fraud_reward: str = "0.00"  # what the underwriting companies owe for them, yuan


class OwnFeedbackOut(Schema):
    month: str  # YYYY-MM
    city: str
    cases: int
    reward: str
    fraud_rewards: int
    fraud_reward: str
    corrected: bool


class CorrectionOut(Schema):
    at: str
    reason: str


class ReportOut(Schema):
    id: int
    month: str  # YYYY-MM
    city: str
    company: str
    rate: str
    rows: list[ReportRowOut]
    total_cases: int
    total_reward: str
    total_fraud_reward: str
    published: bool
    corrections: list[CorrectionOut]


# --- what it is sent -----------------------------------------------------------------------------------------------

# `details` is checked by the service (a small flat object, each fact named and bounded: services.clean_details),
# which names the offending fact in the error; the schema documents the shape.
Details = Annotated[
    dict[str, Any],
    WithJsonSchema({
        "type": "object", "maxProperties": DETAILS_MAX_KEYS,
        "propertyNames": {"pattern": "^[a-z][a-z0-9_]{0,39}$"},
        "additionalProperties": {"anyOf": [
            {"type": "boolean"},
            {"type": "integer", "minimum": -DETAIL_NUMBER_MAX, "maximum": DETAIL_NUMBER_MAX},
            {"type": "string", "maxLength": DETAIL_TEXT_MAX},
            {"type": "array", "maxItems": DETAIL_LIST_MAX,
             "items": {"type": "string", "maxLength": DETAIL_TEXT_MAX}},
        ]},
    }),
]  # fmt: skip


class AdjusterIn(Schema):
    full_name: Text(NAME_MAX, min_length=1)  # type: ignore[valid-type]
    id_number: Text(ID_NUMBER_MAX, min_length=1)  # type: ignore[valid-type]
    phone: Text(PHONE_MAX, min_length=1)  # type: ignore[valid-type]
    city: Text(CITY_CODE_MAX)  # type: ignore[valid-type]  # 621200 Longnan, 620500 Tianshui
    # Qualifications and equipment (R4, R5): education, mandarin, licence_class, licence_expiry, training,
    # knows_both_regions, vehicle_plate, vehicle_marked, equipment; each a yes/no, a whole number, a text or texts.
    details: Details = {}
    account: Text(150) = ""  # type: ignore[valid-type]  # the adjuster's own login, to log stops under the credential


class ReviewIn(Schema):
    decision: Literal["approve", "correct", "reject"]
    note: Text(NOTE_MAX) = ""  # type: ignore[valid-type]  # needed to ask for corrections or to reject


class ChangeIn(Schema):
    kind: Literal["left", "moved"]
    city: Text(CITY_CODE_MAX) = ""  # type: ignore[valid-type]  # the city moved to


class StopIn(Schema):
    kind: Literal["accident", "breakdown"]
    at: PastInstant
    services: Annotated[list[Literal[tuple(ServiceStop.Service.values)]], Field(max_length=len(ServiceStop.Service.values))] = []  # type: ignore[valid-type]  # fmt: skip
    credential_shown: bool = False
    customer_consented: bool = False
    county: Text(CITY_CODE_MAX) = ""  # type: ignore[valid-type]
    customer_insurer: Text(20) = ""  # type: ignore[valid-type]
    case: Text(CASE_NUMBER_MAX) = ""  # type: ignore[valid-type]
    latitude: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)] | None = None


class RatingIn(Schema):
    rating: Annotated[int, Field(ge=1, le=5, strict=True)]
    comment: Text(COMMENT_MAX) = ""  # type: ignore[valid-type]


# --- answers built from the register --------------------------------------------------------------------------------


def adjuster_view(adjuster: Adjuster) -> dict[str, Any]:
    return {
        "id": adjuster.pk, "name": mask_name(adjuster.full_name), "id_number": mask_id_number(adjuster.id_number),
        "company": adjuster.insurer.code, "city": adjuster.association.city.code, "status": adjuster.status,
        "review_note": adjuster.review_note,
        "credentials": [{"number": c.number, "valid_from": c.valid_from.isoformat(), "valid_until": c.valid_until.isoformat(),
                         "revoked": c.revoked_at is not None, "token": c.token if c.revoked_at is None else None}
                        for c in adjuster.credentials.all()],
    }  # fmt: skip


def _adjuster(request: HttpRequest, pk: int) -> Adjuster:
    """The entry as the caller may see it (404 otherwise); whether they may change it is the service's question."""
    adjuster = selectors.adjuster_get_for_user(user=request.user, pk=pk)
    if adjuster is None:
        raise not_found()
    return adjuster


def _once(
    request: HttpRequest, operation: str, body: Any, work: Callable[[], tuple[int, dict[str, Any]]]
) -> Status[Any]:
    """Run `work` once per Idempotency-Key of this caller and operation; a retry gets the first answer with 200.

    The stored answer is looked up first: approving or moving cannot be redone (the entry has changed state), so a
    retry must not run the work again to find out that it is one."""
    scope = f"user:{request.user.pk}:credentials.{operation}"
    return Status(*answer_once(scope=scope, key=request.headers.get("Idempotency-Key", ""), body=body, work=work))


# --- public ---------------------------------------------------------------------------------------------------------


def _verification_photo_url(request: HttpRequest, result: services.Verification) -> str | None:
    path = verification_photo_path(result)
    return request.build_absolute_uri(path) if path else None


@router.get("/verify", response=responses({200: VerificationOut}),
            summary="What a credential says, from its QR code's token or its number typed from the card")  # fmt: skip
def verify(request: HttpRequest, token: str = "", number: str = "") -> dict[str, Any]:
    if token:
        result = services.credential_verify(token[:2000])
    elif number:
        if not typed_check_allowed(request):
            raise AppError("too_many_checks", "查询过于频繁，请 10 分钟后再试",
                           "Too many checks from here: try again in 10 minutes", status=429, field="number")  # fmt: skip
        result = services.credential_verify_number(number[:100])
    else:
        raise AppError("required", "请提供二维码中的 token 或证件编号 number",
                       "give the QR code's token or the card's number", field="token")  # fmt: skip
    claims = result.claims
    return {
        "status": result.status,
        "credential": None if claims is None or result.status == "not_genuine" else
        {"number": claims.number, "holder": claims.holder, "company": claims.company,
         "company_name": result.company_name, "city": claims.city, "valid_from": claims.valid_from,
         "valid_until": claims.valid_until},
        "photo_url": _verification_photo_url(request, result),
    }  # fmt: skip


@router.get("/public-key", response=responses({200: PublicKeyOut}),
            summary="The associations' Ed25519 public key (PEM), for checking cards offline")  # fmt: skip
def public_key(request: HttpRequest) -> dict[str, str]:
    return {"algorithm": "Ed25519", "pem": keys.public_key_pem()}


# --- the register ---------------------------------------------------------------------------------------------------


@router.get("/adjusters", auth=API_AUTH, response=responses({200: list[AdjusterOut]}),
            summary="Adjusters in your scope (your company's, or your association's city's)")  # fmt: skip
def adjuster_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [adjuster_view(a) for a in selectors.adjuster_list_for_user(user=request.user)[:500]]


def adjuster_detail_view(request: HttpRequest, adjuster: Adjuster) -> dict[str, Any]:
    from django.urls import reverse

    from claimbridge.accounts.scope import scope_for

    scope = scope_for(request.user)
    personal = services.adjuster_personal_data(user=request.user, adjuster=adjuster, route="api")
    q = qualifications_of(adjuster.details or {})
    sees_photo = bool(adjuster.photo_name) and (
        scope.may_review_adjuster(adjuster) or scope.may_change_adjuster(adjuster)
    )
    return {
        **adjuster_view(adjuster), "company_name": adjuster.insurer.display_short_name,
        "personal": None if personal is None else {"full_name": personal.full_name, "id_number": personal.id_number,
                                                   "phone": personal.phone},
        "qualifications": {**{k: q[k] for k in ("mandarin", "licence_class", "licence_expiry", "licence_valid",
                                                "training", "knows_both_regions", "vehicle_plate", "vehicle_marked")},
                           "education": str((adjuster.details or {}).get("education", "")),
                           "equipment": {code: carried for code, _label, carried in q["equipment_codes"]}},
        "photo_url": request.build_absolute_uri(reverse("api:credentials_adjuster_photo", args=[adjuster.pk]))
        if sees_photo else None,
    }  # fmt: skip


@router.get("/adjusters/{pk}", auth=API_AUTH, response=responses({200: AdjusterDetailOut}),
            summary="One entry with its qualifications and equipment; in full for the reviewing association (recorded)")  # fmt: skip
def adjuster_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return adjuster_detail_view(request, _adjuster(request, pk))


@router.get("/adjusters/{pk}/photo", auth=API_AUTH, url_name="credentials_adjuster_photo", response=responses({}),
            openapi_extra=download_answer("image/jpeg", "The portrait (re-encoded, no metadata)"),
            summary="The entry's portrait, for the reviewing association and the entry's company (recorded)")  # fmt: skip
def adjuster_photo(request: HttpRequest, pk: int) -> HttpResponse:
    data = services.adjuster_portrait(user=request.user, adjuster=_adjuster(request, pk))
    if data is None:
        raise not_found()
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/me/card", auth=API_AUTH, response=responses({200: WorkCardOut}),
            summary="The signed-in adjuster's work card in force today, to show on arrival (R8)")  # fmt: skip
def work_card(request: HttpRequest) -> dict[str, Any]:
    from urllib.parse import urlencode

    from django.urls import reverse

    card = services.work_card_for(user=request.user)
    if card is None:
        raise not_found()
    credential, adjuster = card.credential, card.adjuster
    verify_url = request.build_absolute_uri(reverse("credential-verify") + "?" + urlencode({"t": credential.token}))
    return {"number": credential.number, "holder": adjuster.full_name, "company": adjuster.insurer.code,
            "company_name": adjuster.insurer.display_short_name, "association": adjuster.association.name,
            "valid_from": credential.valid_from, "valid_until": credential.valid_until, "token": credential.token,
            "verify_url": verify_url,
            "photo_url": request.build_absolute_uri(reverse("work-card-photo")) if adjuster.photo_name else None}  # fmt: skip


@router.post("/adjusters", auth=API_AUTH, response=responses({200: AdjusterOut, 201: AdjusterOut}),
             summary="A company submits an adjuster to its city's association (Idempotency-Key makes retries safe)")  # fmt: skip
def adjuster_submit(request: HttpRequest, payload: AdjusterIn) -> Status[Any]:
    def work() -> tuple[int, dict[str, Any]]:
        adjuster = services.adjuster_submit(user=request.user, full_name=payload.full_name, id_number=payload.id_number,
                                            phone=payload.phone, city_code=payload.city, details=payload.details,
                                            account=payload.account)  # fmt: skip
        return 201, adjuster_view(adjuster)

    return _once(request, "adjusters.submit", payload, work)


@router.post("/adjusters/{pk}/review", auth=API_AUTH, response=responses({200: AdjusterOut}),
             summary="The city's association approves (a credential is issued), asks for corrections or rejects")  # fmt: skip
def adjuster_review(request: HttpRequest, pk: int, payload: ReviewIn) -> Status[Any]:
    adjuster = _adjuster(request, pk)

    def work() -> tuple[int, dict[str, Any]]:
        services.adjuster_review(user=request.user, adjuster=adjuster, decision=payload.decision, note=payload.note)
        return 200, adjuster_view(_adjuster(request, pk))

    return _once(request, "adjusters.review", {"pk": pk, **payload.model_dump(mode="json")}, work)


@router.post("/adjusters/{pk}/change", auth=API_AUTH, response=responses({200: StaffChangeOut}),
             summary="The company reports that the adjuster left or moved city: the credential is revoked at once")  # fmt: skip
def adjuster_change(request: HttpRequest, pk: int, payload: ChangeIn) -> Status[Any]:
    adjuster = _adjuster(request, pk)

    def work() -> tuple[int, dict[str, Any]]:
        moved = services.staff_change(user=request.user, adjuster=adjuster, kind=payload.kind, city_code=payload.city)
        return 200, {"revoked": adjuster_view(_adjuster(request, pk)),
                     "new_submission": adjuster_view(moved) if moved else None}  # fmt: skip

    return _once(request, "adjusters.change", {"pk": pk, **payload.model_dump(mode="json")}, work)


# --- stops and ratings ----------------------------------------------------------------------------------------------


@router.post("/stops", auth=API_AUTH, response=responses({200: StopOut, 201: StopOut}),
             summary="An adjuster records a stop at an accident or breakdown (Idempotency-Key makes retries safe)")  # fmt: skip
def stop_record(request: HttpRequest, payload: StopIn) -> Status[Any]:
    def work() -> tuple[int, dict[str, Any]]:
        stop = services.stop_record(user=request.user, kind=payload.kind, at=payload.at, services=list(payload.services),
                                    credential_shown=payload.credential_shown, customer_consented=payload.customer_consented,
                                    county_code=payload.county, customer_insurer_code=payload.customer_insurer,
                                    case_number=payload.case, latitude=payload.latitude, longitude=payload.longitude)  # fmt: skip
        return 201, {"id": stop.pk, "other_company_customer": stop.other_company_customer,
                     "rating_url": request.build_absolute_uri(f"/credentials/rate/{stop.rating_token}/")}  # fmt: skip

    return _once(request, "stops.record", payload, work)


@router.post("/stops/rate/{token}", response=responses({200: RatingOut}),
             summary="The customer rates the adjuster's help (once; a second rating changes nothing)")  # fmt: skip
def stop_rate(request: HttpRequest, token: str, payload: RatingIn) -> dict[str, Any]:
    stop = services.stop_rate(token=token, rating=payload.rating, comment=payload.comment, user=request.user)
    return {"rating": stop.rating}


# --- monthly feedback -----------------------------------------------------------------------------------------------


@router.get("/reports", auth=API_AUTH, response=responses({200: list[ReportOut]}),
            summary="Monthly feedback (R15) in your scope")  # fmt: skip
def reports(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": r.pk, "month": f"{r.month:%Y-%m}", "city": r.association.city.code, "company": r.insurer.code,
             "rate": str(r.rate), "rows": r.rows, "total_cases": r.total_cases, "total_reward": str(r.total_reward),
             "total_fraud_reward": str(r.total_fraud_reward), "published": r.published_at is not None,
             "corrections": [{"at": c.at.isoformat(), "reason": c.reason} for c in r.corrections.all()]}
            for r in selectors.report_list_for_user(user=request.user)[:500]]  # fmt: skip


@router.get("/my-feedback", auth=API_AUTH, response=responses({200: list[OwnFeedbackOut]}),
            summary="An adjuster's own monthly feedback (R15), fraud rewards included")  # fmt: skip
def my_feedback(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"month": f"{line['month']:%Y-%m}", "city": line["city"].code, "cases": line["cases"],
             "reward": str(line["reward"]), "fraud_rewards": line["fraud_rewards"],
             "fraud_reward": str(line["fraud_reward"]), "corrected": line["corrected"]}
            for line in selectors.own_feedback_for_adjuster(user=request.user)]  # fmt: skip
