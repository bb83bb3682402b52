"""Reads of evidence, always through the caller's scope (B8)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import QuerySet

from claimbridge.accounts.roles import EVIDENCE_UPLOADER_ROLES
from claimbridge.accounts.scope import scope_for
from claimbridge.evidence.models import EvidenceFile, EvidenceItem, ReuseMatch
from claimbridge.evidence.slots import SHOWN_PARTIES, SLOTS, Slot, required_slot_codes
from claimbridge.photos.checks import AccidentReport, Flag, metadata_flags
from claimbridge.photos.exif import PhotoMetadata


def evidence_file_list_for_user(*, user: Any) -> QuerySet[EvidenceFile]:
    scope = scope_for(user)
    return (
        EvidenceFile.objects.filter(pk__in=EvidenceFile.objects.filter(scope.evidence_files_q()).values("pk"))
        .select_related("county")
        .prefetch_related("insurers")
    )


def evidence_file_get_for_user(*, user: Any, reference: str) -> EvidenceFile | None:
    return evidence_file_list_for_user(user=user).filter(reference=reference).first()


def evidence_item_get_for_user(*, user: Any, item_id: int) -> EvidenceItem | None:
    files = evidence_file_list_for_user(user=user).values("pk")
    return EvidenceItem.objects.select_related("stored", "file").filter(pk=item_id, file__in=files).first()


@dataclass
class SlotView:
    slot: Slot
    party: str
    required: bool
    items: list[EvidenceItem] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.slot.code}-{self.party}" if self.party else self.slot.code

    @property
    def missing(self) -> bool:
        return self.required and not self.items


def slot_views(evidence_file: EvidenceFile) -> list[SlotView]:
    """Every slot of the file (per-party slots once per party), with what fills it, required ones first."""
    required = set(required_slot_codes())
    items = list(evidence_file.items.select_related("stored", "uploaded_by").all())
    parties = sorted(set(SHOWN_PARTIES) | {item.party for item in items if item.party})
    views = []
    for slot in SLOTS:
        for party in parties if slot.per_party else ("",):
            views.append(SlotView(slot, party, slot.code in required))
    by_key = {view.key: view for view in views}
    for item in items:
        key = f"{item.slot}-{item.party}" if item.party else item.slot
        if key in by_key:
            by_key[key].items.append(item)
    return sorted(views, key=lambda view: (not view.required, SLOTS.index(view.slot)))


@dataclass(frozen=True)
class MatchView:
    distance: int
    identical: bool
    other_reference: str | None  # None when the viewer may not see the other file


def matches_for_items(*, user: Any, items: list[EvidenceItem]) -> dict[int, list[MatchView]]:
    """Reuse signals per item. Another company's case is named only to those who may open it (R20, B8)."""
    scope = scope_for(user)
    matches = list(ReuseMatch.objects.filter(item__in=items).select_related("matched_item__file").order_by("distance"))
    others = {match.matched_item.file_id for match in matches}
    visible = set(evidence_file_list_for_user(user=user).filter(pk__in=others).values_list("pk", flat=True))
    result: dict[int, list[MatchView]] = {}
    for match in matches:
        other = match.matched_item.file
        named = scope.sees_across_companies or other.pk in visible
        result.setdefault(match.item_id, []).append(
            MatchView(match.distance, match.identical, other.reference if named else None)
        )
    return result


def item_flags(item: EvidenceItem) -> list[Flag]:
    """What the photo's own metadata says against the reported accident (computed when shown, so a corrected
    accident time or place is reflected at once)."""
    stored, evidence_file = item.stored, item.file
    if stored.kind != "image":
        return []
    metadata = PhotoMetadata(stored.taken_at, stored.taken_latitude, stored.taken_longitude, stored.camera, 1)
    accident = AccidentReport(
        evidence_file.accident_at,
        evidence_file.accident_latitude,
        evidence_file.accident_longitude,
        evidence_file.accident_crs,
    )
    return metadata_flags(
        metadata, accident, max_minutes_before=settings.EVIDENCE_TAKEN_BEFORE_MINUTES,
        max_distance_km=settings.EVIDENCE_MAX_DISTANCE_KM,
    )  # fmt: skip


def may_upload(*, user: Any, evidence_file: EvidenceFile) -> bool:
    scope = scope_for(user)
    return (
        scope.role in EVIDENCE_UPLOADER_ROLES
        and evidence_file_get_for_user(user=user, reference=evidence_file.reference) is not None
    )


def may_create(*, user: Any) -> bool:
    return scope_for(user).role in EVIDENCE_UPLOADER_ROLES


def reuse_matches_for_committee(*, user: Any) -> QuerySet[ReuseMatch]:
    """Every reuse signal on the platform, both files named: for the anti-fraud committee only (R20)."""
    if not scope_for(user).sees_across_companies:
        return ReuseMatch.objects.none()
    return (
        ReuseMatch.objects.filter(item_id__lt=models.F("matched_item_id"))
        .select_related("item__file", "matched_item__file", "item__stored", "matched_item__stored")
        .order_by("-found_at")
    )


def reuse_match_get_for_committee(*, user: Any, match_id: int) -> ReuseMatch | None:
    """One reuse signal with both items and their stored pictures, for the committee's picture of it (R20)."""
    return reuse_matches_for_committee(user=user).filter(pk=match_id).first()


def item_ids(evidence_file: EvidenceFile) -> set[int]:
    """The items already in a file (so that an upload can say whether it made a new one)."""
    return set(evidence_file.items.values_list("pk", flat=True))


UNPROCESSED_WINDOW = 10_000


def unprocessed_recent_count(window: int = UNPROCESSED_WINDOW) -> int:
    """How many of the newest `window` stored photos still wait for their processing (thumbnail, hashes, reuse
    search), for the operators' metrics (issue 19). Bounded by primary key, so a scrape costs an index range, never a
    scan of every original (a photo left unprocessed further back is outside this figure; its failed task is counted
    by `claimbridge_task_failures_total`)."""
    from claimbridge.evidence.models import MediaKind, StoredObject

    newest = StoredObject.objects.order_by("-pk").values_list("pk", flat=True).first()
    if newest is None:
        return 0
    return StoredObject.objects.filter(pk__gt=newest - window, kind=MediaKind.IMAGE, processed_at__isnull=True).count()
