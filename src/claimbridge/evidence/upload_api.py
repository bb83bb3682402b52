"""/api/v1/uploads: resumable uploads (decision 0025, B7, R9) — start one, ask how far it got, send the next part.

The protocol borrows tus 1.0's core (an offset the server keeps, `Upload-Offset` on every part, a part refused unless
it starts exactly there) with JSON answers, our sign-in and our error body. A complete upload is then named by its id
(`upload=<id>`) instead of a file in `POST /api/v1/evidence/files/{reference}/items` or
`POST /api/v1/fraud/clues/{number}/photos`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from django.http import HttpRequest
from ninja import HeaderEx, P, Router, Schema, Status
from pydantic import Field

from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.core.errors import forbidden, not_found
from claimbridge.core.idempotency import fingerprint_of, run_once
from claimbridge.core.inputs import Text
from claimbridge.core.schemas import ErrorOut, StrictIn, responses
from claimbridge.evidence import errors, selectors, uploads
from claimbridge.evidence.models import Upload

router = Router(tags=["uploads"], auth=API_AUTH)


class UploadIn(StrictIn):
    length: Annotated[int, Field(ge=1, description="the whole file's size in bytes")]
    content_type: Text(100) = ""  # type: ignore[valid-type]
    filename: Text(255) = ""  # type: ignore[valid-type]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-fA-F]{64}$")] | None = None


class UploadOut(Schema):
    id: UUID
    offset: int  # bytes received so far: the next part starts here
    length: int
    complete: bool
    expires_at: datetime
    max_part_size: int  # the largest part the server takes, in bytes


class PartOut(Schema):
    offset: int
    length: int
    complete: bool


def _out(upload: Upload) -> dict[str, Any]:
    return {"id": upload.pk, "offset": upload.offset, "length": upload.length, "complete": upload.complete,
            "expires_at": upload.expires_at, "max_part_size": uploads.max_part_size()}  # fmt: skip


def _own(request: HttpRequest, upload_id: str) -> Upload:
    upload = uploads.upload_get_for_user(user=request.user, upload_id=upload_id)
    if upload is None:
        raise not_found()
    return upload


@router.post("", response=responses({201: UploadOut, 200: UploadOut, 413: ErrorOut}),
             summary="Start a resumable upload (Idempotency-Key required: a retry answers 200 with the same upload, "
                     "as it stands now)")  # fmt: skip
def upload_start(request: HttpRequest, payload: UploadIn) -> Status[dict[str, Any]]:
    if not selectors.may_create(user=request.user):
        raise forbidden()
    key = request.headers.get("Idempotency-Key", "")
    if not key:
        raise errors.upload_key_required()

    def work() -> tuple[int, dict[str, Any]]:
        upload = uploads.upload_create(user=request.user, length=payload.length, content_type=payload.content_type,
                                       filename=payload.filename, sha256=payload.sha256 or "")  # fmt: skip
        return 201, {"id": str(upload.pk)}

    status, body, replayed = run_once(scope=f"user:{request.user.pk}:evidence.uploads", key=key, work=work,
                                      fingerprint=fingerprint_of(payload))  # fmt: skip
    return Status(200 if replayed else status, _out(_own(request, body["id"])))


@router.get("/{upload_id}", response=responses({200: UploadOut}),
            summary="How far a resumable upload got (its owner only): resume from `offset`")  # fmt: skip
def upload_state(request: HttpRequest, upload_id: str) -> dict[str, Any]:
    return _out(_own(request, upload_id))


PART_BODY = {
    "requestBody": {
        "required": True,
        "description": "The part's bytes, starting at Upload-Offset",
        "content": {media: {"schema": {"type": "string", "format": "binary"}} for media in sorted(uploads.PART_TYPES)},
    }
}


@router.patch("/{upload_id}", response=responses({200: PartOut, 413: ErrorOut, 415: ErrorOut}), openapi_extra=PART_BODY,
              summary="Send the next part (raw bytes; Upload-Offset must equal the upload's offset, else 409 with it "
                      "in error.details.offset and nothing written)")  # fmt: skip
def upload_part(
    request: HttpRequest, upload_id: str,
    upload_offset: HeaderEx[str, P(alias="Upload-Offset", description="where this part starts, in bytes")] = "",
) -> dict[str, Any]:  # fmt: skip
    if (request.content_type or "") not in uploads.PART_TYPES:
        raise errors.bad_part_type()
    if not upload_offset.isdigit() or len(upload_offset) > 15:
        raise errors.bad_upload_offset()
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise errors.part_cut_short() from None
    upload = uploads.upload_append(user=request.user, upload_id=upload_id, offset=int(upload_offset), stream=request,
                                   size=size)  # fmt: skip
    return {"offset": upload.offset, "length": upload.length, "complete": upload.complete}
