"""/api/v1/evidence/…: evidence files, uploads into slots, derived images and original downloads (B4, B8)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.evidence import downloads, errors, selectors, services
from claimbridge.evidence.slots import SLOTS, required_slot_codes
from claimbridge.organisations.models import Insurer

router = Router(tags=["evidence"], auth=API_AUTH)


class SlotOut(Schema):
    code: str
    name: str
    hint: str
    per_party: bool
    video: bool
    required: bool
    example_url: str


class FileIn(Schema):
    title: str = ""
    accident_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    crs: str = "wgs84"
    insurers: list[str] = []


class FlagOut(Schema):
    code: str
    severity: str
    zh: str
    en: str


class MatchOut(Schema):
    distance: int
    identical: bool
    other_reference: str | None


class ItemOut(Schema):
    id: int
    slot: str
    party: str
    kind: str
    sha256: str
    size: int
    original_name: str
    uploaded_at: datetime
    thumbnail_url: str | None
    preview_url: str | None
    original_url: str
    processed: bool
    flags: list[FlagOut]
    reuse: list[MatchOut]


class FileOut(Schema):
    reference: str
    title: str
    accident_at: datetime | None
    latitude: float | None
    longitude: float | None
    crs: str
    insurers: list[str]
    missing_required: list[str]
    items: list[ItemOut]


def _item_out(item: Any, matches: dict[int, list[selectors.MatchView]]) -> dict[str, Any]:
    stored = item.stored
    return {
        "id": item.pk, "slot": item.slot, "party": item.party, "kind": stored.kind, "sha256": stored.sha256,
        "size": stored.size, "original_name": item.original_name, "uploaded_at": item.uploaded_at,
        "thumbnail_url": reverse("api:evidence_thumbnail", args=[item.pk]) if stored.thumbnail_name else None,
        "preview_url": reverse("api:evidence_preview", args=[item.pk]) if stored.preview_name else None,
        "original_url": reverse("api:evidence_original", args=[item.pk]),
        "processed": stored.processed_at is not None or stored.kind != "image",
        "flags": [_flag(flag) for flag in selectors.item_flags(item)],
        "reuse": [asdict(match) for match in matches.get(item.pk, [])],
    }  # fmt: skip


def _flag(flag: Any) -> dict[str, str]:
    return {"code": flag.code, "severity": flag.severity, "zh": flag.zh, "en": flag.en}


def file_out(user: Any, evidence_file: Any) -> dict[str, Any]:
    views = selectors.slot_views(evidence_file)
    items = [item for view in views for item in view.items]
    matches = selectors.matches_for_items(user=user, items=items)
    return {
        "reference": evidence_file.reference, "title": evidence_file.title, "accident_at": evidence_file.accident_at,
        "latitude": evidence_file.accident_latitude, "longitude": evidence_file.accident_longitude,
        "crs": evidence_file.accident_crs, "insurers": [insurer.code for insurer in evidence_file.insurers.all()],
        "missing_required": [view.key for view in views if view.missing],
        "items": [_item_out(item, matches) for item in items],
    }  # fmt: skip


def _file_or_404(request: HttpRequest, reference: str) -> Any:
    evidence_file = selectors.evidence_file_get_for_user(user=request.user, reference=reference)
    if evidence_file is None:
        raise HttpError(404, "not found")
    return evidence_file


def _refused(request: HttpRequest, error: errors.EvidenceError, status: int = 422) -> HttpResponse:
    from claimbridge.api import api

    return api.create_response(request, errors.error_body(error), status=status)


@router.get("/slots", response=list[SlotOut], auth=None, summary="The photo slots a case asks for")
def slots(request: HttpRequest) -> list[dict[str, Any]]:
    required = set(required_slot_codes())
    return [
        {"code": slot.code, "name": str(slot.name), "hint": str(slot.hint), "per_party": slot.per_party,
         "video": slot.video, "required": slot.code in required, "example_url": slot.example_url}
        for slot in SLOTS
    ]  # fmt: skip


@router.get("/files", response=list[FileOut], summary="Evidence files you may see")
def file_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [file_out(request.user, f) for f in selectors.evidence_file_list_for_user(user=request.user)[:100]]


@router.post("/files", response={201: FileOut}, summary="Start an evidence file for an accident")
def file_create(request: HttpRequest, payload: FileIn) -> Status[dict[str, Any]]:
    if not selectors.may_create(user=request.user):
        raise HttpError(403, "forbidden")
    if payload.crs not in {"wgs84", "gcj02"}:
        raise HttpError(422, "crs")
    insurers = list(Insurer.objects.filter(code__in=payload.insurers))
    evidence_file = services.evidence_file_create(
        user=request.user, title=payload.title, accident_at=payload.accident_at, latitude=payload.latitude,
        longitude=payload.longitude, crs=payload.crs, insurers=insurers,
    )  # fmt: skip
    return Status(201, file_out(request.user, evidence_file))


@router.get("/files/{reference}", response=FileOut, summary="One evidence file: slots, items, flags, reuse")
def file_detail(request: HttpRequest, reference: str) -> dict[str, Any]:
    return file_out(request.user, _file_or_404(request, reference))


@router.post("/files/{reference}/items", response={201: ItemOut, 200: ItemOut, 422: dict[str, Any]},
             summary="Upload a photo or video into a slot (multipart; Idempotency-Key makes retries safe)")  # fmt: skip
def item_upload(
    request: HttpRequest, reference: str, file: File[UploadedFile], slot: Form[str], party: Form[str] = ""
) -> Any:
    evidence_file = _file_or_404(request, reference)
    if not selectors.may_upload(user=request.user, evidence_file=evidence_file):
        raise HttpError(403, "forbidden")
    key = request.headers.get("Idempotency-Key", "")
    existed = bool(key) and evidence_file.items.filter(upload_key=key[:80]).exists()
    try:
        item = services.evidence_item_upload(
            user=request.user, evidence_file=evidence_file, slot_code=slot, party=party, upload=file, upload_key=key
        )
    except errors.EvidenceError as error:
        return _refused(request, error)
    item = get_object_or_404(type(item).objects.select_related("stored", "file"), pk=item.pk)
    return Status(200 if existed else 201, _item_out(item, {}))


@router.get(
    "/items/{item_id}/original", url_name="evidence_original", summary="The original, byte for byte, as a download"
)
def original(request: HttpRequest, item_id: int) -> FileResponse:
    return downloads.original_response(request, item_id)


@router.get("/items/{item_id}/thumbnail", url_name="evidence_thumbnail", summary="Thumbnail (re-encoded, no metadata)")
def thumbnail(request: HttpRequest, item_id: int) -> FileResponse:
    return downloads.derived_response(request, item_id, "thumbnail")


@router.get("/items/{item_id}/preview", url_name="evidence_preview", summary="Preview (re-encoded, no metadata)")
def preview(request: HttpRequest, item_id: int) -> FileResponse:
    return downloads.derived_response(request, item_id, "preview")
