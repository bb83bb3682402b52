"""Every read of a person's own data (PIPL arts. 44–45, decision 0030) and of the requests about it.

A person is a `Subject`: a mobile proved with a text-message code (read by its blind index, through the same rule
as 我的案件: `cases.selectors.PhoneProof`) or a signed-in account. What the platform holds about them: the parties of
cases whose proved mobile is theirs — their own party only, never the other party's — the questions asked from the
mobile, the consent records (the privacy app's hook), their requests; for an account, the account itself and the
adjusters' register entries linked to it with their credentials. Staff read the requests their organisation holds
through the scope (`Scope.subject_requests_q`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from claimbridge.accounts.scope import scope_for, subject_requests_of_phone_q
from claimbridge.core.crypto import blind_index
from claimbridge.core.masking import mask_bank_account, mask_id_number, mask_name, mask_phone
from claimbridge.subjects import hooks
from claimbridge.subjects.models import SubjectRequest
from claimbridge.subjects.vocabulary import FIELDS, RECORD_NAMES

SCHEMA = "claimbridge.subject-data"
SCHEMA_VERSION = 1
LIST_LIMIT = 200
_RELATED = ("holder_association__city", "holder_insurer", "worked_by", "user")


@dataclass(frozen=True)
class Subject:
    """Whom a copy or a request is about: a proved mobile (normalised) or an account; never both."""

    phone: str = ""
    user: Any = None

    @property
    def phone_index(self) -> str:
        return blind_index(self.phone, purpose="phone") if self.phone else ""

    @property
    def key(self) -> str:
        """A pseudonymous name of the person for logs and idempotency scopes: never the number itself."""
        return f"phone:{self.phone_index[:24]}" if self.phone else f"user:{getattr(self.user, 'pk', '')}"

    @property
    def empty(self) -> bool:
        return not self.phone and not getattr(self.user, "is_authenticated", False)


# --- what is held about the person ---------------------------------------------------------------------------------


def subject_parties(*, subject: Subject) -> list[Any]:
    """The parties this mobile is (its own party of each case, never the others)."""
    from claimbridge.cases.selectors import PhoneProof, driver_parties

    if not subject.phone:
        return []
    return driver_parties(proof=PhoneProof.of(phone=subject.phone))


def subject_consultations(*, subject: Subject) -> list[Any]:
    from claimbridge.consultations.selectors import consultations_for_phone

    return consultations_for_phone(phone=subject.phone) if subject.phone else []


def subject_register_entries(*, subject: Subject) -> list[Any]:
    from claimbridge.credentials.models import Adjuster

    if subject.user is None or not getattr(subject.user, "is_authenticated", False):
        return []
    return list(Adjuster.objects.filter(account=subject.user).select_related("insurer", "association__city")
                .prefetch_related("credentials").order_by("-submitted_at"))  # fmt: skip


def requests_for_subject(*, subject: Subject) -> list[SubjectRequest]:
    """The person's own requests, the newest first."""
    if subject.phone:
        query = SubjectRequest.objects.filter(subject_requests_of_phone_q(subject.phone_index))
    elif subject.user is not None and getattr(subject.user, "is_authenticated", False):
        query = SubjectRequest.objects.filter(user=subject.user)
    else:
        return []
    return list(query.select_related(*_RELATED).order_by("-received_at", "-pk")[:LIST_LIMIT])


def request_get_for_subject(*, subject: Subject, number: str) -> SubjectRequest | None:
    return next((r for r in requests_for_subject(subject=subject) if r.number == str(number)[:24]), None)


def _when(moment: Any) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _hidden(value: str, mask: Any, masked: bool) -> str:
    return (mask(value) if masked else value) if value else ""


def _party(party: Any, *, masked: bool) -> dict[str, Any]:
    from claimbridge.cases.models import Claim

    case = party.case
    claim = Claim.objects.filter(party=party).first()
    return {
        "case": case.number, "state": case.state, "accident_at": _when(case.accident_at),
        "county": case.county.name if case.county else None, "party": party.label, "plate": party.plate,
        "vin": party.vin, "driver_name": _hidden(party.driver_name, mask_name, False),
        "driver_phone": _hidden(party.driver_phone, mask_phone, masked),
        "driver_licence": _hidden(party.driver_licence, mask_id_number, masked),
        "insurer": party.insurer.display_name if party.insurer else None,
        "ctpl_policy_number": party.ctpl_policy_number, "vehicle_type": party.vehicle_type,
        "collision_part": party.collision_part, "circumstances": list(case.circumstances.get(party.label, [])),
        "confirmed_at": _when(party.confirmed_at),
        "claim": None if claim is None else {
            "state": claim.state, "registered_at": _when(claim.registered_at),
            "payable": str(claim.payable) if claim.payable is not None else None,
            "paid_amount": str(claim.paid_amount) if claim.paid_amount is not None else None,
            "paid_at": _when(claim.paid_at), "payee_account": _hidden(claim.payee_account, mask_bank_account, masked),
        },
    }  # fmt: skip


def _consultation(consultation: Any) -> dict[str, Any]:
    return {"number": consultation.number, "state": consultation.state, "topic": consultation.topic,
            "addressed_to": consultation.addressee_name, "case": consultation.case.number if consultation.case else None,
            "question": consultation.question, "answer": consultation.answer,
            "asked_at": _when(consultation.created_at), "answered_at": _when(consultation.answered_at)}  # fmt: skip


def request_out(request: SubjectRequest) -> dict[str, Any]:
    return {"number": request.number, "kind": request.kind, "state": request.state,
            "record": request.record_label, "record_name": record_title(request.record_kind, request.record_ref),
            "field": request.field, "field_name": field_title(request.record_kind, request.field),
            "holder": request.holder_name,
            "received_at": _when(request.received_at), "deadline": _when(request.deadline),
            "overdue": request.overdue, "worked_at": _when(request.worked_at),
            "refusal": {"code": request.refusal_code, "zh": request.refusal_zh, "en": request.refusal_en}
            if request.state == "refused" else None,
            "retained_until": request.retained_until.isoformat() if request.retained_until else None}  # fmt: skip


def _account(user: Any, *, masked: bool) -> dict[str, Any]:
    organisation = (
        user.insurer or user.association or getattr(user, "committee", None) or getattr(user, "police_unit", None)
    )
    return {"username": user.username, "full_name": user.full_name, "phone": _hidden(user.phone, mask_phone, masked),
            "role": user.role, "organisation": getattr(organisation, "display_name", str(organisation or "")) or None,
            "joined_at": _when(user.date_joined), "last_login": _when(user.last_login)}  # fmt: skip


def _entry(entry: Any, *, masked: bool) -> dict[str, Any]:
    return {"id": entry.pk, "insurer": entry.insurer.display_name, "association": entry.association.display_name,
            "full_name": entry.full_name, "id_number": _hidden(entry.id_number, mask_id_number, masked),
            "phone": _hidden(entry.phone, mask_phone, masked), "status": entry.status,
            "submitted_at": _when(entry.submitted_at), "decided_at": _when(entry.decided_at),
            "credentials": [{"number": c.number, "valid_from": c.valid_from.isoformat(),
                             "valid_until": c.valid_until.isoformat(), "revoked_at": _when(c.revoked_at)}
                            for c in entry.credentials.all()]}  # fmt: skip


def holdings(*, subject: Subject, masked: bool = True) -> dict[str, Any]:
    """Everything the platform holds about the person, in the documented shape of the copy (decision 0030, schema
    version 1). `masked` for the page (numbers masked); the downloaded copy is the person's own, in full."""
    data: dict[str, Any] = {
        "schema": SCHEMA, "schema_version": SCHEMA_VERSION, "generated_at": _when(timezone.now()),
        "subject": {"kind": "phone" if subject.phone else "account",
                    "phone": _hidden(subject.phone, mask_phone, masked) if subject.phone else None},
        "cases": [_party(p, masked=masked) for p in subject_parties(subject=subject)],
        "consultations": [_consultation(c) for c in subject_consultations(subject=subject)],
        "consents": hooks.consents_for(phone_index=subject.phone_index, user=subject.user),
        "requests": [request_out(r) for r in requests_for_subject(subject=subject)],
        "account": None, "register": [],
    }  # fmt: skip
    if not subject.phone and subject.user is not None:
        data["account"] = _account(subject.user, masked=masked)
        data["register"] = [_entry(e, masked=masked) for e in subject_register_entries(subject=subject)]
    return data


def record_title(record_kind: str, reference: str, *, english: bool = False) -> str:
    """A record as the person reads it: 事故案件 LN…, 咨询 Q…, 平台账号, 查勘员登记 12."""
    name = RECORD_NAMES.get(record_kind)
    said = (name.en if english else name.zh) if name is not None else record_kind
    return f"{said} {reference}".strip()


def field_title(record_kind: str, field: str, *, english: bool = False) -> str:
    text = FIELDS.get(record_kind, {}).get(field)
    return (text.en if english else text.zh) if text is not None else field


def correction_items(*, subject: Subject) -> list[tuple[str, list[tuple[str, str]]]]:
    """What a correction may be about, grouped by record: (the record's name, [("<record>|<field>", the field's name)]).
    Each record offers only its own fields, so no name appears twice in one group and no field is offered for a record
    that does not hold it."""
    from claimbridge.core.errors import in_current_language

    groups = []
    for value, shown in record_choices(subject=subject):
        kind = value.partition(":")[0]
        fields = [(f"{value}|{code}", in_current_language(text.zh, text.en)) for code, text in FIELDS[kind].items()]
        groups.append((shown, fields))
    return groups


def record_choices(*, subject: Subject) -> list[tuple[str, str]]:
    """What a request may be about, as (value, what to show): each case and question of the mobile; an account itself
    and its register entries."""
    choices = [(f"case:{p.case.number}", f"事故案件 {p.case.number}{' · ' + p.plate if p.plate else ''}")
               for p in subject_parties(subject=subject)]  # fmt: skip
    choices += [(f"consultation:{c.number}", f"咨询 {c.number}") for c in subject_consultations(subject=subject)]
    if not subject.phone and subject.user is not None:
        choices += [("account", "平台账号")]
        choices += [(f"register:{e.pk}", f"查勘员登记 {e.association.display_name}")
                    for e in subject_register_entries(subject=subject)]  # fmt: skip
    return choices


# --- the holders' queue --------------------------------------------------------------------------------------------


def queue_for_user(*, user: Any, state: str = "") -> QuerySet[SubjectRequest]:
    """The requests the user's organisation holds (not their own), open ones first, the nearest deadline first."""
    scope = scope_for(user)
    query = SubjectRequest.objects.filter(scope.subject_requests_q()).exclude(user_id=getattr(user, "pk", 0))
    if state:
        query = query.filter(state=state)
    return query.select_related(*_RELATED).order_by("worked_at", "deadline", "pk")


def request_get_for_user(*, user: Any, number: str) -> SubjectRequest | None:
    """The one access path to a request for a signed-in user: None when they may not read it."""
    return (SubjectRequest.objects.filter(scope_for(user).subject_requests_q(), number=str(number)[:24])
            .select_related(*_RELATED).first())  # fmt: skip


def days_left(request: SubjectRequest, *, now: datetime | None = None) -> int:
    """Whole days until the deadline (China's calendar): 0 on the last day, negative once overdue."""
    today = timezone.localdate(now or timezone.now())
    return (timezone.localdate(request.deadline) - today).days


def record_links(*, user: Any, requests: list[SubjectRequest]) -> dict[str, str]:
    """The staff page of each request's record, by request number — only where the user may read the record (the
    case through `cases.selectors.case_list_for_user`, the question through the consultations' scope)."""
    from django.urls import reverse

    from claimbridge.cases.selectors import case_list_for_user
    from claimbridge.consultations.models import Consultation

    cases = {r.record_ref for r in requests if r.record_kind == "case" and r.record_ref}
    questions = {r.record_ref for r in requests if r.record_kind == "consultation" and r.record_ref}
    seen_cases = set(case_list_for_user(user=user).filter(number__in=cases).values_list("number", flat=True)) \
        if cases else set()  # fmt: skip
    seen_questions = set(Consultation.objects.filter(scope_for(user).consultations_q(), number__in=questions)
                         .values_list("number", flat=True)) if questions else set()  # fmt: skip
    links = {}
    for r in requests:
        if r.record_kind == "case" and r.record_ref in seen_cases:
            links[r.number] = reverse("case", args=[r.record_ref])
        elif r.record_kind == "consultation" and r.record_ref in seen_questions:
            links[r.number] = reverse("consult-detail", args=[r.record_ref])
    return links


# --- what the holder may decide: the retention duties and the way a correction is made -----------------------------


def request_case(request: SubjectRequest) -> Any:
    """The case whose retention duty decides a deletion: the case itself, or the case a question was asked on."""
    from claimbridge.cases.models import Case
    from claimbridge.consultations.models import Consultation

    if request.record_kind == "case":
        return Case.objects.filter(number=request.record_ref).first()
    if request.record_kind == "consultation":
        consultation = Consultation.objects.filter(number=request.record_ref).select_related("case").first()
        return consultation.case if consultation is not None else None
    return None


@dataclass(frozen=True)
class Retention:
    """A retention duty as the desk shows it, from the retention app's answer (`retention.erasure.retained_until`)."""

    case: str  # the case whose duty it is
    held: bool
    until: date | None  # kept until (China's calendar); None while held: the period starts with an event to come
    duty_zh: str  # which duty: the category in the register's words (privacy.declarations.RETENTION_WORDS)
    duty_en: str
    why_zh: str  # the retention app's words: 须保存至 …（保险法 第八十七条 …）
    why_en: str
    record_zh: str = ""  # not a case: which record it is (平台账号, 查勘员登记)
    record_en: str = ""


@dataclass(frozen=True)
class Plan:
    """What the holder can do with a request, decided before they press anything.

    `way`: a deletion — "delete" (no duty: approving erases it), "keep" (a duty holds it: refuse, explaining the duty),
    "cannot" (this kind of record is not erased on the platform); a correction — "apply" (approving writes the new
    value to the record), "by_hand" (the holder corrects it elsewhere and says what was done), "cannot" (it cannot be
    corrected in place: refuse, saying why). `reason_*`: the explanation to the person, prefilled for keep and cannot;
    for by_hand what the holder should know. `retained_until`: the day a refusal for a duty records."""

    way: str
    reason_zh: str = ""
    reason_en: str = ""
    retention: tuple[Retention, ...] = field(default=())
    retained_until: date | None = None
    current: str = ""  # a correction: what the record holds now (masked)
    warning_zh: str = ""  # what the holder must know before approving (a signed agreement is not changed)
    warning_en: str = ""

    @property
    def refuse_only(self) -> bool:
        return self.way in ("keep", "cannot")


def retention_of(request: SubjectRequest, *, at: datetime | None = None) -> tuple[Retention, ...]:
    """The retention duty over the record a request names, as the retention app decides it: a case's (or the case a
    question was asked on), a platform account's, an adjusters' register entry's."""
    from claimbridge.privacy.declarations import RETENTION_WORDS

    at = at or timezone.now()
    number, record_zh, record_en = "", "", ""
    if request.record_kind in ("case", "consultation"):
        case = request_case(request)
        if case is None:
            return ()
        hold, number = hooks.retention_hold(case, at=at), case.number
    elif request.record_kind == "account" and request.user is not None:
        hold, record_zh, record_en = hooks.account_hold(request.user, at=at), "平台账号", "The platform account"
    elif request.record_kind == "register" and (entry := hooks.register_entry(request.record_ref)) is not None:
        hold, record_zh, record_en = hooks.register_hold(entry, at=at), "查勘员登记", "The adjusters' register entry"
    else:
        return ()
    words = RETENTION_WORDS.get(hold.category)
    duty_zh, duty_en = (words.zh, words.en) if words is not None else (hold.category, hold.category)
    until = timezone.localdate(hold.until) if hold.until is not None and hold.held else None
    return (Retention(case=number, held=hold.held, until=until, duty_zh=duty_zh, duty_en=duty_en,
                      why_zh=hold.zh, why_en=hold.en, record_zh=record_zh, record_en=record_en),)  # fmt: skip


_NOT_ERASED = ("平台上找不到申请所指的账号或查勘员登记，无法删除；如有疑问，请联系所属机构。",
               "The account or adjusters' register entry the request names is not on the platform any more, so "
               "there is nothing to erase; for questions, contact the organisation it belonged to.")  # fmt: skip
_PLATE_SETTLED = ("协议确认后号牌号码已决定承保公司和理赔，不能在原记录上直接更正；请联系承保公司核实后处理。",
                  "Once the agreement is confirmed the plate has decided the insurer and the claim: it cannot be "
                  "corrected in place; contact the insurer, which checks it.")  # fmt: skip
_ID_NUMBER = ("身份证号码是登记册识别同一人的依据（盲索引）并经协会核验，不能在原登记上直接更正：请所属公司重新报送登记，协会将重新核验。",
              "The ID number is how the register knows one person (a blind index) and was checked on review: it "
              "cannot be corrected in place; the adjuster's company submits the entry again and the association "
              "checks it again.")  # fmt: skip
_REGISTER_BY_HAND = ("查勘员登记由所属公司更正：请在登记册中退回补正，公司更正后重新报送，并在此写明已做的处理。",
                     "A register entry is corrected by the adjuster's company: return it for correction in the "
                     "register, and say here what was done.")  # fmt: skip
_AGREEMENT_KEPT = ("该案件的协议书已经签署：同意后只更正案件记录（时间线记为依本申请更正），已签署的协议书不会改变，仍是原来的内容。",
                   "The case's agreement is already signed: approving corrects the case's record only (its timeline "
                   "records the correction on this request); the signed agreement is not changed and keeps the old "
                   "value.")  # fmt: skip
_BY_HAND = (
    "这一项不能自动更正：请在相应业务中更正，并在此写明已做的更正。",
    "This cannot be corrected automatically: correct it where it is kept and say here what was done.",
)
# A correction's way per record and field: "apply" writes the value when the holder approves it.
CORRECTION_WAYS: dict[str, dict[str, str]] = {
    "case": {"driver_name": "apply", "driver_licence": "apply", "plate": "apply", "vin": "apply"},
    "account": {"full_name": "apply", "phone": "apply"},
    "register": {"id_number": "cannot"},
}


def _current(request: SubjectRequest) -> str:
    """What the record holds now in the field asked about, masked (the holder compares it with the value asked)."""
    from claimbridge.core.masking import mask_name

    masks = {"driver_name": mask_name, "full_name": mask_name, "driver_licence": mask_id_number,
             "id_number": mask_id_number, "phone": mask_phone}  # fmt: skip
    holder: Any = None
    if request.record_kind == "case" and request.phone:
        holder = next((p for p in subject_parties(subject=Subject(phone=request.phone))
                       if p.case.number == request.record_ref), None)  # fmt: skip
    elif request.record_kind == "account":
        holder = request.user
    if holder is None or request.field not in CORRECTION_WAYS.get(request.record_kind, {}):
        return ""
    value = str(getattr(holder, request.field, "") or "")
    return masks.get(request.field, lambda text: text)(value) if value else ""


def request_plan(request: SubjectRequest, *, at: datetime | None = None) -> Plan:
    """The holder's choices for this request, with the retention duties that apply (decision 0030)."""
    from claimbridge.rules.case_flow import EDITABLE_STATES

    if request.kind == "deletion":
        duties = retention_of(request, at=at)
        if request.record_kind not in ("case", "consultation") and not duties:
            return Plan("cannot", *_NOT_ERASED)
        held = next((d for d in duties if d.held), None)
        if held is None:
            return Plan("delete", retention=duties)
        until = held.until or timezone.localdate(at or timezone.now())
        if held.until is not None:
            zh = f"依法须保存至 {held.until:%Y年%m月%d日}，届时删除。保存依据：{held.duty_zh}。"
            en = f"The law requires it to be kept until {held.until:%Y-%m-%d}; it is erased then. The duty: {held.duty_en}."
        else:
            zh = f"{held.why_zh}。依法须保存，保存期满后删除。保存依据：{held.duty_zh}。"
            en = f"{held.why_en[:1].upper()}{held.why_en[1:]}. The law requires it to be kept; it is erased when the period " \
                 f"ends. The duty: {held.duty_en}."  # fmt: skip
        return Plan("keep", zh[:300], en[:300], retention=duties, retained_until=until)
    way = CORRECTION_WAYS.get(request.record_kind, {}).get(request.field, "by_hand")
    current = _current(request)
    if way == "apply" and request.record_kind == "case" and request.field == "plate":
        case = request_case(request)
        if case is not None and case.state not in EDITABLE_STATES:
            return Plan("cannot", *_PLATE_SETTLED, current=current)
    if way == "cannot":
        return Plan("cannot", *_ID_NUMBER, current=current)
    if way == "by_hand":
        return Plan("by_hand", *(_REGISTER_BY_HAND if request.record_kind == "register" else _BY_HAND))
    if request.record_kind == "case":
        case = request_case(request)
        if case is not None and case.state not in EDITABLE_STATES:
            return Plan("apply", current=current, warning_zh=_AGREEMENT_KEPT[0], warning_en=_AGREEMENT_KEPT[1])
    return Plan("apply", current=current)


def subject_request_chains_verify() -> list[str]:
    """Every data-subject request whose event chain is broken, as `data request N: what is wrong` — for `audit
    verify`."""
    from claimbridge.core.chains import chain_verify
    from claimbridge.subjects.models import SubjectRequest, SubjectRequestEvent

    return chain_verify(heads=SubjectRequest.objects.only("pk", "number", "events_count", "last_event_hash"),
                        events=SubjectRequestEvent.objects.all(), head_field="request",
                        name=lambda request: f"data request {request.number}",
                        payload=lambda request, event: event.payload(request.number))  # fmt: skip
