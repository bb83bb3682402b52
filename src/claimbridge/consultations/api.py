"""/api/v1/consultations/…: the consultation service over the API (R13, B9).

Two kinds of caller: a customer's phone (the browser session in which the mobile was proved with a text-message
code, as `/api/v1/me/…`) and a signed-in user (an API key or a session: staff, specialists). Handlers are thin: they
parse, load through the selectors (404 for what the caller may not see) and call the services, which ask the scope
whether this caller may make this change. Every creating POST (a question, a FAQ entry) honours `Idempotency-Key`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.security import APIKeyCookie

from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.accounts.models import Role
from claimbridge.consultations import errors, selectors, services
from claimbridge.consultations.flow import STATES
from claimbridge.consultations.models import Consultation
from claimbridge.consultations.vocabulary import ANSWER_MAX, CHANNELS, COMMENT_MAX, NOTE_MAX, QUESTION_MAX, TOPICS
from claimbridge.core.crypto import blind_index
from claimbridge.core.errors import in_current_language, reading_english
from claimbridge.core.idempotency import answer_once
from claimbridge.core.inputs import Text
from claimbridge.core.schemas import StrictIn, responses

router = Router(tags=["consultations"])


class ProvedMobile(APIKeyCookie):
    """A customer's phone: the session in which the mobile was proved (cookie-borne, as /api/v1/me)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.session.get("verified_phone") or None


CALLERS = [*API_AUTH, ProvedMobile()]


class AskIn(StrictIn):
    question: Text(QUESTION_MAX)  # type: ignore[valid-type]
    topic: Literal[tuple(TOPICS)] = "other"  # type: ignore[valid-type]
    case: Text(24) = ""  # type: ignore[valid-type]  # a case this phone is a party of (or the hotline's company covers)
    insurer: Text(20) = ""  # type: ignore[valid-type]  # on its own: the insurer asked …
    city: Text(6) = ""  # type: ignore[valid-type]  # … or the city whose association is asked
    caller_phone: Text(20) = ""  # type: ignore[valid-type]  # the hotline: the caller's mobile
    caller_name: Text(40) = ""  # type: ignore[valid-type]
    channel: Literal[tuple(CHANNELS)] = "hotline"  # type: ignore[valid-type]  # the hotline: how the caller asked


class ConsultationAnswerIn(StrictIn):
    answer: Text(ANSWER_MAX)  # type: ignore[valid-type]


class EscalateIn(StrictIn):
    specialist: int
    note: Text(NOTE_MAX) = ""  # type: ignore[valid-type]
    working_days: Annotated[int, Field(ge=1, le=10)] = 2


class RateIn(StrictIn):
    rating: Annotated[int, Field(ge=1, le=5)]
    comment: Text(COMMENT_MAX) = ""  # type: ignore[valid-type]


class FaqIn(StrictIn):
    question_zh: Text(300)  # type: ignore[valid-type]
    answer_zh: Text(ANSWER_MAX)  # type: ignore[valid-type]
    question_en: Text(300) = ""  # type: ignore[valid-type]
    answer_en: Text(ANSWER_MAX) = ""  # type: ignore[valid-type]
    topic: Literal[tuple(TOPICS)] | None = None  # type: ignore[valid-type]


class ConsultationOut(Schema):
    number: str
    state: str
    state_name: str
    topic: str
    channel: str
    addressed_to: str  # the insurer's or the association's name
    insurer: str | None  # the insurer's code
    city: str | None  # the association's city code
    case: str | None
    asker_phone: str  # masked
    question: str
    answer: str
    answered_at: datetime | None
    escalated: bool
    due_at: datetime | None  # the specialist's deadline (staff and the specialist only)
    overdue: bool
    rating: int | None
    asked_at: datetime


class ConsultationListOut(Schema):
    consultations: list[ConsultationOut]


class FaqEntryOut(Schema):
    id: int
    topic: str
    question: str  # in the reader's language: English when asked for and written, Chinese otherwise
    answer: str
    question_zh: str
    answer_zh: str
    question_en: str
    answer_en: str


class FaqTopicOut(Schema):
    topic: str
    name: str
    entries: list[FaqEntryOut]


class FaqOut(Schema):
    topics: list[FaqTopicOut]


def _staff(request: HttpRequest) -> bool:
    """A signed-in user acting as themself (a driver's account asks through its proved phone, as anyone does)."""
    user = request.user
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) != Role.DRIVER


def _phone(request: HttpRequest) -> str:
    return str(request.session.get("verified_phone", "")) if hasattr(request, "session") else ""


def consultation_out(consultation: Consultation, *, staff: bool) -> dict[str, Any]:
    state = STATES[consultation.state]
    return {
        "number": consultation.number, "state": consultation.state, "state_name": in_current_language(state.zh, state.en),
        "topic": consultation.topic, "channel": consultation.channel, "addressed_to": consultation.addressee_name,
        "insurer": consultation.insurer.code if consultation.insurer else None,
        "city": consultation.association.city.code if consultation.association else None,
        "case": consultation.case.number if consultation.case else None, "asker_phone": consultation.masked_phone,
        "question": consultation.question, "answer": consultation.answer, "answered_at": consultation.answered_at,
        "escalated": consultation.escalated_at is not None, "due_at": consultation.due_at if staff else None,
        "overdue": consultation.overdue if staff else False, "rating": consultation.rating,
        "asked_at": consultation.created_at,
    }  # fmt: skip


def _once(
    request: HttpRequest, operation: str, body: Any, work: Callable[[], tuple[int, dict[str, Any]]]
) -> Status[Any]:
    who = (
        f"user:{request.user.pk}" if _staff(request) else f"phone:{blind_index(_phone(request), purpose='phone')[:24]}"
    )
    scope = f"{who}:consultations.{operation}"
    return Status(*answer_once(scope=scope, key=request.headers.get("Idempotency-Key", ""), body=body, work=work))


def _get(request: HttpRequest, number: str) -> Consultation:
    """For a signed-in user, what the scope lets them read; for a phone, its own questions."""
    found = (selectors.consultation_get_for_user(user=request.user, number=number) if _staff(request)
             else selectors.consultation_get_for_phone(phone=_phone(request), number=number))  # fmt: skip
    if found is None:
        raise errors.not_found()
    return found


@router.get("/faq", response=responses({200: FaqOut}), summary="The public FAQ: published entries by topic")
def faq(request: HttpRequest) -> dict[str, Any]:
    english = reading_english()
    return {"topics": [{
        "topic": group["code"], "name": in_current_language(group["text"].zh, group["text"].en),
        "entries": [{"id": e.pk, "topic": e.topic,
                     "question": e.question_en if english and e.question_en else e.question_zh,
                     "answer": e.answer_en if english and e.answer_en else e.answer_zh,
                     "question_zh": e.question_zh, "answer_zh": e.answer_zh, "question_en": e.question_en,
                     "answer_en": e.answer_en} for e in group["entries"]],
    } for group in selectors.faq_published()]}  # fmt: skip


@router.get("", auth=CALLERS, response=responses({200: ConsultationListOut}),
            summary="The caller's questions: a phone its own; staff their organisation's; a specialist those escalated to them")  # fmt: skip
def consultation_list(request: HttpRequest, state: str = "") -> dict[str, Any]:
    if _staff(request):
        found = list(selectors.consultation_list_for_user(user=request.user, state=state)[: selectors.LIST_LIMIT])
    else:
        found = [c for c in selectors.consultations_for_phone(phone=_phone(request)) if not state or c.state == state]
    return {"consultations": [consultation_out(c, staff=_staff(request)) for c in found]}


@router.post("", auth=CALLERS, response=responses({201: ConsultationOut, 200: ConsultationOut}),
             summary="Ask a question (a proved phone), or record a caller's question (an insurer's hotline); Idempotency-Key")  # fmt: skip
def consultation_create(request: HttpRequest, payload: AskIn) -> Status[Any]:
    def work() -> tuple[int, dict[str, Any]]:
        if _staff(request):
            made = services.consultation_record(user=request.user, caller_phone=payload.caller_phone,
                                                caller_name=payload.caller_name, question=payload.question,
                                                topic=payload.topic, channel=payload.channel, case_number=payload.case)  # fmt: skip
        else:
            made = services.consultation_ask(phone=_phone(request), question=payload.question, topic=payload.topic,
                                             case_number=payload.case, insurer_code=payload.insurer,
                                             city_code=payload.city, language=request.LANGUAGE_CODE)  # fmt: skip
        return 201, consultation_out(made, staff=_staff(request))

    return _once(request, "create", payload, work)


@router.get("/{number}", auth=CALLERS, response=responses({200: ConsultationOut}), summary="One question")
def consultation_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    return consultation_out(_get(request, number), staff=_staff(request))


@router.post("/{number}/answer", auth=API_AUTH, response=responses({200: ConsultationOut}),
             summary="Answer: the addressed organisation's staff, or the specialist it was escalated to")  # fmt: skip
def consultation_answer(request: HttpRequest, number: str, payload: ConsultationAnswerIn) -> dict[str, Any]:
    done = services.consultation_answer(user=request.user, consultation=_get(request, number), answer=payload.answer)
    return consultation_out(done, staff=True)


@router.post("/{number}/escalate", auth=API_AUTH, response=responses({200: ConsultationOut}),
             summary="Escalate to a specialist of the addressed organisation, due in working days (2 by default)")  # fmt: skip
def consultation_escalate(request: HttpRequest, number: str, payload: EscalateIn) -> dict[str, Any]:
    done = services.consultation_escalate(user=request.user, consultation=_get(request, number),
                                          specialist_id=payload.specialist, note=payload.note,
                                          working_days=payload.working_days)  # fmt: skip
    return consultation_out(done, staff=True)


@router.post("/{number}/rate", auth=CALLERS, response=responses({200: ConsultationOut}),
             summary="The customer rates the answer, once (1–5, an optional comment), from the phone that asked")  # fmt: skip
def consultation_rate(request: HttpRequest, number: str, payload: RateIn) -> dict[str, Any]:
    done = services.consultation_rate(phone=_phone(request), consultation=_get(request, number), rating=payload.rating,
                                      comment=payload.comment)  # fmt: skip
    return consultation_out(done, staff=_staff(request))


@router.post("/{number}/close", auth=API_AUTH, response=responses({200: ConsultationOut}),
             summary="Close the question (the addressed organisation's staff)")  # fmt: skip
def consultation_close(request: HttpRequest, number: str) -> dict[str, Any]:
    done = services.consultation_close(user=request.user, consultation=_get(request, number))
    return consultation_out(done, staff=True)


@router.post("/{number}/faq", auth=API_AUTH, response=responses({201: FaqEntryOut, 200: FaqEntryOut}),
             summary="Publish an answered question, rewritten without personal data, in the FAQ (Idempotency-Key)")  # fmt: skip
def consultation_faq(request: HttpRequest, number: str, payload: FaqIn) -> Status[Any]:
    consultation = _get(request, number)

    def work() -> tuple[int, dict[str, Any]]:
        entry = services.faq_entry_create(user=request.user, consultation=consultation, question_zh=payload.question_zh,
                                          answer_zh=payload.answer_zh, question_en=payload.question_en,
                                          answer_en=payload.answer_en, topic=payload.topic or "")  # fmt: skip
        return 201, {"id": entry.pk, "topic": entry.topic, "question": entry.question_zh, "answer": entry.answer_zh,
                     "question_zh": entry.question_zh, "answer_zh": entry.answer_zh,
                     "question_en": entry.question_en, "answer_en": entry.answer_en}  # fmt: skip

    return _once(request, f"{consultation.pk}.faq", payload, work)
