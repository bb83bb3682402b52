"""Photos from a party's phone, filed in the case's evidence under the party who sent them (B1, B4)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from claimbridge.cases.models import Case, CaseParty
from claimbridge.cases.services.record import case_lock, event_append


def case_evidence_file(*, case: Case, user: Any = None) -> Any:
    """The case's evidence file, made the first time someone sends a photo; attaching it is recorded (the case's
    evidence file is sealed with its rows)."""
    from claimbridge.evidence.services import evidence_file_create

    with transaction.atomic():
        locked = case_lock(pk=case.pk)
        if locked.evidence_id is None:
            insurers = [p.insurer for p in locked.parties.select_related("insurer") if p.insurer]
            evidence = evidence_file_create(user=user, title=locked.number, accident_at=locked.accident_at,
                                            latitude=locked.latitude, longitude=locked.longitude, crs=locked.crs,
                                            insurers=insurers, county=locked.county)  # fmt: skip
            Case.objects.filter(pk=locked.pk).update(evidence=evidence)
            locked.evidence = evidence
            event_append(case=locked, kind="evidence_opened", actor=user, data={})
    case.evidence = locked.evidence
    return locked.evidence


def party_photo_upload(*, party: CaseParty, slot_code: str, upload: Any, upload_key: str = "") -> Any:
    """A driver's photo from their phone; a retry with the same key is the same photo, recorded once."""
    from claimbridge.evidence.services import evidence_item_upload
    from claimbridge.evidence.slots import SLOTS_BY_CODE

    case = party.case
    evidence = case_evidence_file(case=case)
    slot = SLOTS_BY_CODE.get(slot_code)
    with transaction.atomic():
        known = bool(upload_key) and evidence.items.filter(upload_key=upload_key[:80]).exists()
        item = evidence_item_upload(user=None, evidence_file=evidence, slot_code=slot_code,
                                    party=party.label if slot is not None and slot.per_party else "", upload=upload,
                                    upload_key=upload_key, uploaded_by_party=party.label)  # fmt: skip
        if not known:  # the case is taken after the upload: a slow upload holds no lock on it
            event_append(case=case_lock(pk=case.pk), kind="photo_added", actor=None,
                         data={"party": party.label, "slot": slot_code, "item": item.pk})  # fmt: skip
    return item
