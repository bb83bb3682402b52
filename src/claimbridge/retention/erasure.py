"""The erasure API (issue 20; PIPL art. 19 and 47; B8, R17, R19; decision 0028): what the retention sweep and a
person's deletion request both call. Stable signatures — the subject-request work calls these:

- `case_erase(*, case, actor, reason, category) -> ErasureResult`
- `consultation_erase(*, consultation, actor, reason, category) -> ErasureResult`
- `retained_until(case, *, at, schedule=None) -> Hold`

Erasure anonymises, it does not delete rows that the statistics or the audit chain need: every party's personal
fields are cleared (names, mobile, licence, the name typed to confirm, the device, plate and VIN, the blind indexes,
the claim's payee account), the accident's exact place goes (the county stays), the evidence originals and their
derived files are deleted from storage while their SHA-256 and size stay on the row (a tombstone: `evidence_verify`
skips the bytes, the orphan sweep and the backup no longer name them), the items are marked erased, and the 协议书
PDF is deleted (its hash and verification code stay). The change is recorded as the event `personal_data_erased`
on the case's keyed chain, which re-seals the rows as erasure left them: `audit verify` still passes, the erasure
is a recorded change, not a gap. The roll-ups count no personal field, so they are unchanged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from claimbridge.rules import retention as kernel

logger = logging.getLogger(__name__)

ERASABLE_CATEGORIES = frozenset({kernel.Category.CLAIM_RECORD, kernel.Category.UNCLAIMED_REPORT,
                                 kernel.Category.CONSULTATION, kernel.Category.SUBJECT_REQUEST})  # fmt: skip
# What a party keeps after erasure: nothing that names or reaches a person. Insurer, unit, cover, the route, the
# driver's yes/no statements and the confirmation's time and digest stay: the figures and the seal need them.
PARTY_PERSONAL = ("driver_name", "driver_phone", "driver_licence", "phone_index", "confirmed_name", "confirmed_device",
                  "plate", "vin")  # fmt: skip
CLAIM_PERSONAL = ("payee_account",)
CONSULTATION_PERSONAL = ("asker_phone", "asker_phone_index", "asker_name", "question", "answer", "escalation_note",
                         "rating_comment")  # fmt: skip
ERASED_TEXT = "[已删除 erased]"  # a consultation's question is required text: it reads as erased, not as blank


@dataclass
class ErasureResult:
    """What one erasure did. `already` is true when there was nothing left to erase (an erasure is idempotent)."""

    subject: str  # the case's or the consultation's number
    category: str
    parties: list[str] = field(default_factory=list)  # labels anonymised
    items: int = 0  # evidence items marked erased
    originals_deleted: list[str] = field(default_factory=list)  # SHA-256 of the stored objects whose bytes went
    bytes_freed: int = 0
    files_deleted: int = 0  # originals, thumbnails, previews, the agreement PDF
    event_sequence: int | None = None
    already: bool = False


@dataclass(frozen=True)
class Hold:
    """Whether a retention duty still holds a case at a moment, and until when (None with `held`: until an event
    that has not happened yet — an open claim — after which the duty's clock starts)."""

    held: bool
    until: datetime | None
    category: str
    zh: str
    en: str


def _category(category: Any) -> kernel.Category:
    value = kernel.Category(str(category))
    if value not in ERASABLE_CATEGORIES:
        raise ValueError(f"{value} is not a category a case or a consultation is erased under")
    return value


def files_delete(names: list[str]) -> int:
    """Delete these storage keys (call after the commit of the rows that stopped naming them); a file that cannot be
    deleted now is left to the orphan sweep, which no longer finds a row naming it. Returns how many went."""
    deleted = 0
    for name in names:
        try:
            if default_storage.exists(name):
                default_storage.delete(name)
                deleted += 1
        except Exception:  # the orphan sweep removes it later: no row names it any more
            logger.warning("could not delete erased file %s", name, exc_info=True)
    return deleted


def evidence_erase(*, evidence_file_id: int, at: datetime) -> tuple[int, list[str], int, list[str]]:
    """Mark every item of the evidence file erased and turn each stored object no live item refers to any more into
    a tombstone. In the caller's transaction; returns (items, SHA-256 of the tombstones, bytes, keys to delete after
    the commit)."""
    from claimbridge.evidence.models import EvidenceItem, StoredObject

    items = EvidenceItem.objects.filter(file_id=evidence_file_id, erased_at__isnull=True)
    stored_ids = set(items.values_list("stored_id", flat=True))
    count = items.update(erased_at=at, original_name="")
    still_used = set(
        EvidenceItem.objects.filter(stored_id__in=stored_ids, erased_at__isnull=True).values_list(
            "stored_id", flat=True
        )
    )
    names: list[str] = []
    tombstones: list[str] = []
    freed = 0
    for stored in StoredObject.objects.select_for_update().filter(
        pk__in=stored_ids - still_used, erased_at__isnull=True
    ):
        names += [name for name in (stored.storage_name, stored.thumbnail_name, stored.preview_name) if name]
        tombstones.append(stored.sha256)
        freed += stored.size
        StoredObject.objects.filter(pk=stored.pk).update(
            erased_at=at, storage_name="", thumbnail_name="", preview_name="", taken_latitude=None,
            taken_longitude=None, camera="", perceptual_hash=None, hash_variants=[], crop_hashes=[], verification=None,
        )  # fmt: skip
    return count, tombstones, freed, names


def case_erase(*, case: Any, actor: Any, reason: str, category: kernel.Category | str) -> ErasureResult:
    """Anonymise the case's personal data and delete its evidence files, recorded on its audit chain.

    `case`: a `cases.Case` (any instance: it is locked again here). `actor`: the user who asked (a deletion request
    being granted) or None for the scheduled sweep. `reason`: a short code or text kept in the event's private data
    — never personal data. `category`: the retention category under which it goes (`claim_record`,
    `unclaimed_report`, or `subject_request` for a person's request). Refusing a request while a duty holds is the
    caller's job (`retained_until`); this function erases. Idempotent: a case already erased records nothing more.
    """
    from claimbridge.cases.models import CaseParty, Claim
    from claimbridge.cases.services.record import case_lock, event_append

    chosen = _category(category)
    at = timezone.now()
    with transaction.atomic():
        locked = case_lock(pk=case.pk)
        parties = list(CaseParty.objects.filter(case_id=locked.pk).order_by("label"))
        personal = [p.label for p in parties if any(getattr(p, name) for name in PARTY_PERSONAL)]
        claims = Claim.objects.filter(party__case_id=locked.pk).exclude(payee_account="")
        has_payee = claims.exists()
        to_delete: list[str] = []
        items, freed = 0, 0
        tombstones: list[str] = []
        if locked.evidence_id is not None:
            items, tombstones, freed, to_delete = evidence_erase(evidence_file_id=locked.evidence_id, at=at)
        has_place = locked.latitude is not None or locked.longitude is not None
        agreement = (
            locked.agreement_name if locked.agreement_name and default_storage.exists(locked.agreement_name) else ""
        )
        if not (personal or has_payee or items or has_place or agreement or locked.join_code):
            return ErasureResult(subject=locked.number, category=chosen.value, already=True)
        for party in parties:
            for name in PARTY_PERSONAL:
                setattr(party, name, "")
            party.save(update_fields=list(PARTY_PERSONAL))  # save() keeps name_index following the name: blank
        for claim in claims:
            claim.payee_account = ""
            claim.save(update_fields=["payee_account"])
        type(locked).objects.filter(pk=locked.pk).update(latitude=None, longitude=None, join_code="")
        locked.latitude = locked.longitude = None
        locked.join_code = ""
        if agreement:
            to_delete.append(agreement)
        event = event_append(case=locked, kind="personal_data_erased", actor=actor,
                             data={"category": chosen.value, "parties": [p.label for p in parties], "items": items,
                                   "basis": reason[:200]})  # fmt: skip
        result = ErasureResult(subject=locked.number, category=chosen.value, parties=personal, items=items,
                               originals_deleted=tombstones, bytes_freed=freed, event_sequence=event.sequence)  # fmt: skip

        def delete() -> None:
            result.files_deleted = files_delete(to_delete)

        transaction.on_commit(delete)
    return result


def consultation_erase(*, consultation: Any, actor: Any, reason: str,
                       category: kernel.Category | str = kernel.Category.CONSULTATION) -> ErasureResult:  # fmt: skip
    """Anonymise a consultation (the asker's name and mobile, the question, the answer, notes and comment), keeping
    its state, topic, addressee and times for the figures, recorded as `personal_data_erased` on its own chain.
    Same arguments as `case_erase`; `category` is `consultation` (the sweep) or `subject_request`. Idempotent."""
    from claimbridge.consultations.models import Consultation
    from claimbridge.consultations.services import consultation_event

    chosen = _category(category)
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.question == ERASED_TEXT and not any(getattr(locked, name) for name in CONSULTATION_PERSONAL[:3]):
            return ErasureResult(subject=locked.number, category=chosen.value, already=True)
        for name in CONSULTATION_PERSONAL:
            setattr(locked, name, "")
        locked.question = ERASED_TEXT
        locked.save(update_fields=list(CONSULTATION_PERSONAL))
        event = consultation_event(consultation=locked, kind="personal_data_erased", actor=actor,
                                   data={"category": chosen.value, "basis": reason[:200]})  # fmt: skip
    return ErasureResult(subject=locked.number, category=chosen.value, parties=[locked.party_label or "asker"],
                         event_sequence=event.sequence)  # fmt: skip


def retained_until(case: Any, *, at: datetime | None = None, schedule: kernel.Schedule | None = None) -> Hold:
    """Whether a retention duty still holds the case at `at` (default now), so that a deletion request can be
    refused with the date: a case with a claim line is the insurer's claim record (Insurance Law art. 87: until the
    claim is closed and the contract ended five or ten years ago), one without is an unclaimed report."""
    from claimbridge.retention.facts import case_facts

    at = at or timezone.now()
    if schedule is None:
        from claimbridge.retention.services import schedule_in_force

        schedule = schedule_in_force()
    category, holder, facts = case_facts(case)
    decision = schedule.decide(category, holder, facts, at)
    if decision.expired:
        return Hold(False, decision.expires_at, category.value, "无保存义务", "no retention duty holds")
    if decision.expires_at is None:
        return Hold(True, None, category.value, "理赔尚未结案：结案后起算保存期限",
                    "the claim is still open: the retention period starts when it closes")  # fmt: skip
    day = decision.expires_at.astimezone(kernel.CHINA).date().isoformat()
    source = decision.minimum.source if decision.minimum else decision.rule.source
    return Hold(True, decision.expires_at, category.value, f"须保存至 {day}（{source}）",
                f"must be kept until {day} ({source})")  # fmt: skip
