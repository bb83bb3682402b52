"""/api/v1/policies/…: insurers' core systems load policies; those allowed look a vehicle's cover up (B8, B9).

A request whose values do not fit (a type, a length, a date outside the years policies are written for, an amount
above `settings.MONEY_MAX_YUAN`) is refused whole with 422 and loads nothing. Values that fit but fail a check of the
register (a plate, a VIN check digit, an unknown branch, an end before the start) reject their row only: the load's
report names the row, the field and the reason in Chinese and English.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal, cast

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, model_validator

from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.accounts.models import Role, User
from claimbridge.core.errors import forbidden, not_found
from claimbridge.core.idempotency import clean_key, fingerprint_of
from claimbridge.core.inputs import Money
from claimbridge.core.schemas import responses
from claimbridge.policies import selectors, services
from claimbridge.policies.models import LookupRoute, PolicyLoad
from claimbridge.policies.rows import CHINA, EARLIEST, LATEST, parse_instant, plausible

router = Router(tags=["policies"], auth=API_AUTH)
MAX_ROWS_PER_REQUEST = 10_000


def _instant_text(value: Any) -> str:
    """A date (`2024-01-01`) or a date and time (`2024-03-15 14:20`, `…T14:20:00+08:00`) as the register reads it."""
    if not isinstance(value, str):
        raise ValueError("give a date as YYYY-MM-DD, or a date and time")
    try:
        parse_instant(value, end_of_day=False)
        parse_instant(value, end_of_day=True)
    except ValueError:
        raise ValueError(
            f"is not a valid date or time between {EARLIEST.year} and {LATEST.year - 1} (YYYY-MM-DD or ISO 8601)"
        ) from None
    return value


# A date or an instant of a policy, kept as sent: the register decides what a bare date means (00:00 or 24:00).
PolicyInstant = Annotated[str, BeforeValidator(_instant_text), Field(max_length=40)]


class PolicyIn(Schema):
    """One policy as the register takes it (the same columns as a file). Dates run from 00:00 of the first day to
    24:00 of the last, China time; a time of day, when given, is taken as it is. Lengths are the columns'; control
    characters and lone surrogates never get this far (the API's JSON parser refuses them)."""

    model_config = ConfigDict(extra="forbid")

    policy_number: str = Field(max_length=40)
    branch: str = Field(max_length=6)  # the 6-digit division code of the branch that wrote it (city or county)
    cover_type: str = Field(max_length=20)  # ctpl, third_party, own_damage, other (or 交强险, 商业三者险, 车损险)
    cover_name: str = Field("", max_length=60)
    plate: str = Field(max_length=12)
    vin: str = Field("", max_length=17)
    vehicle_type: str = Field("", max_length=40)
    limit: Money | None = None  # 商业三者险: its limit in yuan
    start: PolicyInstant
    end: PolicyInstant
    status: str = Field("", max_length=20)  # in_force (default) or cancelled
    cancelled_at: PolicyInstant | None = None
    endorsement_at: PolicyInstant | None = None
    holder_name: str = Field("", max_length=100)
    holder_id_number: str = Field("", max_length=18)
    holder_phone: str = Field("", max_length=11)
    insured_name: str = Field("", max_length=100)
    insured_id_number: str = Field("", max_length=18)
    insured_phone: str = Field("", max_length=11)

    def as_row(self) -> dict[str, str]:
        return {name: str(value) for name, value in self.model_dump(exclude_none=True).items()}


class PolicyBatchIn(BaseModel):
    """`{"policies": [...]}`, or one policy on its own (read as a batch of one). A plain pydantic model: ninja's
    Schema would hand the before-validator its attribute getter instead of the body."""

    model_config = ConfigDict(extra="forbid")

    policies: list[PolicyIn] = Field(min_length=1, max_length=MAX_ROWS_PER_REQUEST)

    @model_validator(mode="before")
    @classmethod
    def one_policy_is_a_batch_of_one(cls, data: Any) -> Any:
        if isinstance(data, dict) and "policies" not in data:
            return {"policies": [data]}
        return data


class RowErrorOut(Schema):
    row: int  # as a spreadsheet numbers it: the header is row 1
    field: str
    code: str
    zh: str
    en: str


class PolicyLoadOut(Schema):
    id: int
    status: Literal["queued", "running", "done", "failed"]
    rows: int
    created: int
    changed: int
    unchanged: int
    rejected: int
    errors: list[RowErrorOut]
    created_at: datetime
    finished_at: datetime | None


class FullCoverOut(Schema):
    """Own company's policy (the platform's operators read every policy so): personal data masked."""

    view: Literal["full"]
    insurer: str
    insurer_code: str
    policy_number: str
    cover_type: str
    cover_name: str
    written_in: str  # city code where the policy was written
    plate: str
    vin: str
    vehicle_type: str
    limit: str | None
    cover_from: datetime
    cover_until: datetime  # exclusive
    cancelled_at: datetime | None
    holder_name: str
    holder_id_number: str
    holder_phone: str
    insured_name: str
    insured_id_number: str
    insured_phone: str


class AgreementCoverOut(Schema):
    """Another company's vehicle, as the accident agreement shows it: the insurer and the 交强险 number."""

    view: Literal["agreement"]
    insurer: str
    insurer_code: str
    cover_type: Literal["ctpl"]
    policy_number: str


CoverOut = Annotated[FullCoverOut | AgreementCoverOut, Field(discriminator="view")]


def _lookup_instant(value: datetime) -> datetime:
    if timezone.is_naive(value):
        value = value.replace(tzinfo=CHINA)
    if not plausible(value):
        raise ValueError(f"ask about an instant between {EARLIEST.year} and {LATEST.year - 1}")
    return value


LookupInstant = Annotated[datetime, AfterValidator(_lookup_instant)]


def load_out(load: PolicyLoad) -> PolicyLoadOut:
    return PolicyLoadOut(
        id=load.pk, status=cast(Any, load.status), rows=load.rows_done, created=load.rows_created, changed=load.rows_changed,
        unchanged=load.rows_unchanged, rejected=load.rows_rejected, errors=load.errors, created_at=load.created_at,
        finished_at=load.finished_at,
    )  # fmt: skip


EXAMPLE = {
    "policies": [{"policy_number": "TL2024000001", "branch": "621200", "cover_type": "ctpl", "plate": "甘K12345",
                  "vin": "LSVAM4187C2184847", "start": "2024-01-01", "end": "2024-12-31", "holder_name": "张三",
                  "holder_id_number": "34052419800101001X", "holder_phone": "13912345678"}]
}  # fmt: skip


@router.post(
    "",
    response=responses({200: PolicyLoadOut, 201: PolicyLoadOut}),
    summary='Load one policy or a batch ({"policies": […]}); Idempotency-Key makes a retry return the first answer',
    openapi_extra={"requestBody": {"content": {"application/json": {"example": EXAMPLE}}}},
)
def policies_load(request: HttpRequest, payload: PolicyBatchIn) -> Status[PolicyLoadOut]:
    user = cast(User, request.user)
    if user.role != Role.INSURER_STAFF or user.insurer is None:
        raise forbidden()
    load, existed = services.policy_batch_load(
        insurer=user.insurer,
        user=user,
        rows=[policy.as_row() for policy in payload.policies],
        idempotency_key=clean_key(request.headers.get("Idempotency-Key", "")),
        fingerprint=fingerprint_of(payload),
    )
    return Status(200 if existed else 201, load_out(load))


@router.get("/loads/{load_id}", response=responses({200: PolicyLoadOut}), summary="One load's report")
def load_detail(request: HttpRequest, load_id: int) -> PolicyLoadOut:
    load = selectors.load_get_for_user(user=request.user, load_id=load_id)
    if load is None:
        raise not_found()
    return load_out(load)


@router.get(
    "/lookup",
    response=responses({200: list[CoverOut]}),
    summary="Policies in force for a plate or VIN at an instant: own company's in full; another company's vehicle "
    "only when it is a party on one of your cases, and then only its 交强险 as on the agreement; every lookup is "
    "recorded",
)
def lookup(
    request: HttpRequest,
    plate: Annotated[str, Field(max_length=20)] = "",
    vin: Annotated[str, Field(max_length=17)] = "",
    at: LookupInstant | None = None,
) -> list[FullCoverOut | AgreementCoverOut]:
    instant = at or timezone.now()
    views = services.cover_look_up(user=request.user, plate=plate, vin=vin, at=instant, route=LookupRoute.API)
    return [
        FullCoverOut(view="full", **asdict(view))
        if isinstance(view, selectors.FullView)
        else AgreementCoverOut(view="agreement", **asdict(view))
        for view in views
    ]
