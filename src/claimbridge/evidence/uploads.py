"""Resumable uploads (decision 0025, B7, R9): a photo or video sent in parts over a signal that comes and goes, then
consumed into one evidence item exactly as if it had been uploaded whole.

The database row is the authority on how much has arrived (`offset`); each part is a storage object of its own under
`uploads/<id>/` (no storage can append, S3 included), listed on the row in order. A part is appended only where the
upload stands: its body is read into a spool first (a slow signal holds no lock), then, with the row locked, saved and
the offset moved by a conditional update, so two copies of one part never both count. Anything else is refused with
the current offset, which is how a client resumes after a lost answer: nothing is ever written twice.

The parts live outside `evidence/`, whose orphan sweep would take them for orphans; `uploads_sweep` removes uploads
past their expiry, with their parts.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import tempfile
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from claimbridge.core.errors import AppError, not_found
from claimbridge.core.inputs import unsafe_text
from claimbridge.core.storage import listdir
from claimbridge.evidence import errors
from claimbridge.evidence.models import EvidenceFile, EvidenceItem, Upload, UploadEvent
from claimbridge.evidence.services import upload_limits

logger = logging.getLogger("claimbridge.evidence.uploads")


class Readable(Protocol):
    """What a part is read from: the request (HttpRequest.read) or any binary stream."""

    def read(self, size: int = ..., /) -> bytes: ...


PART_ROOT = "uploads"
READ_SIZE = 1 << 20
PART_TYPES = frozenset({"application/offset+octet-stream", "application/octet-stream"})


def max_part_size() -> int:
    return settings.EVIDENCE_UPLOAD_MAX_PART_MB * 1024 * 1024


def _expiry() -> Any:
    return timezone.now() + timedelta(hours=settings.EVIDENCE_UPLOAD_EXPIRY_HOURS)


def _event(kind: str, upload: Upload, actor: Any, **data: Any) -> None:
    UploadEvent.objects.create(kind=kind, upload_id=upload.pk, actor=actor, data=data)


def _clean(text: str, limit: int) -> str:
    return "".join(ch for ch in (text or "") if not unsafe_text(ch))[:limit]


def _too_many() -> AppError:
    limit = settings.EVIDENCE_UPLOADS_OPEN_MAX
    return AppError("too_many_uploads", f"未完成的上传已有 {limit} 个：请先完成或等待其过期",
                    f"You have {limit} uploads under way: finish them or let them expire first.", status=429,
                    field="upload")  # fmt: skip


def upload_create(*, user: Any, length: int, content_type: str = "", filename: str = "", sha256: str = "") -> Upload:
    """A new upload of `length` bytes, owned by `user`; refused when larger than an evidence file may be."""
    limit = upload_limits().max_bytes
    if length > limit:
        raise errors.upload_too_large(settings.EVIDENCE_MAX_UPLOAD_MB)
    if length < 1:
        raise errors.no_file()
    with transaction.atomic():
        open_now = Upload.objects.filter(owner=user, consumed_at__isnull=True, expires_at__gt=timezone.now())
        if open_now.count() >= settings.EVIDENCE_UPLOADS_OPEN_MAX:
            raise _too_many()
        upload = Upload.objects.create(
            owner=user, length=length, content_type=_clean(content_type, 100), filename=_clean(filename, 255),
            declared_sha256=(sha256 or "").lower(), expires_at=_expiry(),
        )  # fmt: skip
        _event("created", upload, user, length=length, filename=upload.filename)
    return upload


def upload_get_for_user(*, user: Any, upload_id: Any, for_update: bool = False) -> Upload | None:
    """The caller's own upload, not yet expired; anyone else's does not exist for them."""
    try:
        pk = uuid.UUID(str(upload_id))
    except ValueError:
        return None
    if not getattr(user, "is_authenticated", False):
        return None
    uploads = Upload.objects.filter(pk=pk, owner=user, expires_at__gt=timezone.now())
    return (uploads.select_for_update() if for_update else uploads).first()


def _spooled(stream: Readable, size: int) -> Any:
    """The part's bytes, read from the request into a temporary file; refused when fewer than announced arrive."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller, who closes it
    left = size
    try:
        while left > 0:
            chunk = stream.read(min(READ_SIZE, left))
            if not chunk:
                raise errors.part_cut_short()
            spool.write(chunk)
            left -= len(chunk)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool


def _delete_quietly(names: list[str]) -> None:
    for name in names:
        try:
            if default_storage.exists(name):
                default_storage.delete(name)
        except Exception:  # the expiry sweep removes the upload's directory anyway
            logger.warning("could not remove upload part %s", name, exc_info=True)


def _undo_part(upload_id: Any, names: list[str]) -> None:
    """After a failed append: remove the part unless the upload's committed row lists it (a commit cut off by a lost
    connection may have succeeded though it raised); when the database cannot answer, the expiry sweep removes it."""
    try:
        listed = {part[2] for part in Upload.objects.filter(pk=upload_id).values_list("parts", flat=True).first() or []}
    except DatabaseError:
        logger.warning("database unreachable after a failed append: part left to the expiry sweep")
        return
    _delete_quietly([name for name in names if name not in listed])


def _digest(names: list[str]) -> str:
    digest = hashlib.sha256()
    for name in names:
        with default_storage.open(name, "rb") as stream:
            for chunk in iter(lambda: stream.read(READ_SIZE), b""):
                digest.update(chunk)
    return digest.hexdigest()


def _part_names(upload: Upload) -> list[str]:
    return [name for _offset, _size, name in upload.parts]


def _complete(upload: Upload, user: Any) -> bool:
    """The last part arrived (in the caller's transaction): the whole is hashed; a SHA-256 declared at the start that
    differs empties the upload (False), else it is complete (True)."""
    digest = _digest(_part_names(upload))
    if upload.declared_sha256 and digest != upload.declared_sha256:
        names = _part_names(upload)
        upload.offset, upload.parts = 0, []
        upload.save(update_fields=["offset", "parts"])
        _event("reset", upload, user, reason="checksum", received_sha256=digest)
        transaction.on_commit(lambda: _delete_quietly(names))
        return False
    upload.sha256, upload.completed_at, upload.expires_at = digest, timezone.now(), _expiry()
    upload.save(update_fields=["sha256", "completed_at", "expires_at"])
    _event("completed", upload, user, sha256=digest, length=upload.length, parts=len(upload.parts))
    return True


def upload_append(*, user: Any, upload_id: Any, offset: int, stream: Readable, size: int) -> Upload:
    """Append `size` bytes read from `stream` at `offset`, which must be where the upload stands (else 409 with the
    current offset, nothing written). The last part completes the upload (422 and emptied if its SHA-256 differs)."""
    upload = upload_get_for_user(user=user, upload_id=upload_id)
    if upload is None:
        raise not_found()
    if offset != upload.offset:
        raise errors.upload_offset_mismatch(upload.offset)
    remaining = upload.length - offset
    if size > remaining:
        raise errors.part_too_long(remaining)
    if size > max_part_size():
        raise AppError("upload_part_too_long", f"每段最多 {settings.EVIDENCE_UPLOAD_MAX_PART_MB} MB",
                       f"A part is at most {settings.EVIDENCE_UPLOAD_MAX_PART_MB} MB.", status=413,
                       field="Content-Length", details={"max_part_size": max_part_size()})  # fmt: skip
    if size == 0:
        return upload
    reset = False
    with _spooled(stream, size) as spool:
        saved: list[str] = []
        try:
            with transaction.atomic():
                locked = upload_get_for_user(user=user, upload_id=upload.pk, for_update=True)
                if locked is None:
                    raise not_found()
                if locked.offset != offset:  # another copy of this part got in first
                    raise errors.upload_offset_mismatch(locked.offset)
                name = f"{PART_ROOT}/{locked.pk}/{offset:012d}-{secrets.token_hex(4)}.part"
                saved.append(name)
                stored_as = default_storage.save(name, File(spool, name=name))
                saved.append(stored_as)
                parts = [*locked.parts, [offset, size, stored_as]]
                if not Upload.objects.filter(pk=locked.pk, offset=offset).update(offset=offset + size, parts=parts):
                    current = Upload.objects.filter(pk=locked.pk).values_list("offset", flat=True).first()
                    raise errors.upload_offset_mismatch(current or 0)
                locked.offset, locked.parts = offset + size, parts
                if locked.offset == locked.length:
                    reset = not _complete(locked, user)
                upload = locked
        except BaseException:
            _undo_part(upload.pk, list(dict.fromkeys(saved)))
            raise
    if reset:
        raise errors.upload_checksum_mismatch()
    return upload


def _assembled(upload: Upload, names: list[str]) -> TemporaryUploadedFile:
    """The whole file, as Django hands over a file uploaded in one piece (checked against the upload's SHA-256)."""
    whole = TemporaryUploadedFile(upload.filename or "upload", upload.content_type or "application/octet-stream",
                                  upload.length, None)  # fmt: skip
    digest = hashlib.sha256()
    try:
        for name in names:
            with default_storage.open(name, "rb") as stream:
                for chunk in iter(lambda: stream.read(READ_SIZE), b""):
                    digest.update(chunk)
                    whole.write(chunk)
        whole.flush()
        whole.seek(0)
    except BaseException:
        whole.close()
        raise
    if digest.hexdigest() != upload.sha256:  # a part changed in storage since it was received
        whole.close()
        logger.error("upload %s: the parts in storage no longer match its SHA-256", upload.pk)
        raise errors.upload_failed()
    return whole


def upload_consume(
    *, user: Any, upload_id: Any, evidence_file: EvidenceFile, upload_key: str,
    consume: Callable[[TemporaryUploadedFile], EvidenceItem],
) -> EvidenceItem:  # fmt: skip
    """Hand the caller's complete upload to `consume` (the evidence or clue service, with all its checks) as a file
    uploaded whole, and mark it consumed by the item made. An upload makes one item: consuming it again is refused,
    except as the same request retried (the same Idempotency-Key into the same file), which gets the first item."""
    with transaction.atomic():
        upload = upload_get_for_user(user=user, upload_id=upload_id, for_update=True)
        if upload is None:
            raise not_found()
        if not upload.complete:
            raise errors.upload_incomplete(upload.offset, upload.length)
        first = upload.consumed_item
        if upload.consumed_at is not None:
            retried = first is not None and upload_key and first.upload_key == upload_key
            if not retried or first is None or first.file_id != evidence_file.pk:
                raise errors.upload_consumed()
            names = [first.stored.storage_name]  # the parts are gone; the stored original is the same bytes
        else:
            names = _part_names(upload)
        whole = _assembled(upload, names)
        try:
            item = consume(whole)
        finally:
            whole.close()
        if first is not None:
            if item.pk != first.pk:
                raise errors.upload_consumed()
            return item
        upload.consumed_item, upload.consumed_at = item, timezone.now()
        upload.save(update_fields=["consumed_item", "consumed_at"])
        _event("consumed", upload, user, item=item.pk, file=evidence_file.reference, sha256=upload.sha256)
        transaction.on_commit(lambda: _delete_quietly(names))
    return item


def consume_or_store(
    *, user: Any, upload_id: str, file: Any, evidence_file: EvidenceFile, upload_key: str,
    store: Callable[[Any], EvidenceItem],
) -> EvidenceItem:  # fmt: skip
    """What an upload route stores: the file sent whole, or the caller's complete upload named by its id (not both)."""
    if upload_id and file is not None:
        raise errors.file_and_upload()
    if not upload_id:
        return store(file)
    return upload_consume(user=user, upload_id=upload_id, evidence_file=evidence_file, upload_key=upload_key,
                          consume=store)  # fmt: skip


def _remove_directory(upload_id: Any) -> None:
    directory = f"{PART_ROOT}/{upload_id}"
    _subdirectories, files = listdir(directory)
    _delete_quietly([f"{directory}/{name}" for name in files])


def uploads_sweep(*, now: Any = None) -> int:
    """Remove every upload past its expiry (24 h from its start if never whole, from its completion otherwise) with
    its parts, each with an `expired` event; returns how many."""
    now = now or timezone.now()
    removed = 0
    for upload in Upload.objects.filter(expires_at__lte=now).order_by("expires_at").iterator():
        with transaction.atomic():
            _event("expired", upload, None, offset=upload.offset, length=upload.length,
                   consumed=upload.consumed_at is not None)  # fmt: skip
            Upload.objects.filter(pk=upload.pk).delete()
        _remove_directory(upload.pk)
        removed += 1
    return removed
