"""Serving evidence: originals only as attachments to those who may see the case; derived images for display."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from PIL import Image

from claimbridge.evidence import selectors
from claimbridge.photos.match_picture import render_match


def _item(request: HttpRequest, item_id: int):  # type: ignore[no-untyped-def]
    item = selectors.evidence_item_get_for_user(user=request.user, item_id=item_id)
    if item is None:
        raise Http404
    return item


def original_response(request: HttpRequest, item_id: int) -> FileResponse:
    item = _item(request, item_id)
    stored = item.stored
    if stored.erased_at is not None or item.erased_at is not None:  # a tombstone (decision 0028): nothing to serve
        raise Http404
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


def match_picture_response(request: HttpRequest, match_id: int) -> HttpResponse:
    """Both photos of a reuse signal side by side, the verified points joined: drawn from the thumbnails (issue 14)."""
    match = selectors.reuse_match_get_for_committee(user=request.user, match_id=match_id)
    if match is None or not match.item.stored.thumbnail_name or not match.matched_item.stored.thumbnail_name:
        raise Http404
    pictures = []
    for stored in (match.item.stored, match.matched_item.stored):
        with default_storage.open(stored.thumbnail_name, "rb") as stream:
            pictures.append(Image.open(stream).convert("RGB"))
    response = HttpResponse(render_match(pictures[0], pictures[1], match.matched_points), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
