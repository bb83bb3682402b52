"""Every write of evidence, each in a transaction: files, uploads (content-addressed, once), processing, reuse."""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from claimbridge.core.idempotency import key_reused
from claimbridge.core.inputs import unsafe_text
from claimbridge.evidence import errors, reuse_index
from claimbridge.evidence.models import EvidenceFile, EvidenceItem, MediaKind, ReuseMatch, StoredObject
from claimbridge.evidence.orphans import named
from claimbridge.evidence.slots import PARTIES, SLOTS_BY_CODE
from claimbridge.organisations.models import County, Insurer
from claimbridge.photos.errors import RejectedFile
from claimbridge.photos.filetypes import sniff
from claimbridge.photos.hashing import as_signed, as_unsigned, hamming, reuse_hashes
from claimbridge.photos.images import WORKING_SIZE, inspect_image, preview_image
from claimbridge.photos.ingest import Ingested, Limits, ingest
from claimbridge.photos.verify import Record, Verification, record_of, verify
from claimbridge.rulebook.services import county_code_at

logger = logging.getLogger("claimbridge.evidence")


def upload_limits() -> Limits:
    return Limits(
        max_bytes=settings.EVIDENCE_MAX_UPLOAD_MB * 1024 * 1024,
        max_pixels=settings.EVIDENCE_MAX_MEGAPIXELS * 1_000_000,
        max_video_seconds=settings.EVIDENCE_MAX_VIDEO_SECONDS,
    )


def original_name(sha256: str, extension: str) -> str:
    return f"evidence/originals/{sha256[:2]}/{sha256[2:4]}/{sha256}.{extension}"


def derived_name(sha256: str, what: str) -> str:
    return f"evidence/derived/{sha256[:2]}/{sha256[2:4]}/{sha256}-{what}.jpg"


TITLE_LENGTH = EvidenceFile._meta.get_field("title").max_length or 120
KEY_LENGTH = EvidenceItem._meta.get_field("upload_key").max_length or 80


def _checked_place(latitude: float | None, longitude: float | None, crs: str) -> None:
    if crs not in {"wgs84", "gcj02"}:
        raise errors.bad_crs()
    for field, value, limit in (("latitude", latitude, 90), ("longitude", longitude, 180)):
        if value is not None and (not isinstance(value, int | float) or not math.isfinite(value) or abs(value) > limit):
            raise errors.bad_coordinate(field)
    if (latitude is None) != (longitude is None):
        raise errors.half_a_place()


def evidence_file_create(
    *, user: Any, title: str = "", accident_at: Any = None, latitude: float | None = None,
    longitude: float | None = None, crs: str = "wgs84", insurers: list[Insurer] | None = None,
    county: County | None = None,
) -> EvidenceFile:  # fmt: skip
    """A new evidence file; every input is checked first (AppError naming the field), so nothing is half made."""
    title = title or ""
    if len(title) > TITLE_LENGTH or unsafe_text(title):
        raise errors.bad_title(TITLE_LENGTH)
    _checked_place(latitude, longitude, crs)
    if accident_at is not None and timezone.is_naive(accident_at):  # forms give local time; the API refuses it
        accident_at = timezone.make_aware(accident_at)
    if county is None:
        code = county_code_at(latitude, longitude, crs)
        county = County.objects.filter(code=code).first() if code else None
    with transaction.atomic():
        evidence_file = EvidenceFile.objects.create(
            reference=f"EV{timezone.localdate():%Y%m%d}{secrets.token_hex(3).upper()}",
            title=title, accident_at=accident_at, accident_latitude=latitude, accident_longitude=longitude,
            accident_crs=crs, county=county, created_by=user,
        )  # fmt: skip
        companies = list(insurers or [])
        if getattr(user, "insurer_id", None) and all(insurer.pk != user.insurer_id for insurer in companies):
            companies.append(user.insurer)
        evidence_file.insurers.set(companies)
    return evidence_file


def insurers_by_code(codes: list[str]) -> list[Insurer]:
    """The insurers named by their codes; an unknown code is refused, never silently dropped."""
    found = {insurer.code: insurer for insurer in Insurer.objects.filter(code__in=codes)}
    for code in codes:
        if code not in found:
            raise errors.unknown_insurer(code)
    return [found[code] for code in dict.fromkeys(codes)]


def _check_slot(slot_code: str, party: str) -> Any:
    slot = SLOTS_BY_CODE.get(slot_code)
    if slot is None:
        raise errors.unknown_slot()
    if party not in ("", *PARTIES) or slot.per_party != (party in PARTIES):
        raise errors.wrong_party()
    return slot


def _check_key(upload_key: str) -> str:
    if upload_key and (len(upload_key) > KEY_LENGTH or not all(" " < ch <= "~" for ch in upload_key)):
        raise errors.bad_upload_key()
    return upload_key


def _file_name(upload: UploadedFile) -> str:
    """The name as uploaded, kept for the record: control characters dropped, cut to its column."""
    return "".join(ch for ch in (upload.name or "") if not unsafe_text(ch))[:255]


def _ingest(upload: UploadedFile) -> Ingested:
    try:
        upload.seek(0)
        return ingest(upload, upload_limits(), with_hashes=False)
    except RejectedFile as rejected:
        raise errors.refused_file(rejected) from None


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def _save_new(name: str, content: Any, saved: list[str]) -> None:
    """Save under exactly this name, recording it in `saved` first so that a save failing half-way is undone too.
    Called only for a stored object whose row this transaction has just created: a file already there is an orphan
    of an earlier crash (perhaps cut short), replaced."""
    if default_storage.exists(name):
        default_storage.delete(name)
    saved.append(name)
    stored_as = default_storage.save(name, content)  # streams chunk by chunk; never whole in memory
    if stored_as != name:
        saved.append(stored_as)
        raise RuntimeError(f"storage renamed a content-addressed object: {stored_as}")


def _stored_object(upload: UploadedFile, ingested: Ingested, user: Any, saved: list[str]) -> StoredObject:
    """The stored original for these bytes; the first time they are seen its row is made, then the original and the
    thumbnail are saved, in the caller's transaction (a concurrent upload of the same bytes waits on the row)."""
    meta = ingested.metadata
    name = original_name(ingested.sha256, ingested.file_type.extension)
    thumbnail = derived_name(ingested.sha256, "thumb") if ingested.thumbnail is not None else ""
    stored, created = StoredObject.objects.get_or_create(
        sha256=ingested.sha256,
        defaults={
            "size": ingested.size, "mime": ingested.file_type.mime, "kind": ingested.file_type.kind,
            "storage_name": name, "thumbnail_name": thumbnail, "width": ingested.width, "height": ingested.height,
            "duration_seconds": ingested.duration_seconds, "taken_at": meta.taken_at if meta else None,
            "taken_latitude": meta.latitude if meta else None, "taken_longitude": meta.longitude if meta else None,
            "camera": (meta.camera if meta else "")[:120], "first_uploaded_by": user,
        },
    )  # fmt: skip
    revived = not created and stored.erased_at is not None  # a tombstone's bytes sent again: stored anew
    if created or revived:
        upload.seek(0)
        _save_new(name, upload, saved)
        if ingested.thumbnail is not None:
            _save_new(thumbnail, ContentFile(ingested.thumbnail), saved)
    if revived:
        stored.storage_name, stored.thumbnail_name, stored.erased_at, stored.processed_at = name, thumbnail, None, None
        stored.save(update_fields=["storage_name", "thumbnail_name", "erased_at", "processed_at"])
    return stored


def _undo_saves(names: list[str]) -> None:
    """After a failed upload: remove the files it saved that no committed row names. A commit cut off by a lost
    connection may have succeeded though it raised, so a file is removed only when the database answers that no row
    names it; when the database cannot answer, the files stay for the orphan sweep, which asks again later (B8)."""
    try:
        claimed = named(names)
    except DatabaseError:
        logger.warning(
            "database unreachable after a failed upload: %d stored file(s) left to the orphan sweep", len(names)
        )
        return
    _delete_quietly([name for name in names if name not in claimed])


def _delete_quietly(names: list[str]) -> None:
    for name in reversed(names):
        try:
            if default_storage.exists(name):
                default_storage.delete(name)
        except Exception:  # the orphan sweep removes what cannot be removed now
            logger.warning("could not remove %s after a failed upload", name, exc_info=True)


def _same_upload(item: EvidenceItem, *, sha256: str, slot: str, party: str) -> EvidenceItem:
    """A retry with the same key: the first item if it is the same file into the same place, else refused."""
    if (item.stored.sha256, item.slot, item.party) != (sha256, slot, party):
        raise key_reused()
    return item


def evidence_item_upload(
    *, user: Any, evidence_file: EvidenceFile, slot_code: str, party: str, upload: UploadedFile | None,
    upload_key: str = "", uploaded_by_party: str = "", for_clue: bool = False,
) -> EvidenceItem:  # fmt: skip
    """Check, store once, record who and when. Everything is checked before anything is stored; a failure after
    that (the storage, the database) removes what this upload stored, so a refused or failed upload leaves nothing.
    A retry with the same key and the same file returns the first item; with another file it is refused.

    A fraud clue's evidence file (and an insurer's answer to a request for files on it) takes photos only through
    the casework (`fraud.services.clue_photo_add`, `file_request_attach`: `for_clue`), which checks the clue's state
    and writes the clue's own event chain: never past it from the evidence pages."""
    casework = Q(clue__isnull=False) | Q(file_request__isnull=False)
    if not for_clue and EvidenceFile.objects.filter(casework, pk=evidence_file.pk).exists():
        raise errors.clue_evidence()
    slot = _check_slot(slot_code, party)
    key = _check_key(upload_key)
    if upload is None:
        raise errors.no_file()
    if key:
        earlier = EvidenceItem.objects.select_related("stored").filter(file=evidence_file, upload_key=key).first()
        if earlier is not None:
            return _same_upload(earlier, sha256=_sha256(upload), slot=slot.code, party=party)
    ingested = _ingest(upload)
    if slot.video != (ingested.file_type.kind == MediaKind.VIDEO):
        raise errors.wrong_kind(slot.video)
    saved: list[str] = []
    try:
        with transaction.atomic():
            stored = _stored_object(upload, ingested, user, saved)
            item = EvidenceItem.objects.create(
                file=evidence_file, slot=slot.code, party=party, stored=stored, original_name=_file_name(upload),
                upload_key=key, uploaded_by=user, uploaded_by_party=uploaded_by_party,
            )  # fmt: skip
    except IntegrityError:
        _undo_saves(saved)
        earlier = EvidenceItem.objects.select_related("stored").filter(file=evidence_file, upload_key=key).first()
        if not key or earlier is None:
            raise
        return _same_upload(earlier, sha256=ingested.sha256, slot=slot.code, party=party)
    except (OSError, DatabaseError) as failure:
        _undo_saves(saved)
        logger.error("upload into %s failed: %s", evidence_file.reference, failure, exc_info=True)
        raise errors.upload_failed() from None
    except BaseException:
        _undo_saves(saved)
        raise
    if stored.kind == MediaKind.IMAGE:
        from claimbridge.evidence.tasks import process_evidence_item

        # robust: a queue out of reach does not undo the upload; `claimbridge recover` enqueues it later
        transaction.on_commit(lambda: process_evidence_item.enqueue(item.pk), robust=True)
    return item


def stored_object_process(*, stored: StoredObject) -> StoredObject:
    """Perceptual hashes, the verification record and the preview, from the original in storage (background)."""
    if stored.processed_at is not None or stored.kind != MediaKind.IMAGE:
        return stored
    with default_storage.open(stored.storage_name, "rb") as stream:
        head = stream.read(64)
        file_type = sniff(head)
        assert file_type is not None
        stream.seek(0)
        max_pixels = settings.EVIDENCE_MAX_MEGAPIXELS * 1_000_000
        working = inspect_image(stream, file_type, max_pixels=max_pixels, working_size=WORKING_SIZE).working
        hashes = reuse_hashes(working)
        record = record_of(working)
        stream.seek(0)
        preview = preview_image(stream, max_pixels=max_pixels)
    preview_name = derived_name(stored.sha256, "preview")
    if not default_storage.exists(preview_name):
        default_storage.save(preview_name, ContentFile(preview))
    stored.perceptual_hash = as_signed(hashes.canonical)
    stored.hash_variants = [as_signed(value) for value in hashes.views[1:]]
    stored.crop_hashes = [as_signed(value) for value in hashes.crops]
    stored.verification = record.to_bytes()
    stored.preview_name = preview_name
    stored.processed_at = timezone.now()
    stored.save(update_fields=["perceptual_hash", "hash_variants", "crop_hashes", "verification", "preview_name",
                               "processed_at"])  # fmt: skip
    reuse_index.remember(stored)
    return stored


def _record(stored: StoredObject) -> Record | None:
    if not stored.verification:
        return None  # processed before verification existed: no signal until it is processed again
    return Record.from_bytes(bytes(stored.verification))


def _flipped(points: list[list[float]]) -> list[list[float]]:
    return [[xb, yb, xa, ya] for xa, ya, xb, yb in points]


def reuse_matches_find(*, item: EvidenceItem) -> list[ReuseMatch]:
    """Compare this item's picture with every picture on the platform; record matches in other files, both ways.

    Two stages (decision 0008, issue 14): the hash index names the nearest candidates within the radius, and only a
    pair the verification accepts (local features in one geometry, covering the picture, the content agreeing) is
    recorded, with what the verification measured. Identical bytes need no verification."""
    stored = item.stored
    if stored.perceptual_hash is None:
        return []
    radius = settings.EVIDENCE_REUSE_MAX_DISTANCE
    canonical = as_unsigned(stored.perceptual_hash)
    views = [canonical, *(as_unsigned(value) for value in stored.hash_variants)]
    candidates = reuse_index.near_stored_objects(views, radius, settings.EVIDENCE_REUSE_MAX_CANDIDATES)
    candidates[stored.pk] = 0  # the same bytes in another file is reuse too
    others = (
        EvidenceItem.objects.filter(stored_id__in=candidates).exclude(file_id=item.file_id).select_related("stored")
    )
    record = _record(stored)
    verified: dict[int, Verification | None] = {}
    found = []
    with transaction.atomic():
        for other in others:
            fields: dict[str, Any]
            if other.stored_id == stored.pk:
                fields = {"distance": 0, "identical": True}
            else:
                target = other.stored
                if target.perceptual_hash is None:
                    continue
                stored_hashes = [as_unsigned(value) for value in (target.perceptual_hash, *target.crop_hashes)]
                distance = min(hamming(view, value) for view in views for value in stored_hashes)  # re-checked
                if distance > radius:
                    continue
                if target.pk not in verified:
                    other_record = _record(target)
                    verified[target.pk] = (
                        verify(record, other_record) if record is not None and other_record is not None else None
                    )
                result = verified[target.pk]
                if result is None or not result.accepted:
                    continue
                fields = {"distance": distance, "identical": False, "inliers": result.inliers,
                          "overlap": result.overlap, "agreement": result.agreement, "mirrored": result.mirrored,
                          "matched_points": [list(point) for point in result.points]}  # fmt: skip
            for a, b in ((item, other), (other, item)):
                defaults = dict(fields)
                if a is other and "matched_points" in defaults:
                    defaults["matched_points"] = _flipped(defaults["matched_points"])
                match, _ = ReuseMatch.objects.get_or_create(item=a, matched_item=b, defaults=defaults)
                if a is item:
                    found.append(match)
    return found


def evidence_item_process(*, item_id: int) -> None:
    """The photo's hashes and preview, then the reuse search for this item, once: a task run again (recovered, or a
    late duplicate) finds it searched and does nothing."""
    item = EvidenceItem.objects.select_related("stored").filter(pk=item_id).first()
    if item is None or item.searched_at is not None or item.erased_at is not None:
        return
    item.stored = stored_object_process(stored=item.stored)
    reuse_matches_find(item=item)
    EvidenceItem.objects.filter(pk=item.pk).update(searched_at=timezone.now())


def evidence_processing_recover(*, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Photos not yet processed and searched some minutes after their upload: their task was lost (a worker killed
    mid-task, a queue out of reach when it was enqueued). Each is enqueued again; an item found searched by then is
    skipped by the task, so a task merely late costs nothing twice. Returns how many were enqueued (B8)."""
    from claimbridge.evidence.tasks import process_evidence_item

    cutoff = timezone.now() - older_than
    waiting = EvidenceItem.objects.filter(
        searched_at__isnull=True, stored__kind=MediaKind.IMAGE, uploaded_at__lt=cutoff, erased_at__isnull=True
    )
    ids = list(waiting.order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        process_evidence_item.enqueue(pk)
    return len(ids)


def stored_objects_reverify() -> int:
    """Photos processed before verification existed (issue 14) get their hashes and verification record from the
    original once, and their items are searched again; returns how many were done."""
    done = 0
    pending = StoredObject.objects.filter(kind=MediaKind.IMAGE, processed_at__isnull=False, verification__isnull=True,
                                          erased_at__isnull=True)  # fmt: skip
    for stored in pending.order_by("pk").iterator():
        stored.processed_at = None
        stored = stored_object_process(stored=stored)
        for item in stored.items.select_related("stored"):
            reuse_matches_find(item=item)
        done += 1
    return done


def stored_objects_verify() -> list[str]:
    """Re-hash every stored original; the SHA-256 of any whose bytes no longer match (tamper evidence)."""
    import hashlib

    changed = []
    for stored in StoredObject.objects.filter(erased_at__isnull=True).order_by("pk").iterator():  # tombstones: no bytes
        digest = hashlib.sha256()
        with default_storage.open(stored.storage_name, "rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
        if digest.hexdigest() != stored.sha256:
            changed.append(stored.sha256)
    return changed
