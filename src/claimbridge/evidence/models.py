"""Evidence: content-addressed originals, the files that collect them for an accident, and reuse across cases."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from claimbridge.evidence.slots import SLOTS
from claimbridge.organisations.models import County, Insurer


class MediaKind(models.TextChoices):
    IMAGE = "image", _("photo")
    VIDEO = "video", _("video")


class StoredObject(models.Model):
    """One set of bytes, kept once however often it is uploaded: its SHA-256 is its name (tamper evidence)."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.BigIntegerField(_("size in bytes"))
    mime = models.CharField(_("type"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=MediaKind.choices)
    storage_name = models.CharField(max_length=255)
    thumbnail_name = models.CharField(max_length=255, blank=True)
    preview_name = models.CharField(max_length=255, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    taken_at = models.DateTimeField(_("capture time (EXIF)"), null=True, blank=True)
    taken_latitude = models.FloatField(null=True, blank=True)
    taken_longitude = models.FloatField(null=True, blank=True)
    camera = models.CharField(max_length=120, blank=True)
    perceptual_hash = models.BigIntegerField(null=True, blank=True, db_index=True)  # canonical dHash, signed 64-bit
    hash_variants = models.JSONField(default=list, blank=True)  # the query's views (mirrored, rotated, cropped)
    crop_hashes = models.JSONField(default=list, blank=True)  # the five 85 % crops, in the index beside the canonical
    # What the verification stage needs (photos/verify.py Record.to_bytes, about 22 KB): a query never re-reads originals.
    verification = models.BinaryField(null=True, blank=True, editable=False)
    processed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    first_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )  # empty: a driver uploading from their verified phone, without an account
    # A tombstone (issue 20, decision 0028): the original and its derived files were deleted when the last item that
    # holds them was erased; the SHA-256 and the size stay, so the record still says what was there. Bytes uploaded
    # again bring it back (`_stored_object`).
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stored original")
        verbose_name_plural = _("stored originals")

    def __str__(self) -> str:
        return self.sha256[:12]


class EvidenceFile(models.Model):
    """The evidence of one accident. A case (issue 6) owns one; until then it stands for the case."""

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=120, blank=True)
    accident_at = models.DateTimeField(_("accident time"), null=True, blank=True)
    accident_latitude = models.FloatField(_("accident latitude"), null=True, blank=True)
    accident_longitude = models.FloatField(_("accident longitude"), null=True, blank=True)
    accident_crs = models.CharField(max_length=8, default="wgs84", choices=[("wgs84", "WGS-84"), ("gcj02", "GCJ-02")])
    county = models.ForeignKey(County, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    insurers = models.ManyToManyField(Insurer, related_name="evidence_files", verbose_name=_("insurers involved"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )  # empty: a case a driver started from their phone
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference


class EvidenceItem(models.Model):
    """One upload into one slot of one file: who, when, and which stored bytes."""

    file = models.ForeignKey(EvidenceFile, on_delete=models.CASCADE, related_name="items")
    slot = models.CharField(_("slot"), max_length=32, choices=[(slot.code, slot.name) for slot in SLOTS])
    party = models.CharField(_("party"), max_length=2, blank=True)
    stored = models.ForeignKey(StoredObject, on_delete=models.PROTECT, related_name="items")
    original_name = models.CharField(_("file name as uploaded"), max_length=255, blank=True)
    upload_key = models.CharField(max_length=80, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    uploaded_by_party = models.CharField(_("uploaded by party"), max_length=2, blank=True)  # a driver, from the phone
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # When the platform-wide reuse search ran for this item (after its photo was processed): a task run again for it
    # (`claimbridge recover`, a late duplicate) is then a no-op; null for videos, which are not searched.
    searched_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Erased under a retention rule or a person's request (decision 0028): the row stays as the tombstone of what was
    # uploaded (slot, party, when, the stored object's SHA-256 and size), its file name is cleared.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence items")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["file", "upload_key"], condition=~models.Q(upload_key=""), name="evidence_item_upload_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file.reference}/{self.slot}{self.party}"


class ReuseMatch(models.Model):
    """This item's picture is the same as, or nearly the same as, one in another evidence file (R11, R20)."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="matches")
    matched_item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="+")
    distance = models.PositiveSmallIntegerField(_("perceptual distance (bits)"))
    identical = models.BooleanField(_("identical bytes"), default=False)
    # The verification that accepted the pair (issue 14), for the committee to judge: null for identical bytes.
    inliers = models.PositiveIntegerField(_("matched points"), null=True, blank=True)
    overlap = models.FloatField(_("overlap"), null=True, blank=True)
    agreement = models.FloatField(_("content agreement"), null=True, blank=True)
    mirrored = models.BooleanField(_("mirrored"), default=False)
    matched_points = models.JSONField(default=list, blank=True)  # [x, y (this item), x, y (the other)], fractions
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reused photo")
        verbose_name_plural = _("reused photos")
        constraints = [models.UniqueConstraint(fields=["item", "matched_item"], name="reuse_match_once")]

    def __str__(self) -> str:
        return f"{self.item_id} ~ {self.matched_item_id} ({self.distance})"


class Upload(models.Model):
    """A file sent in parts that survive a lost signal (resumable upload, decision 0025): how much has arrived, each
    part a storage object of its own (no storage can append, S3 included), until it is whole and then consumed into
    one evidence item. Its owner alone sees it; one not whole in a day is swept away."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    length = models.BigIntegerField(_("length in bytes"))
    offset = models.BigIntegerField(_("bytes received"), default=0)
    content_type = models.CharField(max_length=100, blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    declared_sha256 = models.CharField(max_length=64, blank=True)  # as the client gave it, checked once whole
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)  # of the whole, once complete
    parts = models.JSONField(default=list, blank=True)  # [[offset, size, storage name], …] in order, no gaps
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    consumed_at = models.DateTimeField(null=True, blank=True)
    consumed_item = models.ForeignKey(EvidenceItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("resumable upload")
        verbose_name_plural = _("resumable uploads")

    def __str__(self) -> str:
        return f"{self.pk} {self.offset}/{self.length}"

    @property
    def complete(self) -> bool:
        return self.completed_at is not None


class UploadEvent(models.Model):
    """Append-only record of resumable uploads: created, completed, reset (checksum), consumed, expired. It keeps the
    upload's id, not a key to it: the record outlives the swept upload."""

    kind = models.CharField(max_length=20)
    upload_id = models.UUIDField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")  # fmt: skip
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("resumable upload event")
        verbose_name_plural = _("resumable upload events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.upload_id}"
