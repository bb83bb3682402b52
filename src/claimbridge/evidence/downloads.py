"""Serving evidence: originals only as attachments to those who may see the case; derived images for display."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest

from claimbridge.evidence import selectors


def _item(request: HttpRequest, item_id: int):  # type: ignore[no-untyped-def]
    item = selectors.evidence_item_get_for_user(user=request.user, item_id=item_id)
    if item is None:
        raise Http404
    return item


def original_response(request: HttpRequest, item_id: int) -> FileResponse:
    item = _item(request, item_id)
    stored = item.stored
    name = f"{item.file.reference}-{item.slot}{item.party}-{stored.sha256[:8]}.{stored.storage_name.rsplit('.', 1)[-1]}"
    response = FileResponse(default_storage.open(stored.storage_name, "rb"), as_attachment=True, filename=name,
                            content_type="application/octet-stream")  # fmt: skip
    # Never rendered by the browser, whatever the bytes are: a download, sandboxed if opened anyway.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Digest"] = f"sha-256={stored.sha256}"
    return response


def derived_response(request: HttpRequest, item_id: int, which: str) -> FileResponse:
    item = _item(request, item_id)
    name = item.stored.thumbnail_name if which == "thumbnail" else item.stored.preview_name
    if not name:
        raise Http404
    response = FileResponse(default_storage.open(name, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response
