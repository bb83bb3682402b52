"""Every write of the consultation service (R13): asking (from a proved phone, or recorded by an insurer's hotline for
a caller), answering, escalating to a specialist with a deadline, rating once, closing, turning an answered question
into a public FAQ entry, and designating specialists.

Each write runs in one transaction, asks the scope whether this actor may make this change (read access is the
selectors' question, asked before: a question the actor may not see is not found), moves the state by the one
transition table (`flow.py`) and appends an event to the question's keyed chain (decision 0012). Events carry codes
and ids, never the question's words.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from claimbridge.accounts.models import INSURER_ROLES, Role
from claimbridge.accounts.scope import may_rate, scope_for
from claimbridge.consultations import errors, flow
from claimbridge.consultations.deadlines import due_after_working_days
from claimbridge.consultations.models import Consultation, ConsultationEvent, FaqEntry, Specialist
from claimbridge.consultations.vocabulary import (
    ANSWER_MAX,
    CHANNELS,
    COMMENT_MAX,
    DEFAULT_WORKING_DAYS,
    NOTE_MAX,
    QUESTION_MAX,
    TOPICS,
)
from claimbridge.core.chains import chain_append
from claimbridge.core.crypto import blind_index
from claimbridge.core.errors import AppError
from claimbridge.core.inputs import unsafe_text
from claimbridge.core.numbers import daily_number
from claimbridge.organisations.models import Association, Insurer


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


def _topic(code: str) -> str:
    if code not in TOPICS:
        raise errors.invalid("unknown_topic", f"没有这个主题：{code}", f"No such topic: {code}", "topic")
    return code


def _number() -> str:
    return daily_number("ZX", Consultation)


# --- the event chain ------------------------------------------------------------------------------------------------


def consultation_event(*, consultation: Consultation, kind: str, actor: Any = None,
                       data: dict[str, Any] | None = None) -> ConsultationEvent:  # fmt: skip
    """Append to the question's keyed chain, in the caller's transaction (its row locked: the chain never forks)."""
    return chain_append(head=consultation, event=ConsultationEvent(consultation=consultation, kind=kind, data=data or {}),
                        payload=lambda event: event.payload(consultation.number), actor=actor)  # fmt: skip


def _locked(consultation: Consultation) -> Consultation:
    """The row locked for the rest of the transaction and read again: each step is checked against the state it
    changes, never a copy another request has moved on since (two staff answering at once: one wins)."""
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    consultation.state = locked.state
    return locked


def _move(consultation: Consultation, action: str) -> str:
    try:
        return flow.next_state(action, consultation.state)
    except flow.NotNow as not_now:
        text = not_now.text
        raise AppError("illegal_transition", text.zh, text.en, status=409) from None


# --- asking ---------------------------------------------------------------------------------------------------------


def _addressee(*, insurer_code: str, city_code: str) -> tuple[Insurer | None, Association | None]:
    if insurer_code:
        insurer = Insurer.objects.filter(code=insurer_code[:20]).first()
        if insurer is None:
            raise errors.invalid("unknown_insurer", "没有这家保险公司", "No such insurer", "insurer")
        return insurer, None
    if city_code:
        association = Association.objects.select_related("city").filter(city__code=city_code[:6]).first()
        if association is None:
            raise errors.invalid("unknown_city", "没有这个城市的行业协会", "No association for this city", "city")
        return None, association
    raise errors.addressee_needed()


def _case_addressee(party: Any) -> tuple[Insurer | None, Association | None]:
    """On a case: the party's insurer of record (decided by the policy register when the party was recorded,
    `cases.services.parties`); without one, the association of the accident's city."""
    if party.insurer_id is not None:
        return party.insurer, None
    return None, Association.objects.select_related("city").get(city_id=party.case.city_id)


def consultation_ask(*, phone: str, question: str, topic: str = "other", case_number: str = "",
                     insurer_code: str = "", city_code: str = "", language: str = "zh-hans",
                     user: Any = None) -> Consultation:  # fmt: skip
    """A customer asks from the phone they proved in this session (`phone`: the normalised mobile, never typed here).
    On a case — one this phone is a party of — the question goes to the party's insurer of record; on its own, to the
    insurer or the city's association the customer chose."""
    from claimbridge.cases.selectors import PhoneProof, driver_party

    if not phone:
        raise errors.phone_not_proved()
    question = _text(question, field="question", limit=QUESTION_MAX)
    topic = _topic(topic)
    party = None
    if case_number:
        party = driver_party(proof=PhoneProof.of(phone=phone), number=case_number[:24])
        if party is None:
            raise errors.no_such_case()
        insurer, association = _case_addressee(party)
    else:
        insurer, association = _addressee(insurer_code=insurer_code, city_code=city_code)
    driver = user if getattr(user, "role", None) == Role.DRIVER else None
    with transaction.atomic():
        consultation = Consultation.objects.create(
            number=_number(), channel="web", topic=topic, insurer=insurer, association=association,
            case=party.case if party else None, party_label=party.label if party else "",
            asker_phone=phone, asker_phone_index=blind_index(phone, purpose="phone"), phone_proved=True,
            recorded_by=driver, language=language[:8] or "zh-hans", question=question,
        )  # fmt: skip
        consultation_event(consultation=consultation, kind="asked", actor=driver,
                           data={"channel": "web", "topic": topic, "case": bool(party), "insurer": insurer.code if insurer else "",
                                 "association": association.city.code if association else ""})  # fmt: skip
    return consultation


def consultation_record(*, user: Any, caller_phone: str, question: str, topic: str = "other", channel: str = "hotline",
                        caller_name: str = "", case_number: str = "") -> Consultation:  # fmt: skip
    """An insurer's hotline records a caller's question for its own company (R13). A case number is taken only when
    the staff member may see the case and their company covers a party of it."""
    from claimbridge.cases.selectors import case_get_for_user
    from claimbridge.core.phone_verification import normalise_mobile

    scope = scope_for(user)
    if not scope.may_record_consultation:
        raise errors.not_allowed()
    phone = normalise_mobile(caller_phone)
    question = _text(question, field="question", limit=QUESTION_MAX)
    name = _text(caller_name, field="caller_name", limit=40, required=False)
    topic = _topic(topic)
    if channel not in CHANNELS:
        raise errors.invalid("unknown_channel", "没有这个渠道", "No such channel", "channel")
    case, label = None, ""
    if case_number:
        case = case_get_for_user(user=user, number=case_number[:24])
        party = case.parties.filter(insurer_id=scope.insurer_id or 0).order_by("label").first() if case else None
        if case is None or party is None:
            raise errors.invalid("no_such_case", "没有找到本公司承保当事人的这个案件",
                                 "No case with this number where your company covers a party", "case")  # fmt: skip
        label = party.label
    with transaction.atomic():
        consultation = Consultation.objects.create(
            number=_number(), channel=channel, topic=topic, insurer_id=scope.insurer_id, case=case, party_label=label,
            asker_phone=phone, asker_phone_index=blind_index(phone, purpose="phone"), phone_proved=False,
            asker_name=name, recorded_by=user, question=question,
        )  # fmt: skip
        consultation_event(consultation=consultation, kind="asked", actor=user,
                           data={"channel": channel, "topic": topic, "case": case is not None,
                                 "insurer": consultation.insurer.code if consultation.insurer else ""})  # fmt: skip
    return consultation


# --- answering, escalating, rating, closing -------------------------------------------------------------------------


def consultation_answer(*, user: Any, consultation: Consultation, answer: str) -> Consultation:
    answer = _text(answer, field="answer", limit=ANSWER_MAX)
    with transaction.atomic():
        locked = _locked(consultation)
        if not scope_for(user).may_answer(locked):
            raise errors.not_allowed()
        target = _move(locked, "answer")
        by_specialist = locked.escalated_to is not None and locked.escalated_to.user_id == user.pk
        Consultation.objects.filter(pk=locked.pk).update(state=target, answer=answer, answered_by=user,
                                                         answered_at=timezone.now())  # fmt: skip
        consultation_event(consultation=locked, kind="answered", actor=user,
                           data={"from": locked.state, "by_specialist": by_specialist})  # fmt: skip
        from claimbridge.consultations.tasks import text_answered

        pk = locked.pk
        transaction.on_commit(lambda: text_answered.enqueue(consultation_id=pk), robust=True)  # the customer is told
    consultation.refresh_from_db()
    return consultation


def consultation_escalate(*, user: Any, consultation: Consultation, specialist_id: int, note: str = "",
                          working_days: int = DEFAULT_WORKING_DAYS) -> Consultation:  # fmt: skip
    """Hand the question to a specialist of the addressed organisation, due in `working_days` working days."""
    note = _text(note, field="note", limit=NOTE_MAX, required=False)
    if not 1 <= int(working_days) <= 10:
        raise errors.invalid(
            "bad_days", "时限为 1 至 10 个工作日", "The deadline is 1 to 10 working days", "working_days"
        )
    with transaction.atomic():
        locked = _locked(consultation)
        scope = scope_for(user)
        if not scope.may_escalate(locked):
            raise errors.not_allowed()
        specialist = Specialist.objects.select_related("user").filter(pk=specialist_id).first()
        if specialist is None or not scope.may_escalate_to(locked, specialist):
            raise errors.not_a_specialist()
        target = _move(locked, "escalate")
        now = timezone.now()
        due = due_after_working_days(now, int(working_days))
        Consultation.objects.filter(pk=locked.pk).update(state=target, escalated_to=specialist, escalated_at=now,
                                                         escalation_note=note, due_at=due)  # fmt: skip
        consultation_event(consultation=locked, kind="escalated", actor=user,
                           data={"specialist": specialist.pk, "due_at": due.isoformat(), "working_days": int(working_days)})  # fmt: skip
    consultation.refresh_from_db()
    return consultation


def consultation_rate(*, phone: str, consultation: Consultation, rating: int, comment: str = "") -> Consultation:
    """The customer rates the answer once, from the phone that asked (1 to 5, with an optional comment)."""
    comment = _text(comment, field="comment", limit=COMMENT_MAX, required=False)
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise errors.invalid("bad_rating", "请选择 1 至 5 星", "Choose 1 to 5 stars", "rating")
    index = blind_index(phone, purpose="phone") if phone else ""
    with transaction.atomic():
        locked = _locked(consultation)
        if not may_rate(locked, phone_index=index):
            raise errors.not_allowed()
        if locked.rated_at is not None:
            raise errors.already_rated()
        target = _move(locked, "rate")
        Consultation.objects.filter(pk=locked.pk).update(state=target, rating=rating, rating_comment=comment,
                                                         rated_at=timezone.now())  # fmt: skip
        consultation_event(consultation=locked, kind="rated", data={"rating": rating, "comment": bool(comment)})
    consultation.refresh_from_db()
    return consultation


def consultation_close(*, user: Any, consultation: Consultation) -> Consultation:
    with transaction.atomic():
        locked = _locked(consultation)
        if not scope_for(user).may_escalate(locked):  # the addressed organisation's staff close, as they escalate
            raise errors.not_allowed()
        target = _move(locked, "close")
        Consultation.objects.filter(pk=locked.pk).update(state=target, closed_at=timezone.now())
        consultation_event(consultation=locked, kind="closed", actor=user, data={"from": locked.state})
    consultation.refresh_from_db()
    return consultation


# --- the FAQ -------------------------------------------------------------------------------------------------------


def faq_entry_create(*, user: Any, consultation: Consultation, question_zh: str, answer_zh: str,
                     question_en: str = "", answer_en: str = "", topic: str = "") -> FaqEntry:  # fmt: skip
    """An answered question, rewritten by the staff without personal data, published in the public FAQ. The words
    are the staff's, never copied from the question: a check refuses a mobile, ID or account number left in."""
    from claimbridge.core.masking import redact_text

    fields = {"question_zh": (question_zh, 300, True), "answer_zh": (answer_zh, ANSWER_MAX, True),
              "question_en": (question_en, 300, False), "answer_en": (answer_en, ANSWER_MAX, False)}  # fmt: skip
    texts = {name: _text(value, field=name, limit=limit, required=required)
             for name, (value, limit, required) in fields.items()}  # fmt: skip
    for name, text in texts.items():
        if redact_text(text) != text:
            raise errors.invalid("personal_data", "请删去手机号、身份证号或账号等个人信息",
                                 "Take out the mobile, ID or account number: the FAQ is public", name)  # fmt: skip
    with transaction.atomic():
        locked = _locked(consultation)
        if not scope_for(user).may_publish_faq(locked):
            raise errors.not_allowed()
        if locked.state not in {"answered", "rated", "closed"} or not locked.answer:
            raise AppError("not_answered", "只有已答复的咨询才能整理为常见问题",
                           "Only an answered question can become a FAQ entry", status=409)  # fmt: skip
        entry = FaqEntry.objects.create(topic=_topic(topic or locked.topic), source=locked, insurer=locked.insurer,
                                        association=locked.association, created_by=user, **texts)  # fmt: skip
        consultation_event(consultation=locked, kind="faq_published", actor=user, data={"faq": entry.pk})
    return entry


# --- specialists ---------------------------------------------------------------------------------------------------


def specialist_problems(*, user: Any, insurer: Any, association: Any, topics: Iterable[str]) -> dict[str, str]:
    """What is wrong with a designation: one organisation, and the person belongs to it."""
    from django.utils.translation import gettext

    problems: dict[str, str] = {}
    if (insurer is None) == (association is None):
        problems["insurer"] = gettext("Name either an insurer or an association.")
    elif insurer is not None and not (getattr(user, "role", None) in INSURER_ROLES and user.insurer_id == insurer.pk):
        problems["user"] = gettext("A specialist of an insurer is one of its staff or adjusters.")
    elif association is not None and not (
        getattr(user, "role", None) == Role.ASSOCIATION_STAFF and user.association_id == association.pk
    ):
        problems["user"] = gettext("A specialist of an association is one of its staff.")
    unknown = [code for code in topics or [] if code not in TOPICS]
    if unknown:
        problems["topics"] = gettext("Unknown topics: %(codes)s") % {"codes": ", ".join(map(str, unknown))}
    return problems


def specialist_designate(*, user: Any, username: str, topics: Iterable[str] = ()) -> Specialist:
    """An association's staff designate one of their colleagues as the association's specialist (again active, when
    they had been stood down)."""
    from claimbridge.accounts.models import User

    scope = scope_for(user)
    association = getattr(user, "association", None)
    if association is None or not scope.may_manage_specialists(association):
        raise errors.not_allowed()
    person = User.objects.filter(username=str(username)[:150], association=association,
                                 role=Role.ASSOCIATION_STAFF, is_active=True).first()  # fmt: skip
    if person is None:
        raise errors.invalid("unknown_colleague", "没有这位本协会的工作人员", "No such colleague in your association",
                             "username")  # fmt: skip
    topics = list(dict.fromkeys(topics))
    problems = specialist_problems(user=person, insurer=None, association=association, topics=topics)
    if problems:
        field, message = next(iter(problems.items()))
        raise AppError("invalid_input", message, message, status=422, field=field)
    with transaction.atomic():
        specialist, _made = Specialist.objects.update_or_create(user=person, insurer=None, association=association,
                                                                defaults={"topics": topics, "active": True})  # fmt: skip
    return specialist


def specialist_stand_down(*, user: Any, specialist: Specialist) -> Specialist:
    association = specialist.association
    if association is None or not scope_for(user).may_manage_specialists(association):
        raise errors.not_allowed()
    Specialist.objects.filter(pk=specialist.pk).update(active=False)
    specialist.active = False
    return specialist
