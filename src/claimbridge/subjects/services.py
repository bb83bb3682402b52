"""Every write of the personal data requests (PIPL arts. 46–47, decision 0030): a person asks for a correction or a
deletion of a record the platform holds about them; the holding organisation's staff start, complete or refuse it.

The holder rule, in one place (`_holder`): a driver's request about a case goes to the insurance association of the
case's city (the associations run the platform), except a correction of the claim record, which goes to the party's
insurer; a question goes to the association it was put to, or the case's city's, or the insurer it was put to when
on its own; an adjuster's request goes to the association that issued the register entry's credential (their latest
entry for the account). The deadline is `SUBJECT_REQUEST_DEADLINE_DAYS` after receipt.

A deletion is completed only when no retention duty applies: completing one on a case asks `hooks.retained_until`
first and, while the law keeps the case, the request is refused with the date instead. Every change appends an
event to the request's keyed chain (decision 0012); events carry codes and ids, never the words asked.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claimbridge.accounts.scope import scope_for
from claimbridge.core.chains import chain_append
from claimbridge.core.errors import AppError
from claimbridge.core.inputs import unsafe_text
from claimbridge.core.numbers import daily_number
from claimbridge.organisations.models import Association
from claimbridge.subjects import errors, flow, hooks
from claimbridge.subjects.models import SubjectRequest, SubjectRequestEvent
from claimbridge.subjects.selectors import (
    Subject,
    subject_consultations,
    subject_parties,
    subject_register_entries,
)
from claimbridge.subjects.vocabulary import CORRECTION_MAX, FIELDS, NOTE_MAX, REASON_MAX


def _text(value: Any, *, field: str, limit: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise errors.required(field)
    if len(text) > limit:
        raise errors.too_long(field, limit)
    if unsafe_text(text):
        raise errors.invalid(
            "bad_characters", "包含无法接受的字符", "contains characters that cannot be accepted", field
        )
    return text


def _number() -> str:
    return daily_number("GR", SubjectRequest)


def subject_request_event(*, request: SubjectRequest, kind: str, actor: Any = None,
                          data: dict[str, Any] | None = None) -> SubjectRequestEvent:  # fmt: skip
    """Append to the request's keyed chain, in the caller's transaction (its row locked: the chain never forks)."""
    return chain_append(head=request, event=SubjectRequestEvent(request=request, kind=kind, data=data or {}),
                        payload=lambda event: event.payload(request.number), actor=actor)  # fmt: skip


# --- which record, and who holds it --------------------------------------------------------------------------------


def _record(*, subject: Subject, record: str) -> tuple[str, str, Any]:
    """(kind, reference, the object) of a record the platform holds about this person; refused otherwise."""
    kind, _, reference = str(record or "").partition(":")
    if kind == "case":
        party = next((p for p in subject_parties(subject=subject) if p.case.number == reference), None)
        if party is not None:
            return kind, reference, party
    elif kind == "consultation":
        found = next((c for c in subject_consultations(subject=subject) if c.number == reference), None)
        if found is not None:
            return kind, reference, found
    elif kind == "account" and not subject.phone and subject.user is not None:
        return kind, "", subject.user
    elif kind == "register" and not subject.phone:
        entry = next((e for e in subject_register_entries(subject=subject) if str(e.pk) == reference), None)
        if entry is not None:
            return kind, reference, entry
    raise errors.not_yours()


def _city_association(city_id: int | None) -> Association:
    association = Association.objects.filter(city_id=city_id).first() if city_id else None
    if association is None:
        raise errors.no_holder()
    return association


def _holder(*, subject: Subject, kind: str, record_kind: str, field: str, target: Any) -> tuple[Any, Any]:
    """(association, insurer) that must work the request: exactly one of them."""
    if record_kind == "case":
        if kind == "correction" and field == "claim" and target.insurer_id is not None:
            return None, target.insurer
        return _city_association(target.case.city_id), None
    if record_kind == "consultation":
        if target.association_id is not None:
            return target.association, None
        if target.case_id is not None:
            return _city_association(target.case.city_id), None
        return None, target.insurer
    entries = [target] if record_kind == "register" else subject_register_entries(subject=subject)
    if entries:
        return entries[0].association, None
    user = subject.user  # an account with no register entry: the organisation it belongs to
    if getattr(user, "association_id", None) is not None:
        return user.association, None
    if getattr(user, "insurer_id", None) is not None:
        return None, user.insurer
    raise errors.no_holder()


def subject_request_create(*, subject: Subject, kind: str, record: str, field: str = "", correction: str = "",
                           note: str = "") -> SubjectRequest:  # fmt: skip
    """The person asks: a correction (the field and the correct value) or a deletion of one record held about them."""
    if subject.empty:
        raise errors.not_proved()
    if kind not in flow.KINDS:
        raise errors.invalid("unknown_kind", "请选择更正或删除", "Choose correction or deletion", "kind")
    record_kind, reference, target = _record(subject=subject, record=record)
    if kind == "correction":
        if field not in FIELDS[record_kind]:
            raise errors.invalid("unknown_field", "请选择要更正的内容", "Choose what is to be corrected", "field")
        correction = _text(correction, field="correction", limit=CORRECTION_MAX)
    else:
        field, correction = "", ""
    note = _text(note, field="note", limit=NOTE_MAX, required=False)
    association, insurer = _holder(subject=subject, kind=kind, record_kind=record_kind, field=field, target=target)
    now = timezone.now()
    with transaction.atomic():
        request = SubjectRequest.objects.create(
            number=_number(),
            kind=kind,
            phone=subject.phone,
            phone_index=subject.phone_index,
            user=subject.user if not subject.phone else None,
            record_kind=record_kind,
            record_ref=reference,
            field=field,
            correction=correction,
            note=note,
            holder_association=association,
            holder_insurer=insurer,
            received_at=now,
            deadline=now + timedelta(days=settings.SUBJECT_REQUEST_DEADLINE_DAYS),
        )
        subject_request_event(request=request, kind="received", actor=subject.user,
                              data={"kind": kind, "record": request.record_label, "field": field,
                                    "holder": f"association:{association.pk}" if association else f"insurer:{insurer.pk}",
                                    "deadline": request.deadline.isoformat()})  # fmt: skip
    return request


# --- the holder works it -------------------------------------------------------------------------------------------


def _locked(request: SubjectRequest, user: Any) -> SubjectRequest:
    locked = (SubjectRequest.objects.select_for_update(of=("self",))  # PostgreSQL: not the nullable outer join
              .select_related("holder_association").get(pk=request.pk))  # fmt: skip
    if not scope_for(user).may_work_subject_request(locked):
        raise errors.not_allowed()
    return locked


def _move(request: SubjectRequest, action: str) -> str:
    try:
        return flow.next_state(action, request.state)
    except flow.NotNow as not_now:
        raise AppError("illegal_transition", not_now.text.zh, not_now.text.en, status=409) from None


def _worked(request: SubjectRequest, *, user: Any, state: str, kind: str, data: dict[str, Any]) -> SubjectRequest:
    request.state, request.worked_by, request.worked_at = state, user, timezone.now()
    request.save()
    subject_request_event(request=request, kind=kind, actor=user, data={"state": state} | data)
    return request


def _same(caller: SubjectRequest, locked: SubjectRequest) -> SubjectRequest:
    """The caller's object follows the change (it was made on the locked row)."""
    for field in SubjectRequest._meta.concrete_fields:
        setattr(caller, field.attname, getattr(locked, field.attname))
    return caller


def subject_request_start(*, user: Any, request: SubjectRequest) -> SubjectRequest:
    with transaction.atomic():
        locked = _locked(request, user)
        locked.state = _move(locked, "start")
        locked.save(update_fields=["state"])
        subject_request_event(request=locked, kind="started", actor=user, data={"state": locked.state})
    return _same(request, locked)


def subject_request_refuse(*, user: Any, request: SubjectRequest, reason_zh: str, reason_en: str = "",
                           code: str = "refused") -> SubjectRequest:  # fmt: skip
    """Refuse, with the reason in Chinese (and English, when given) that the person reads."""
    reason_zh = _text(reason_zh, field="reason_zh", limit=REASON_MAX)
    reason_en = _text(reason_en, field="reason_en", limit=REASON_MAX, required=False)
    with transaction.atomic():
        locked = _locked(request, user)
        state = _move(locked, "refuse")
        locked.refusal_code, locked.refusal_zh, locked.refusal_en = code, reason_zh, reason_en or reason_zh
        return _same(request, _worked(locked, user=user, state=state, kind="refused", data={"code": code}))


def _case_of(request: SubjectRequest) -> Any:
    from claimbridge.cases.models import Case

    return Case.objects.filter(number=request.record_ref).first()


def _consultation_of(request: SubjectRequest) -> Any:
    from claimbridge.consultations.models import Consultation

    return Consultation.objects.filter(number=request.record_ref).select_related("case").first()


def _retention_case(request: SubjectRequest) -> Any:
    """The case whose retention duty decides a deletion: the case itself, or the case a question was asked on."""
    if request.record_kind == "case":
        return _case_of(request)
    if request.record_kind == "consultation":
        consultation = _consultation_of(request)
        return consultation.case if consultation is not None else None
    return None


def subject_request_complete(*, user: Any, request: SubjectRequest, resolution: str = "") -> SubjectRequest:
    """Done: a correction made (what was done, in the holder's words), or a deletion carried out — unless a retention
    duty applies, when the deletion is refused with the date until which the law keeps the data."""
    resolution = _text(resolution, field="resolution", limit=NOTE_MAX, required=request.kind == "correction")
    with transaction.atomic():
        locked = _locked(request, user)
        state = _move(locked, "complete")
        if locked.kind == "deletion":
            now = timezone.now()
            case = _retention_case(locked)
            until = hooks.retained_until(case, at=now) if case is not None else None
            if until is not None:
                locked.retained_until = until
                locked.refusal_code = "retention"
                locked.refusal_zh = f"依法须保存至 {until:%Y年%m月%d日}，届时删除"
                locked.refusal_en = f"The law requires it to be kept until {until:%Y-%m-%d}; it is erased then"
                return _same(request, _worked(locked, user=user, state="refused", kind="refused",
                                              data={"code": "retention", "retained_until": until.isoformat()}))  # fmt: skip
            reason = f"subject request {locked.number}"
            if locked.record_kind == "case" and case is not None:
                hooks.case_erase(case=case, actor=user, reason=reason)
            elif locked.record_kind == "consultation":
                consultation = _consultation_of(locked)
                if consultation is not None:
                    hooks.consultation_erase(consultation=consultation, actor=user, reason=reason)
            else:
                raise AppError("erasure_unavailable", "该类记录暂不能在平台上删除，请拒绝并说明原因",
                               "Records of this kind cannot be erased on the platform yet: refuse, saying why",
                               status=409)  # fmt: skip
        locked.resolution = resolution
        done = _worked(locked, user=user, state=state, kind="done", data={"erased": locked.kind == "deletion"})
        return _same(request, done)
