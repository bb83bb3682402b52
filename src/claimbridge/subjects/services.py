"""Every write of the personal data requests (PIPL arts. 46–47, decision 0030): a person asks for a correction or a
deletion of a record the platform holds about them; the holding organisation's staff start, complete or refuse it.

The holder rule, in one place (`_holder`): a driver's request about a case goes to the insurance association of the
case's city (the associations run the platform), except a correction of the claim record, which goes to the party's
insurer; a question goes to the association it was put to, or the case's city's, or the insurer it was put to when
on its own; an adjuster's request goes to the association that issued the register entry's credential (their latest
entry for the account). The deadline is `SUBJECT_REQUEST_DEADLINE_DAYS` after receipt.

What the holder may do is decided before they press anything (`selectors.request_plan`): a deletion of a record a
retention duty keeps (`retention.erasure.retained_until`) cannot be approved — it is refused, explaining the duty,
and that refusal (the clerk's "refuse, explaining the duty", or the prefilled explanation kept) records the date
until which the data is kept; a refusal for the clerk's own reason records none; a correction of a field the platform can write is
applied to the record when approved, through the owning app (`cases.services.parties.party_details_save` while the
case may change; afterwards the party's row under the case's lock with a `party_updated` event on the case's chain;
an account's own row), one the platform cannot write safely in place (a register entry's ID number, the blind index
of the person; a plate once the agreement has decided the insurer) is refused with the reason, and any other is
corrected by hand with the holder saying what was done. The person is texted (`core.sms`, after the commit, in a
task) when the request is received and when it is worked (not when it is started). A second identical open request
(same kind, record, field and value) is refused with 409 naming the first; a correction to the value already held
is refused at filing. Every change appends an event to the request's keyed
chain (decision 0012); events carry codes and ids, never the words asked.
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
    request_case,
    request_plan,
    subject_consultations,
    subject_parties,
    subject_register_entries,
)
from claimbridge.subjects.vocabulary import CORRECTION_MAX, FIELDS, NAME_MAX, NOTE_MAX, REASON_MAX


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
        correction = correction_value(field, _text(correction, field="correction", limit=CORRECTION_MAX))
        if _held_value(target, field) == correction:
            raise errors.invalid("same_value", "记录中现在就是这个内容，无需更正：请填写正确的内容",
                                 "The record already says this, so there is nothing to correct: write what it "
                                 "should say", "correction")  # fmt: skip
    else:
        field, correction = "", ""
    note = _text(note, field="note", limit=NOTE_MAX, required=False)
    association, insurer = _holder(subject=subject, kind=kind, record_kind=record_kind, field=field, target=target)
    now = timezone.now()
    with transaction.atomic():
        _refuse_duplicate(subject=subject, kind=kind, record_kind=record_kind, reference=reference, field=field,
                          correction=correction)  # fmt: skip
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
        _text_person(request, "received")
    return request


def _held_value(target: Any, field: str) -> str | None:
    """What the record holds now in a field the person may correct (None: not a value the platform compares)."""
    if field in ("other", "claim") or not hasattr(target, field):
        return None
    return str(getattr(target, field) or "").strip()


def _refuse_duplicate(*, subject: Subject, kind: str, record_kind: str, reference: str, field: str,
                      correction: str) -> None:  # fmt: skip
    """409 when the person already has the same request open (same kind, record, field and value): the first one
    stands, and the answer names it. A replay of the same Idempotency-Key never gets here (the first answer is kept)."""
    from claimbridge.accounts.scope import subject_requests_of_phone_q

    mine = (SubjectRequest.objects.filter(subject_requests_of_phone_q(subject.phone_index)) if subject.phone
            else SubjectRequest.objects.filter(user=subject.user))  # fmt: skip
    open_ones = mine.filter(kind=kind, record_kind=record_kind, record_ref=reference, field=field,
                            state__in=("received", "in_progress")).order_by("received_at", "pk")  # fmt: skip
    # the value asked is encrypted (a random nonce each time): compared once decrypted
    first = next((r for r in open_ones if r.correction == correction), None)
    if first is not None:
        raise AppError("duplicate_request", f"您已提交过相同的申请 {first.number}，正在办理中：无需重复提交",
                       f"You already made the same request, {first.number}, and it is open: there is no need to "
                       f"send it again", status=409, details={"number": first.number})  # fmt: skip


def _text_person(request: SubjectRequest, moment: str) -> None:
    """The person is texted after the commit (core.sms, from a task: never inside the transaction, never raised)."""
    from claimbridge.subjects.tasks import text_request

    pk = request.pk
    transaction.on_commit(lambda: text_request.enqueue(request_id=pk, moment=moment), robust=True)


def _bad_value(zh: str, en: str) -> AppError:
    return errors.invalid("bad_value", zh, en, "correction")


def correction_value(field: str, value: str) -> str:
    """The value asked, checked as the owning app checks the field (the kernel's identifiers, the mobile rule) and
    written as it writes it; other fields are the person's words."""
    from claimbridge.rules.identifiers import check_id_number, check_plate, check_vin

    if field in ("driver_licence", "id_number"):
        number = value.replace(" ", "").upper()
        if not check_id_number(number).valid:
            raise _bad_value("身份证号码无效：请核对 18 位号码及末位校验码",
                             "Not a valid resident ID number: check its 18 characters and the last one")  # fmt: skip
        return number
    if field == "plate":
        plate = check_plate(value)
        if not plate.valid:
            raise _bad_value("号牌号码无效：例如 甘K12345", "Not a valid plate number, e.g. 甘K12345")
        return plate.normalized
    if field == "vin":
        vin = check_vin(value)
        if not vin.valid:
            raise _bad_value("车架号无效：请核对 17 位字符（第 9 位是校验位）",
                             "Not a valid VIN: check its 17 characters (the 9th is a check digit)")  # fmt: skip
        return vin.normalized
    if field == "phone":
        from claimbridge.core.phone_verification import normalise_mobile

        try:
            return normalise_mobile(value)
        except AppError:
            raise _bad_value("请填写 11 位中国大陆手机号码", "Enter an 11-digit mainland mobile number") from None
    if field in ("driver_name", "full_name") and len(value) > NAME_MAX:
        raise errors.too_long("correction", NAME_MAX)
    return value


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
    _text_person(request, "worked")
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
                           for_retention: bool = False) -> SubjectRequest:  # fmt: skip
    """Refuse, with the reason in Chinese (and English, when given) that the person reads — required. The refusal is
    recorded as one for a retention duty (code `retention`, the date until which the data is kept) only when the clerk
    refused explaining the duty (`for_retention`, the desk's "refuse, explaining the duty") or kept the plan's
    prefilled explanation, and the plan says a duty keeps the record; any other refusal is the clerk's own reason
    (code `refused`), whatever duty the record happens to be under."""
    reason_zh = _text(reason_zh, field="reason_zh", limit=REASON_MAX, required=False)
    if not reason_zh:
        raise errors.invalid("reason_required", "请写明不予办理的理由（申请人会看到）",
                             "Write why the request is refused (the person reads it)", "reason_zh")  # fmt: skip
    reason_en = _text(reason_en, field="reason_en", limit=REASON_MAX, required=False)
    with transaction.atomic():
        locked = _locked(request, user)
        state = _move(locked, "refuse")
        data: dict[str, Any] = {}
        code = "refused"
        if locked.kind == "deletion":
            plan = request_plan(locked)
            explained = for_retention or " ".join(reason_zh.split()) == " ".join(plan.reason_zh.split())
            if plan.way == "keep" and plan.retained_until is not None and explained:
                code, locked.retained_until = "retention", plan.retained_until
                data["retained_until"] = plan.retained_until.isoformat()
        locked.refusal_code, locked.refusal_zh, locked.refusal_en = code, reason_zh, reason_en or reason_zh
        return _same(request, _worked(locked, user=user, state=state, kind="refused", data={"code": code} | data))


def _consultation_of(request: SubjectRequest) -> Any:
    from claimbridge.consultations.models import Consultation

    return Consultation.objects.filter(number=request.record_ref).select_related("case").first()


def retention_applies(plan: Any) -> AppError:
    """409: a retention duty keeps the record — the holder refuses, explaining the duty; nothing was changed."""
    return AppError("retention_applies", f"该记录依法须保存，不能删除：请选择“不予办理并说明保存义务”。{plan.reason_zh}",
                    f"A retention duty keeps this record, so it cannot be erased: refuse, explaining the duty. "
                    f"{plan.reason_en}", status=409, details={"retained_until": plan.retained_until.isoformat()
                                                              if plan.retained_until else None})  # fmt: skip


def cannot_correct(plan: Any) -> AppError:
    return AppError(
        "cannot_correct_in_place",
        f"不能在原记录上更正：{plan.reason_zh}",
        f"It cannot be corrected in place: {plan.reason_en}",
        status=409,
    )


def _correction_apply(*, request: SubjectRequest, user: Any) -> str:
    """Write the value asked into the record through its owning app; returns what was done, in Chinese for the
    person (the holder's note may add to it)."""
    value = correction_value(request.field, request.correction)
    if request.record_kind == "case":
        party = next((p for p in subject_parties(subject=Subject(phone=request.phone))
                      if p.case.number == request.record_ref), None)  # fmt: skip
        if party is None:
            raise errors.not_yours()
        _party_correct(party=party, field=request.field, value=value, user=user, number=request.number)
    elif request.record_kind == "account" and request.user is not None:
        account = type(request.user).objects.select_for_update().get(pk=request.user.pk)
        setattr(account, request.field, value)
        account.save(update_fields=[request.field, "phone_index"] if request.field == "phone" else [request.field])
    else:  # pragma: no cover - request_plan offers "apply" for nothing else
        raise cannot_correct(request_plan(request))
    return f"已按申请更正{FIELDS[request.record_kind][request.field].zh}"


def _party_correct(*, party: Any, field: str, value: str, user: Any, number: str) -> None:
    """While the case may change, the drivers' own service (which re-reads the cover for a new plate and voids the
    confirmations, as any change does); once agreed, the party's row under the case's lock, with `party_updated` on
    the case's chain (its seal follows the row). Either way the event names the clerk as its actor and the request
    it answers (`request`): the timeline says a correction on a personal data request, not the driver's own change.
    The signed agreement is not re-issued: the correction is on the case's record (the plan warns the clerk)."""
    from claimbridge.cases.models import CaseParty
    from claimbridge.cases.services.parties import party_details_save
    from claimbridge.cases.services.record import case_lock, event_append
    from claimbridge.rules.case_flow import EDITABLE_STATES

    if party.case.state in EDITABLE_STATES:
        party_details_save(party=party, actor=user, subject_request=number, **{field: value})
        return
    case = case_lock(pk=party.case_id)
    row = CaseParty.objects.select_for_update().get(pk=party.pk)
    if getattr(row, field) == value:
        return
    setattr(row, field, value)
    row.save(update_fields=[field])  # the name's blind index follows the name (CaseParty.save)
    event_append(case=case, kind="party_updated", actor=user, data={"party": row.label, "fields": [field],
                                                                 "request": number})  # fmt: skip


def subject_request_complete(*, user: Any, request: SubjectRequest, resolution: str = "") -> SubjectRequest:
    """Approve: a deletion carried out, a correction applied to the record (or made by hand, the holder saying what
    was done). Refused with 409, nothing changed, when the plan says it cannot be done: a deletion a retention duty
    keeps (refuse it, explaining the duty), a correction that cannot be made in place (refuse it, saying why)."""
    with transaction.atomic():
        locked = _locked(request, user)
        state = _move(locked, "complete")
        plan = request_plan(locked)
        resolution = _text(resolution, field="resolution", limit=NOTE_MAX, required=plan.way == "by_hand")
        if plan.way == "keep":
            raise retention_applies(plan)
        if plan.way == "cannot":
            raise cannot_correct(plan) if locked.kind == "correction" else AppError(
                "erasure_unavailable", f"该类记录不能在平台上删除，请拒绝并说明原因。{plan.reason_zh}",
                f"Records of this kind cannot be erased on the platform: refuse, saying why. {plan.reason_en}",
                status=409)  # fmt: skip
        data: dict[str, Any] = {"erased": locked.kind == "deletion"}
        if locked.kind == "deletion":
            reason = f"subject request {locked.number}"
            if locked.record_kind == "case":
                case = request_case(locked)
                if case is not None:
                    hooks.case_erase(case=case, actor=user, reason=reason)
            elif locked.record_kind == "consultation":
                consultation = _consultation_of(locked)
                if consultation is not None:
                    hooks.consultation_erase(consultation=consultation, actor=user, reason=reason)
            elif locked.record_kind == "account" and locked.user is not None:
                hooks.account_erase(user=locked.user, actor=user, reason=reason)
            elif locked.record_kind == "register" and (entry := hooks.register_entry(locked.record_ref)) is not None:
                hooks.register_entry_erase(adjuster=entry, actor=user, reason=reason)
        elif plan.way == "apply":
            done = _correction_apply(request=locked, user=user)
            resolution = f"{done}。{resolution}" if resolution else done
            data["applied"] = locked.field
        locked.resolution = resolution
        return _same(request, _worked(locked, user=user, state=state, kind="done", data=data))
