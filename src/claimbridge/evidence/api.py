"""/api/v1/evidence/…: evidence files, uploads into slots, derived images and original downloads (B4, B8)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.core.errors import forbidden, not_found
from claimbridge.core.idempotency import fingerprint_of, run_once
from claimbridge.core.inputs import PastInstant, Text
from claimbridge.core.schemas import download_answer, responses
from claimbridge.evidence import downloads, selectors, services, uploads
from claimbridge.evidence.slots import SLOTS, required_slot_codes

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
    title: Text(120) = ""  # type: ignore[valid-type]
    accident_at: PastInstant | None = None  # with its zone; not in the future, not decades ago
    latitude: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)] | None = None
    crs: Literal["wgs84", "gcj02"] = "wgs84"
    insurers: Annotated[list[Text(20, min_length=1)], Field(max_length=10)] = []  # type: ignore[valid-type]


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
        raise not_found()
    return evidence_file


@router.get("/slots", response=responses({200: list[SlotOut]}), auth=None, summary="The photo slots a case asks for")
def slots(request: HttpRequest) -> list[dict[str, Any]]:
    required = set(required_slot_codes())
    return [
        {"code": slot.code, "name": str(slot.name), "hint": str(slot.hint), "per_party": slot.per_party,
         "video": slot.video, "required": slot.code in required, "example_url": slot.example_url}
        for slot in SLOTS
    ]  # fmt: skip


@router.get("/files", response=responses({200: list[FileOut]}), summary="Evidence files you may see")
def file_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [file_out(request.user, f) for f in selectors.evidence_file_list_for_user(user=request.user)[:100]]


@router.post("/files", response=responses({201: FileOut, 200: FileOut}),
             summary="Start an evidence file for an accident (Idempotency-Key: a retry answers 200 with the same file)")  # fmt: skip
def file_create(request: HttpRequest, payload: FileIn) -> Status[dict[str, Any]]:
    if not selectors.may_create(user=request.user):
        raise forbidden()

    def work() -> tuple[int, dict[str, Any]]:
        evidence_file = services.evidence_file_create(
            user=request.user, title=payload.title, accident_at=payload.accident_at, latitude=payload.latitude,
            longitude=payload.longitude, crs=payload.crs, insurers=services.insurers_by_code(payload.insurers),
        )  # fmt: skip
        return 201, FileOut.model_validate(file_out(request.user, evidence_file)).model_dump(mode="json")

    status, body, replayed = run_once(scope=f"user:{request.user.pk}:evidence.files",
                                      key=request.headers.get("Idempotency-Key", ""), work=work,
                                      fingerprint=fingerprint_of(payload))  # fmt: skip
    return Status(200 if replayed and status == 201 else status, body)


@router.get("/files/{reference}", response=responses({200: FileOut}),
            summary="One evidence file: slots, items, flags, reuse")  # fmt: skip
def file_detail(request: HttpRequest, reference: str) -> dict[str, Any]:
    return file_out(request.user, _file_or_404(request, reference))


@router.post("/files/{reference}/items", response=responses({201: ItemOut, 200: ItemOut}),
             summary="Upload a photo or video into a slot (multipart: `file`, or `upload`, the id of your complete "
                     "resumable upload; Idempotency-Key makes retries safe: the same file again answers 200 with the "
                     "first item, another file under the same key is refused)")  # fmt: skip
def item_upload(
    request: HttpRequest, reference: str, slot: Form[str], party: Form[str] = "", upload: Form[str] = "",
    file: File[UploadedFile | None] = None,
) -> Status[dict[str, Any]]:  # fmt: skip
    evidence_file = _file_or_404(request, reference)
    if not selectors.may_upload(user=request.user, evidence_file=evidence_file):
        raise forbidden()
    key = request.headers.get("Idempotency-Key", "")
    existed = selectors.item_ids(evidence_file)

    def store(whole: Any) -> Any:
        return services.evidence_item_upload(user=request.user, evidence_file=evidence_file, slot_code=slot,
                                             party=party, upload=whole, upload_key=key)  # fmt: skip

    item = uploads.consume_or_store(user=request.user, upload_id=upload, file=file, evidence_file=evidence_file,
                                    upload_key=key, store=store)  # fmt: skip
    shown = selectors.evidence_item_get_for_user(user=request.user, item_id=item.pk)
    if shown is None:
        raise not_found()
    return Status(200 if shown.pk in existed else 201, _item_out(shown, {}))


@router.get(
    "/items/{item_id}/original", url_name="evidence_original", response=responses({}),
    openapi_extra=download_answer("application/octet-stream", "The original, byte for byte"),
    summary="The original, byte for byte, as a download",
)  # fmt: skip
def original(request: HttpRequest, item_id: int) -> FileResponse:
    return downloads.original_response(request, item_id, route="api")


@router.get("/items/{item_id}/thumbnail", url_name="evidence_thumbnail", response=responses({}),
            openapi_extra=download_answer("image/jpeg", "A JPEG thumbnail"), summary="Thumbnail (re-encoded, no metadata)")  # fmt: skip
def thumbnail(request: HttpRequest, item_id: int) -> FileResponse:
    return downloads.derived_response(request, item_id, "thumbnail")


@router.get("/items/{item_id}/preview", url_name="evidence_preview", response=responses({}),
            openapi_extra=download_answer("image/jpeg", "A JPEG preview"), summary="Preview (re-encoded, no metadata)")  # fmt: skip
def preview(request: HttpRequest, item_id: int) -> FileResponse:
    return downloads.derived_response(request, item_id, "preview")
