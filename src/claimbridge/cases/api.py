"""/api/v1/cases/…: reporting a case (retried safely with Idempotency-Key) and reading it (B8, B9)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

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


class CaseIn(Schema):
    county: str
    accident_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    crs: str = "wgs84"
    parties: list[PartyIn] = []


@router.post("", response={200: dict[str, Any], 201: dict[str, Any], 422: dict[str, Any]},
             summary="Report a case (a draft until complete); an Idempotency-Key makes retries return the same case")  # fmt: skip
def case_create(request: HttpRequest, payload: CaseIn) -> Status[dict[str, Any]]:
    user = cast(User, request.user)
    channel = REPORTER_ROLES.get(user.role)
    if channel is None:
        raise HttpError(403, "forbidden")
    county = reference.counties().get(payload.county)
    if county is None:
        raise HttpError(422, "county")

    scope, key = f"user:{user.pk}:cases.create", request.headers.get("Idempotency-Key", "")
    # Drawn before the transaction so the day's counter is not held while the case is written; a retry with a used
    # key leaves its number unused (numbers may have gaps, never repeats).
    number = services.case_number_draw(county=county, accident_at=payload.accident_at)

    def work() -> tuple[int, dict[str, Any]]:
        try:
            case = services.case_create(
                user=user, channel=channel, county=county, accident_at=payload.accident_at, latitude=payload.latitude,
                longitude=payload.longitude, crs=payload.crs, number=number,
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
