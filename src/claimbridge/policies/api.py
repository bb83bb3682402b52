"""/api/v1/policies/…: insurers' core systems load policies; anyone allowed looks a vehicle's cover up (B8, B9)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any, cast

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status
from ninja.errors import HttpError

from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.accounts.models import Role, User
from claimbridge.policies import selectors, services
from claimbridge.policies.models import LookupRoute, PolicyLoad
from claimbridge.rules.inputs import parse_document

router = Router(tags=["policies"], auth=API_AUTH)
MAX_ROWS_PER_REQUEST = 10_000


def load_out(load: PolicyLoad) -> dict[str, Any]:
    return {
        "id": load.pk, "status": load.status, "rows": load.rows_done, "created": load.rows_created,
        "changed": load.rows_changed, "unchanged": load.rows_unchanged, "rejected": load.rows_rejected,
        "errors": load.errors, "created_at": load.created_at, "finished_at": load.finished_at,
    }  # fmt: skip


@router.post(
    "", response={200: dict[str, Any], 201: dict[str, Any]}, summary="Load one policy or a batch ({\"policies\": […]}); Idempotency-Key makes a retry return the first answer",
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}, "example": {
        "policies": [{"policy_number": "TL2024000001", "branch": "621200", "cover_type": "ctpl", "plate": "甘K12345",
                      "vin": "LSVAM4187C2184847", "start": "2024-01-01", "end": "2024-12-31", "holder_name": "张三",
                      "holder_id_number": "34052419800101001X", "holder_phone": "13912345678"}]}}}}},
)  # fmt: skip
def policies_load(request: HttpRequest) -> Status[dict[str, Any]]:
    user = cast(User, request.user)
    if user.role != Role.INSURER_STAFF or user.insurer is None:
        raise HttpError(403, "forbidden")
    document = parse_document(request.body)
    rows = document.get("policies", [document]) if isinstance(document, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows) or not rows:
        raise HttpError(422, "invalid")
    if len(rows) > MAX_ROWS_PER_REQUEST:
        raise HttpError(422, "too many rows")
    load, existed = services.policy_load_start(insurer=user.insurer, user=user, source="api",
                                               idempotency_key=request.headers.get("Idempotency-Key", ""))  # fmt: skip
    if not existed:
        load = services.policy_rows_load(load=load, rows=rows, total=len(rows))
    return Status(200 if existed else 201, load_out(load))


@router.get("/loads/{load_id}", summary="One load's report")
def load_detail(request: HttpRequest, load_id: int) -> dict[str, Any]:
    load = selectors.load_get_for_user(user=request.user, load_id=load_id)
    if load is None:
        raise HttpError(404, "not found")
    return load_out(load)


@router.get(
    "/lookup",
    summary="Policies in force for a plate or VIN at an instant (own insurer's in full, others as on the agreement)",
)
def lookup(request: HttpRequest, plate: str = "", vin: str = "", at: datetime | None = None) -> list[dict[str, Any]]:
    instant = at or timezone.now()
    if timezone.is_naive(instant):
        instant = timezone.make_aware(instant)
    views = services.cover_look_up(user=request.user, plate=plate, vin=vin, at=instant, route=LookupRoute.API)
    return [{"view": "full" if isinstance(view, selectors.FullView) else "agreement", **asdict(view)} for view in views]
