"""/api/v1/credentials/…: the public check of a credential token and the associations' public key (R6)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.credentials import keys, selectors, services

router = Router(tags=["credentials"])


@router.get("/verify", summary="What a credential token says: genuine and current, revoked, expired or not genuine")
def verify(request: HttpRequest, token: str) -> dict[str, Any]:
    result = services.credential_verify(token[:2000])
    claims = result.claims
    return {
        "status": result.status,
        "credential": None if claims is None or result.status == "not_genuine" else
        {"number": claims.number, "holder": claims.holder, "company": claims.company, "city": claims.city,
         "valid_from": claims.valid_from, "valid_until": claims.valid_until},
    }  # fmt: skip


@router.get("/public-key", summary="The associations' Ed25519 public key (PEM), for checking cards offline")
def public_key(request: HttpRequest) -> dict[str, str]:
    return {"algorithm": "Ed25519", "pem": keys.public_key_pem()}


class AdjusterIn(Schema):
    full_name: str
    id_number: str
    phone: str
    city: str  # 621200 Longnan, 620500 Tianshui
    details: dict[str, Any] = {}  # education, mandarin, licence class and expiry, training, vehicle, equipment


class ReviewIn(Schema):
    decision: str  # approve | correct | reject
    note: str = ""


class ChangeIn(Schema):
    kind: str  # left | moved
    city: str = ""


class StopIn(Schema):
    kind: str
    at: datetime
    services: list[str] = []
    credential_shown: bool = False
    customer_consented: bool = False
    county: str = ""
    customer_insurer: str = ""
    case: str = ""
    latitude: float | None = None
    longitude: float | None = None


class RatingIn(Schema):
    rating: int
    comment: str = ""


RESPONSES = {200: dict[str, Any], 201: dict[str, Any], 404: dict[str, Any], 422: dict[str, Any]}


def _refused(error: services.RegisterError) -> Status[dict[str, Any]]:
    return Status(422, {"error": {"code": error.code, "zh": error.zh, "en": error.en}})


def adjuster_view(adjuster: Any) -> dict[str, Any]:
    from claimbridge.core.masking import mask_id_number, mask_name

    return {
        "id": adjuster.pk, "name": mask_name(adjuster.full_name), "id_number": mask_id_number(adjuster.id_number),
        "company": adjuster.insurer.code, "city": adjuster.association.city.code, "status": adjuster.status,
        "review_note": adjuster.review_note,
        "credentials": [{"number": c.number, "valid_from": c.valid_from.isoformat(), "valid_until": c.valid_until.isoformat(),
                         "revoked": c.revoked_at is not None, "token": c.token if c.revoked_at is None else None}
                        for c in adjuster.credentials.all()],
    }  # fmt: skip


@router.get(
    "/adjusters", auth=API_AUTH, summary="Adjusters in your scope (your company's, or your association's city's)"
)
def adjuster_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [adjuster_view(a) for a in selectors.adjuster_list_for_user(user=request.user)[:500]]


@router.post(
    "/adjusters", auth=API_AUTH, response=RESPONSES, summary="A company submits an adjuster to its city's association"
)
def adjuster_submit(request: HttpRequest, payload: AdjusterIn) -> Status[dict[str, Any]]:
    try:
        adjuster = services.adjuster_submit(user=request.user, full_name=payload.full_name, id_number=payload.id_number,
                                            phone=payload.phone, city_code=payload.city, details=payload.details)  # fmt: skip
    except services.RegisterError as error:
        return _refused(error)
    return Status(201, adjuster_view(adjuster))


def _adjuster(request: HttpRequest, pk: int) -> Any:
    adjuster = selectors.adjuster_get_for_user(user=request.user, pk=pk)
    if adjuster is None:
        raise HttpError(404, "not found")
    return adjuster


@router.post(
    "/adjusters/{pk}/review",
    auth=API_AUTH,
    response=RESPONSES,
    summary="The association approves, asks for corrections or rejects",
)
def adjuster_review(request: HttpRequest, pk: int, payload: ReviewIn) -> Status[dict[str, Any]]:
    adjuster = _adjuster(request, pk)
    try:
        services.adjuster_review(user=request.user, adjuster=adjuster, decision=payload.decision, note=payload.note)
    except services.RegisterError as error:
        return _refused(error)
    return Status(200, adjuster_view(_adjuster(request, pk)))


@router.post(
    "/adjusters/{pk}/change",
    auth=API_AUTH,
    response=RESPONSES,
    summary="The company reports that the adjuster left or moved city",
)
def adjuster_change(request: HttpRequest, pk: int, payload: ChangeIn) -> Status[dict[str, Any]]:
    adjuster = _adjuster(request, pk)
    try:
        moved = services.staff_change(user=request.user, adjuster=adjuster, kind=payload.kind, city_code=payload.city)
    except services.RegisterError as error:
        return _refused(error)
    return Status(
        200,
        {"revoked": adjuster_view(_adjuster(request, pk)), "new_submission": adjuster_view(moved) if moved else None},
    )


@router.post(
    "/stops", auth=API_AUTH, response=RESPONSES, summary="An adjuster records a stop at an accident or breakdown"
)
def stop_record(request: HttpRequest, payload: StopIn) -> Status[dict[str, Any]]:
    try:
        stop = services.stop_record(user=request.user, kind=payload.kind, at=payload.at, services=payload.services,
                                    credential_shown=payload.credential_shown, customer_consented=payload.customer_consented,
                                    county_code=payload.county, customer_insurer_code=payload.customer_insurer,
                                    case_number=payload.case, latitude=payload.latitude, longitude=payload.longitude)  # fmt: skip
    except services.RegisterError as error:
        return _refused(error)
    return Status(201, {"id": stop.pk, "other_company_customer": stop.other_company_customer,
                        "rating_url": request.build_absolute_uri(f"/credentials/rate/{stop.rating_token}/")})  # fmt: skip


@router.post("/stops/rate/{token}", response=RESPONSES, summary="The customer rates the adjuster's help (once)")
def stop_rate(request: HttpRequest, token: str, payload: RatingIn) -> Status[dict[str, Any]]:
    try:
        stop = services.stop_rate(token=token, rating=payload.rating, comment=payload.comment)
    except services.RegisterError as error:
        return _refused(error)
    return Status(200, {"rating": stop.rating})


@router.get("/reports", auth=API_AUTH, summary="Monthly feedback (R15) in your scope")
def reports(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": r.pk, "month": f"{r.month:%Y-%m}", "city": r.association.city.code, "company": r.insurer.code,
             "rate": str(r.rate), "rows": r.rows, "total_cases": r.total_cases, "total_reward": str(r.total_reward),
             "published": r.published_at is not None, "corrections": [{"at": c.at.isoformat(), "reason": c.reason}
                                                                      for c in r.corrections.all()]}
            for r in selectors.report_list_for_user(user=request.user)[:500]]  # fmt: skip
