"""The card's portrait (R6): decided by the photos kernel, stored once by its hash; held aside under a signed token
while the rest of a refused form is corrected, so that the photo need not be chosen again (issue 13)."""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

from claimbridge.core.errors import AppError
from claimbridge.photos.errors import RejectedFile
from claimbridge.photos.portrait import PortraitLimits, portrait_jpeg

PENDING_SALT, PENDING_MAX_AGE = "credentials.pending-portrait", 24 * 3600


def portrait_check(upload: Any) -> bytes:
    """The card's photo as decided by the photos kernel: decoded safely, a 600 × 800 JPEG without metadata."""
    try:
        return portrait_jpeg(upload, PortraitLimits())
    except RejectedFile as refused:
        raise AppError(refused.code, refused.zh, refused.en, field="photo") from None


def portrait_save(data: bytes) -> str:
    """Stored once by its hash (the same photo submitted twice is one file)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = f"adjusters/photos/{hashlib.sha256(data).hexdigest()}.jpg"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
    return name


def portrait_hold(*, user: Any, data: bytes) -> str:
    """A portrait that passed the kernel while the rest of its form was refused: kept aside (re-encoded, without
    metadata) under a token signed for this user, so that the corrected form need not choose the photo again."""
    from django.core import signing
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    digest = hashlib.sha256(data).hexdigest()
    name = f"adjusters/pending/{digest}.jpg"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
    if secrets.randbelow(50) == 0:  # now and then, what no form can name any more goes
        pending_sweep()
    return signing.dumps({"u": user.pk, "h": digest}, salt=PENDING_SALT, compress=True)


def pending_sweep() -> int:
    """Remove held portraits older than their tokens (a day): the forms that chose them were abandoned."""
    from datetime import timedelta

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from claimbridge.core.storage import listdir

    cutoff, removed = timezone.now() - timedelta(seconds=PENDING_MAX_AGE), 0
    for name in listdir("adjusters/pending")[1]:
        path = f"adjusters/pending/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            removed += 1
    return removed


def pending_portrait(*, user: Any, token: str) -> bytes:
    """The held portrait a token names, for the user it was signed for, within a day; AppError on the photo."""
    from django.core import signing
    from django.core.files.storage import default_storage

    gone = AppError("photo_expired", "之前选择的照片已失效，请重新选择", "the photo chosen earlier expired: choose it again",
                    field="photo")  # fmt: skip
    if not isinstance(token, str) or len(token) > 300:
        raise gone
    try:
        held = signing.loads(token, salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
    except signing.BadSignature:
        raise gone from None
    digest = str(held.get("h", "")) if isinstance(held, dict) else ""
    if held.get("u") != getattr(user, "pk", None) or not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise gone
    name = f"adjusters/pending/{digest}.jpg"
    if not default_storage.exists(name):
        raise gone
    with default_storage.open(name, "rb") as stored:
        return bytes(stored.read())


def chosen_portrait(user: Any, photo: Any, token: str) -> bytes | None:
    """A new photo if one was chosen, else the one held from the earlier try, else none."""
    if photo is not None:
        return portrait_check(photo)
    return pending_portrait(user=user, token=token) if token else None


def stored_portrait(name: str) -> bytes | None:
    from django.core.files.storage import default_storage

    if not name or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as stored:
        return bytes(stored.read())
