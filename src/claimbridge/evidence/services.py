"""Every write of evidence, each in a transaction: files, uploads (content-addressed, once), processing, reuse."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from claimbridge.evidence import errors, reuse_index
from claimbridge.evidence.models import EvidenceFile, EvidenceItem, MediaKind, ReuseMatch, StoredObject
from claimbridge.evidence.slots import PARTIES, SLOTS_BY_CODE
from claimbridge.organisations.models import County, Insurer
from claimbridge.photos.errors import RejectedFile
from claimbridge.photos.filetypes import sniff
from claimbridge.photos.hashing import as_signed, as_unsigned, hamming, variant_hashes
from claimbridge.photos.images import WORKING_SIZE, inspect_image, preview_image
from claimbridge.photos.ingest import Ingested, Limits, ingest


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


def evidence_file_create(
    *, user: Any, title: str = "", accident_at: Any = None, latitude: float | None = None,
    longitude: float | None = None, crs: str = "wgs84", insurers: list[Insurer] | None = None,
    county: County | None = None,
) -> EvidenceFile:  # fmt: skip
    if county is None and latitude is not None and longitude is not None:
        county = _county_at(latitude, longitude, crs)
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


def _county_at(latitude: float, longitude: float, crs: str) -> County | None:
    """The county of the reported place, from the configured boundaries (B3); None when unknown or not configured."""
    from claimbridge.rulebook.services import BoundariesNotConfigured, locate
    from claimbridge.rules.common import RuleInputError

    try:
        location = locate(latitude, longitude, crs=crs)
    except (BoundariesNotConfigured, RuleInputError):
        return None
    return County.objects.filter(code=location.adcode).first() if location.adcode else None


def _check_slot(slot_code: str, party: str) -> Any:
    slot = SLOTS_BY_CODE.get(slot_code)
    if slot is None:
        raise errors.unknown_slot()
    if slot.per_party != (party in PARTIES):
        raise errors.wrong_party()
    return slot


def _ingest(upload: UploadedFile) -> Ingested:
    try:
        upload.seek(0)
        return ingest(upload, upload_limits(), with_hashes=False)
    except RejectedFile as rejected:
        raise errors.EvidenceError(rejected.code, rejected.en, zh=rejected.zh, en=rejected.en) from None


def _stored_object(upload: UploadedFile, ingested: Ingested, user: Any) -> tuple[StoredObject, bool]:
    """The stored original for these bytes, saving them (and the thumbnail) only the first time they are seen."""
    existing = StoredObject.objects.filter(sha256=ingested.sha256).first()
    if existing is not None:
        return existing, False
    name = original_name(ingested.sha256, ingested.file_type.extension)
    if not default_storage.exists(name):
        upload.seek(0)
        saved = default_storage.save(name, upload)  # streams chunk by chunk; never whole in memory
        if saved != name:
            raise RuntimeError(f"storage renamed a content-addressed object: {saved}")
    thumbnail = ""
    if ingested.thumbnail is not None:
        thumbnail = derived_name(ingested.sha256, "thumb")
        if not default_storage.exists(thumbnail):
            default_storage.save(thumbnail, ContentFile(ingested.thumbnail))
    meta = ingested.metadata
    try:
        with transaction.atomic():
            stored = StoredObject.objects.create(
                sha256=ingested.sha256, size=ingested.size, mime=ingested.file_type.mime,
                kind=ingested.file_type.kind, storage_name=name, thumbnail_name=thumbnail,
                width=ingested.width, height=ingested.height, duration_seconds=ingested.duration_seconds,
                taken_at=meta.taken_at if meta else None,
                taken_latitude=meta.latitude if meta else None, taken_longitude=meta.longitude if meta else None,
                camera=(meta.camera if meta else "")[:120], first_uploaded_by=user,
            )  # fmt: skip
    except IntegrityError:  # the same bytes arrived at the same moment from someone else
        return StoredObject.objects.get(sha256=ingested.sha256), False
    return stored, True


def evidence_item_upload(
    *, user: Any, evidence_file: EvidenceFile, slot_code: str, party: str, upload: UploadedFile | None,
    upload_key: str = "", uploaded_by_party: str = "",
) -> EvidenceItem:  # fmt: skip
    """Check, store once, record who and when. A rejected file leaves nothing behind; a retried upload with the
    same key returns the first result."""
    slot = _check_slot(slot_code, party)
    if upload_key:
        earlier = EvidenceItem.objects.filter(file=evidence_file, upload_key=upload_key).first()
        if earlier is not None:
            return earlier
    if upload is None:
        raise errors.no_file()
    ingested = _ingest(upload)
    if slot.video != (ingested.file_type.kind == MediaKind.VIDEO):
        raise errors.wrong_kind(slot.video)
    stored, _created = _stored_object(upload, ingested, user)
    try:
        with transaction.atomic():
            item = EvidenceItem.objects.create(
                file=evidence_file, slot=slot.code, party=party, stored=stored,
                original_name=(upload.name or "")[:255], upload_key=upload_key[:80], uploaded_by=user,
                uploaded_by_party=uploaded_by_party,
            )  # fmt: skip
    except IntegrityError:
        return EvidenceItem.objects.get(file=evidence_file, upload_key=upload_key[:80])
    if stored.kind == MediaKind.IMAGE:
        from claimbridge.evidence.tasks import process_evidence_item

        transaction.on_commit(lambda: process_evidence_item.enqueue(item.pk))
    return item


def stored_object_process(*, stored: StoredObject) -> StoredObject:
    """Perceptual hashes and the preview, from the original in storage (background)."""
    if stored.processed_at is not None or stored.kind != MediaKind.IMAGE:
        return stored
    with default_storage.open(stored.storage_name, "rb") as stream:
        head = stream.read(64)
        file_type = sniff(head)
        assert file_type is not None
        stream.seek(0)
        max_pixels = settings.EVIDENCE_MAX_MEGAPIXELS * 1_000_000
        working = inspect_image(stream, file_type, max_pixels=max_pixels, working_size=WORKING_SIZE).working
        variants = variant_hashes(working)
        stream.seek(0)
        preview = preview_image(stream, max_pixels=max_pixels)
    preview_name = derived_name(stored.sha256, "preview")
    if not default_storage.exists(preview_name):
        default_storage.save(preview_name, ContentFile(preview))
    stored.perceptual_hash = as_signed(variants[0])
    stored.hash_variants = [as_signed(value) for value in variants[1:]]
    stored.preview_name = preview_name
    stored.processed_at = timezone.now()
    stored.save(update_fields=["perceptual_hash", "hash_variants", "preview_name", "processed_at"])
    reuse_index.remember(stored)
    return stored


def reuse_matches_find(*, item: EvidenceItem) -> list[ReuseMatch]:
    """Compare this item's picture with every picture on the platform; record matches in other files, both ways."""
    stored = item.stored
    if stored.perceptual_hash is None:
        return []
    radius = settings.EVIDENCE_REUSE_MAX_DISTANCE
    views = [as_unsigned(stored.perceptual_hash), *(as_unsigned(value) for value in stored.hash_variants)]
    candidates = reuse_index.near_stored_objects(views, radius)
    candidates[stored.pk] = 0  # the same bytes in another file is reuse too
    others = (
        EvidenceItem.objects.filter(stored_id__in=candidates).exclude(file_id=item.file_id).select_related("stored")
    )
    found = []
    with transaction.atomic():
        for other in others:
            if other.stored_id == stored.pk:
                distance, identical = 0, True
            else:
                if other.stored.perceptual_hash is None:
                    continue
                target = as_unsigned(other.stored.perceptual_hash)
                distance = min(hamming(view, target) for view in views)  # re-checked against the database row
                if distance > radius:
                    continue
                identical = False
            for a, b in ((item, other), (other, item)):
                match, _ = ReuseMatch.objects.get_or_create(
                    item=a, matched_item=b, defaults={"distance": distance, "identical": identical}
                )
                if a is item:
                    found.append(match)
    return found


def evidence_item_process(*, item_id: int) -> None:
    item = EvidenceItem.objects.select_related("stored").filter(pk=item_id).first()
    if item is None:
        return
    item.stored = stored_object_process(stored=item.stored)
    reuse_matches_find(item=item)


def stored_objects_verify() -> list[str]:
    """Re-hash every stored original; the SHA-256 of any whose bytes no longer match (tamper evidence)."""
    import hashlib

    changed = []
    for stored in StoredObject.objects.order_by("pk").iterator():
        digest = hashlib.sha256()
        with default_storage.open(stored.storage_name, "rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
        if digest.hexdigest() != stored.sha256:
            changed.append(stored.sha256)
    return changed
