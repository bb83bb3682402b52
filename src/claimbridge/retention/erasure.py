"""The erasure API (issue 20; PIPL art. 19 and 47; B8, R17, R19; decision 0028): what the retention sweep and a
person's deletion request both call. Stable signatures — the subject-request work calls these:

- `case_erase(*, case, actor, reason, category) -> ErasureResult`
- `consultation_erase(*, consultation, actor, reason, category) -> ErasureResult`
- `register_entry_erase(*, adjuster, actor, reason, category="adjuster_register") -> ErasureResult`
- `account_erase(*, user, actor, reason, category="account") -> ErasureResult`
- `clue_erase(*, clue, actor, reason, category="fraud_casework") -> ErasureResult`
- `policy_personal_erase(*, version, actor, reason, category="policy_register") -> ErasureResult`
- `subject_request_erase(*, request, actor, reason, category="subject_request") -> ErasureResult`
- `consents_erase(*, case, at=None) -> int`
- and the holds (`retention.holds`): `retained_until(case, *, at=None, schedule=None) -> Hold`, likewise
  `register_entry_retained_until(adjuster, …)`, `account_retained_until(user, …)`, `clue_retained_until(clue, …)`,
  `policy_retained_until(version, …)`, `subject_request_retained_until(request, …)`.

A person's deletion request passes `category="subject_request"`; the sweep passes the record's own category. Refusing
a request while a duty holds is the caller's job (the hold, with its date and reason); an erasure erases, except
that it refuses (`AppError`, 409) what may never be erased while it is in use: an active account, a register entry
that still stands, a clue whose casework is open, a request still being worked.

Erasure anonymises, it does not delete rows that the statistics or the audit chain need: every party's personal
fields are cleared (names, mobile, licence, the name typed to confirm, the device, plate and VIN, the blind indexes,
the claim's payee account), the accident's exact place goes (the county stays), the evidence originals and their
derived files are deleted from storage while their SHA-256 and size stay on the row (a tombstone: `evidence_verify`
skips the bytes, the orphan sweep and the backup no longer name them), the items are marked erased, the 协议书
PDF is deleted (its hash and verification code stay), and the case's consent records lose the mobile's blind index
and the device (they are kept as long as the data they allowed). The change is recorded as the event
`personal_data_erased` on the record's keyed chain (the case's, the consultation's, the register entry's, the
clue's, the request's), which for a case re-seals the rows as erasure left them: `audit verify` still passes, the
erasure is a recorded change, not a gap. The roll-ups count no personal field, so they are unchanged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from claimbridge.core.errors import AppError
from claimbridge.retention.holds import (
    Hold,
    account_retained_until,
    clue_retained_until,
    policy_retained_until,
    register_entry_retained_until,
    retained_until,
    subject_request_retained_until,
)
from claimbridge.rules import retention as kernel

logger = logging.getLogger(__name__)

C = kernel.Category
ERASABLE_CATEGORIES = frozenset({C.CLAIM_RECORD, C.UNCLAIMED_REPORT, C.CONSULTATION, C.SUBJECT_REQUEST})
# What each kind of record is erased under: its own retention category, or a person's request.
ERASED_UNDER = {"case": ERASABLE_CATEGORIES - {C.CONSULTATION}, "consultation": {C.CONSULTATION, C.SUBJECT_REQUEST},
                "register": {C.ADJUSTER_REGISTER, C.SUBJECT_REQUEST}, "account": {C.ACCOUNT, C.SUBJECT_REQUEST},
                "clue": {C.FRAUD_CASEWORK, C.SUBJECT_REQUEST}, "policy": {C.POLICY_REGISTER, C.SUBJECT_REQUEST},
                "request": {C.SUBJECT_REQUEST}}  # fmt: skip
ERASED_INDEX = "erased:"  # an erased register entry's or request's blind index: "erased:<pk>", never a person's
ERASED_USERNAME = "erased-{pk}"  # an erased account's user name: unique, and names no one
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

    subject: str  # the record's number (case, consultation, clue, request) or `<kind>:<pk>` (account, register…)
    category: str
    parties: list[str] = field(default_factory=list)  # labels anonymised
    items: int = 0  # evidence items marked erased
    originals_deleted: list[str] = field(default_factory=list)  # SHA-256 of the stored objects whose bytes went
    bytes_freed: int = 0
    files_deleted: int = 0  # originals, thumbnails, previews, the agreement PDF, a portrait
    consents: int = 0  # consent records anonymised with the case
    event_sequence: int | None = None
    already: bool = False


def _category(category: Any, kind: str = "case") -> kernel.Category:
    value = kernel.Category(str(category))
    if value not in ERASED_UNDER[kind]:
        raise ValueError(f"{value} is not a category a {kind} is erased under")
    return value


def _in_use(code: str, zh: str, en: str) -> AppError:
    return AppError(code, zh, en, status=409)


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
    `unclaimed_report`, or `subject_request` for a person's request). The case's consent records are anonymised
    with it (`ErasureResult.consents`). Refusing a request while a duty holds is the caller's job
    (`retained_until`); this function erases. Idempotent: a case already erased records nothing more.
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
        consents = _consents_of(locked.pk) if _consents_go_with_data(at) else _consents_of(locked.pk).none()
        if not (personal or has_payee or items or has_place or agreement or locked.join_code or consents.exists()):
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
        consented = consents.update(phone_index="", device="")
        event = event_append(case=locked, kind="personal_data_erased", actor=actor,
                             data={"category": chosen.value, "parties": [p.label for p in parties], "items": items,
                                   "consents": consented, "basis": reason[:200]})  # fmt: skip
        result = ErasureResult(subject=locked.number, category=chosen.value, parties=personal, items=items,
                               originals_deleted=tombstones, bytes_freed=freed, event_sequence=event.sequence,
                               consents=consented)  # fmt: skip

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

    chosen = _category(category, "consultation")
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


# --- consent records: kept as long as the data they allowed ---------------------------------------------------------


def _consents_go_with_data(at: datetime) -> bool:
    """Whether the consent rule in force lets a consent go the moment the data it allowed does (the default); a
    configured longer rule leaves them to the sweep."""
    from claimbridge.retention.facts import consent_facts
    from claimbridge.retention.services import schedule_in_force

    return schedule_in_force().decide(*consent_facts(erased_at=at), at).expired


def _consents_of(case_id: int) -> Any:
    from claimbridge.privacy.models import ConsentRecord

    return ConsentRecord.objects.filter(case_id=case_id).exclude(phone_index="", device="")


def consents_erase(*, case: Any, actor: Any = None, reason: str = "") -> int:
    """Anonymise the consent records of a case whose personal data was already erased (the mobile's blind index and
    the device go; purpose, notice version, channel and times stay, naming no one), recorded on the case's chain as
    `personal_data_erased` under `consent_record`. `case_erase` does the same for the consents of the case it
    erases; this is for consents left by an erasure made before it did. Returns how many were anonymised (0: none
    left, nothing recorded)."""
    from claimbridge.cases.services.record import case_lock, event_append

    with transaction.atomic():
        locked = case_lock(pk=case.pk)
        count = _consents_of(locked.pk).update(phone_index="", device="")
        if count:
            event_append(case=locked, kind="personal_data_erased", actor=actor,
                         data={"category": C.CONSENT_RECORD.value, "parties": [], "items": 0, "consents": count,
                               "basis": reason[:200]})  # fmt: skip
    return count


# --- data-subject requests -------------------------------------------------------------------------------------------

REQUEST_PERSONAL = ("phone", "correction", "note", "resolution")


def subject_request_erase(*, request: Any, actor: Any, reason: str,
                          category: kernel.Category | str = C.SUBJECT_REQUEST) -> ErasureResult:  # fmt: skip
    """Anonymise a done or refused request (`subjects.SubjectRequest`): the requester's mobile and its blind index
    (which becomes `erased:<pk>`), the value asked for, their note and the holder's note go; the number, kind, state,
    record asked about, holder, deadline, times, refusal code and date stay — the proof it was answered in time — and
    `personal_data_erased` is appended to its chain. A request's account stays linked (the account is erased on its
    own). Refuses (409) a request still being worked. Idempotent."""
    from claimbridge.subjects.flow import FINAL
    from claimbridge.subjects.models import SubjectRequest
    from claimbridge.subjects.services import subject_request_event

    chosen = _category(category, "request")
    with transaction.atomic():
        locked = SubjectRequest.objects.select_for_update().get(pk=request.pk)
        if locked.state not in FINAL:
            raise _in_use("erasure_request_open", "该请求尚在办理中，不能删除", "The request is still being worked: it "
                          "cannot be erased")  # fmt: skip
        tombstone = f"{ERASED_INDEX}{locked.pk}" if locked.phone_index else ""
        if locked.phone_index == tombstone and not any(getattr(locked, name) for name in REQUEST_PERSONAL):
            return ErasureResult(subject=locked.number, category=chosen.value, already=True)
        SubjectRequest.objects.filter(pk=locked.pk).update(phone_index=tombstone, **dict.fromkeys(REQUEST_PERSONAL, ""))
        event = subject_request_event(request=locked, kind="personal_data_erased", actor=actor,
                                      data={"category": chosen.value, "basis": reason[:200]})  # fmt: skip
    return ErasureResult(subject=locked.number, category=chosen.value, parties=["requester"],
                         event_sequence=event.sequence)  # fmt: skip


# --- the adjusters' register and accounts ----------------------------------------------------------------------------


def register_entry_erase(*, adjuster: Any, actor: Any, reason: str,
                         category: kernel.Category | str = C.ADJUSTER_REGISTER) -> ErasureResult:  # fmt: skip
    """Anonymise an adjusters' register entry (`credentials.Adjuster`): full name, ID number, phone, portrait (its
    file deleted after the commit) and details go; the blind index becomes `erased:<pk>` (it is unique among standing
    entries: the tombstone's is its own, never a person's); insurer, association, status, times and the credentials'
    numbers and dates stay, so a card shown later is still answered "revoked/expired". Recorded as
    `personal_data_erased` on the entry's chain. Refuses (409) an entry that still stands (`register_entry_retained_until`
    says until when). Idempotent."""
    from claimbridge.credentials.models import Adjuster
    from claimbridge.credentials.services import register_event
    from claimbridge.retention.facts import registration_ended

    chosen = _category(category, "register")
    with transaction.atomic():
        locked = Adjuster.objects.select_for_update().get(pk=adjuster.pk)
        tombstone = f"{ERASED_INDEX}{locked.pk}"
        if locked.id_index == tombstone:
            return ErasureResult(subject=f"register:{locked.pk}", category=chosen.value, already=True)
        if registration_ended(locked, at=timezone.now()) is None:
            raise _in_use("erasure_register_standing", "该查勘员登记仍然有效，不能删除",
                          "The register entry still stands: it cannot be erased")  # fmt: skip
        photo = locked.photo_name
        Adjuster.objects.filter(pk=locked.pk).update(full_name="", id_number="", phone="", photo_name="",
                                                     id_index=tombstone, details={})  # fmt: skip
        register_event(adjuster=locked, kind="personal_data_erased", actor=actor,
                       details={"category": chosen.value, "basis": reason[:200]})  # fmt: skip
        result = ErasureResult(subject=f"register:{locked.pk}", category=chosen.value, parties=["adjuster"],
                               event_sequence=locked.events_count)  # fmt: skip
        if photo:

            def delete() -> None:
                result.files_deleted = files_delete([photo])

            transaction.on_commit(delete)
    return result


def account_erase(*, user: Any, actor: Any, reason: str,
                  category: kernel.Category | str = C.ACCOUNT) -> ErasureResult:  # fmt: skip
    """Anonymise a deactivated platform account (`accounts.User`): the user name becomes `erased-<pk>`, the full
    name, mobile, its blind index and the e-mail go, the password can no longer be used and the account's API keys
    are revoked. The row stays — role, organisation, the join and deactivation dates — so every audit event that
    names it as its actor still names an account. Accounts have no chain of their own: the sweep's run counts it, a
    request's chain records it. Refuses (409) an active account. Idempotent."""
    from claimbridge.accounts.models import ApiKey, User

    chosen = _category(category, "account")
    at = timezone.now()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active:
            raise _in_use("erasure_account_active", "账户仍在使用，须先停用才能删除其个人信息",
                          "The account is active: deactivate it before its personal data is erased")  # fmt: skip
        tombstone = ERASED_USERNAME.format(pk=locked.pk)
        if locked.username == tombstone and not (locked.full_name or locked.phone or locked.email):
            return ErasureResult(subject=f"account:{locked.pk}", category=chosen.value, already=True)
        locked.username, locked.full_name, locked.phone, locked.email = tombstone, "", "", ""
        locked.set_unusable_password()
        locked.save(update_fields=["username", "full_name", "phone", "phone_index", "email", "password"])
        ApiKey.objects.filter(user=locked, revoked_at__isnull=True).update(revoked_at=at)
    return ErasureResult(subject=f"account:{locked.pk}", category=chosen.value, parties=["account"])


# --- fraud casework, the policy register -----------------------------------------------------------------------------


def clue_erase(*, clue: Any, actor: Any, reason: str,
               category: kernel.Category | str = C.FRAUD_CASEWORK) -> ErasureResult:  # fmt: skip
    """Anonymise a closed clue's casework (`fraud.Clue`): its people (names, ID numbers, phones and their indexes),
    plates, free texts (description, addenda, notes, file requests' questions and answers), exact place and photos
    (tombstones, as a case's); the clue's state, county, observations, decision, amount saved and rewards stay for
    the committee's figures. Recorded as `personal_data_erased` on the clue's chain. Refuses (409) a clue whose
    casework — its own, or the investigation it is linked into — is open (`clue_retained_until`). Idempotent."""
    from claimbridge.fraud.models import Addendum, Clue, ClueNote, CluePerson, ClueVehicle, FileRequest
    from claimbridge.fraud.services import clue_event
    from claimbridge.retention.facts import clue_facts

    chosen = _category(category, "clue")
    with transaction.atomic():
        locked = Clue.objects.select_for_update(of=("self",)).select_related("investigation").get(pk=clue.pk)
        if locked.events.filter(kind="personal_data_erased").exists():
            return ErasureResult(subject=locked.number, category=chosen.value, already=True)
        if clue_facts(locked)[2].anchors[kernel.Anchor.CASEWORK_CLOSED] is None:
            raise _in_use("erasure_casework_open", "线索或其并案调查尚未结案，不能删除",
                          "The clue or the investigation it is linked into is still open: it cannot be erased")  # fmt: skip
        people = CluePerson.objects.filter(clue=locked).update(name="", id_number="", phone="", name_index="",
                                                               id_index="", phone_index="")  # fmt: skip
        ClueVehicle.objects.filter(clue=locked).update(plate="")
        Addendum.objects.filter(clue=locked).update(text="")
        ClueNote.objects.filter(clue=locked).update(text="")
        FileRequest.objects.filter(clue=locked).update(question="", answer="")
        Clue.objects.filter(pk=locked.pk).update(description="", latitude=None, longitude=None)
        items, tombstones, freed, names = evidence_erase(evidence_file_id=locked.evidence_id, at=timezone.now())
        event = clue_event(clue=locked, kind="personal_data_erased", actor=actor,
                           data={"category": chosen.value, "basis": reason[:200], "items": items})  # fmt: skip
        result = ErasureResult(subject=locked.number, category=chosen.value, parties=["people"] if people else [],
                               items=items, originals_deleted=tombstones, bytes_freed=freed,
                               event_sequence=event.sequence)  # fmt: skip

        def delete() -> None:
            result.files_deleted = files_delete(names)

        transaction.on_commit(delete)
    return result


def policy_personal_erase(*, version: Any, actor: Any, reason: str,
                          category: kernel.Category | str = C.POLICY_REGISTER) -> ErasureResult:  # fmt: skip
    """Clear a policy register entry's personal field (`policies.PolicyVersion.personal`: the holder's and insured's
    names, ID numbers and phones); the cover (plate, VIN, period, limits) stays, so a past accident is still checked
    against it. The register is append-only and has no chain: a queryset update; the sweep's run counts it, a
    request's chain records it. Insurance Law art. 87 holds it five or ten years after the contract
    (`policy_retained_until`): refusing before then is the caller's job. Idempotent."""
    from claimbridge.policies.models import PolicyVersion

    chosen = _category(category, "policy")
    updated = PolicyVersion.objects.filter(pk=version.pk).exclude(personal="").update(personal="")
    return ErasureResult(subject=f"policy:{version.pk}", category=chosen.value, parties=["holder", "insured"] if
                         updated else [], already=not updated)  # fmt: skip


__all__ = [
    "ErasureResult", "Hold", "account_erase", "account_retained_until", "case_erase", "clue_erase",
    "clue_retained_until", "consents_erase", "consultation_erase", "evidence_erase", "files_delete",
    "policy_personal_erase", "policy_retained_until", "register_entry_erase", "register_entry_retained_until",
    "retained_until", "subject_request_erase", "subject_request_retained_until",
]  # fmt: skip
