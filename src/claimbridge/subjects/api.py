"""/api/v1/subjects/…: a person's own data and their requests about it (PIPL arts. 44–47, decision 0030).

Two kinds of person: a driver's phone (the browser session granted by `POST /proof` with a text-message code sent by
`POST /api/v1/phone/code`; the grant lasts 15 minutes) and a signed-in account (an adjuster: their account and
register entries). Staff of the holding organisation read their queue and work each request. Handlers are thin:
they parse, load through the selectors (404 for what the caller may not see) and call the services, which ask the
scope. The creating POST honours `Idempotency-Key`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from annotated_types import MaxLen
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.security import APIKeyCookie

from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.core.errors import in_current_language, reading_english
from claimbridge.core.idempotency import answer_once
from claimbridge.core.inputs import CLEAN, Text
from claimbridge.core.schemas import StrictIn, download_answer, responses
from claimbridge.subjects import errors, exports, grants, selectors, services
from claimbridge.subjects.flow import KINDS, STATES
from claimbridge.subjects.hooks import access_record
from claimbridge.subjects.models import SubjectRequest
from claimbridge.subjects.vocabulary import CORRECTION_MAX, NOTE_MAX, REASON_MAX

router = Router(tags=["subjects: my personal data"])


class GrantedPhone(APIKeyCookie):
    """A driver's phone: the session granted "my data" by a fresh text-message code (cookie-borne)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return grants.grant_phone(request) or None


PERSONS = [GrantedPhone(), *API_AUTH]


class ProofIn(StrictIn):
    phone: Annotated[str, MaxLen(20), CLEAN]
    sms_code: Annotated[str, MaxLen(6), CLEAN]


class GrantOut(Schema):
    phone: str  # masked
    seconds: int  # how long the grant lasts


class RequestIn(StrictIn):
    kind: Literal[tuple(KINDS)]  # type: ignore[valid-type]
    record: Text(40)  # type: ignore[valid-type]  # case:<number>, consultation:<number>, account, register:<id>
    field: Text(40) = ""  # type: ignore[valid-type]  # a correction: what is wrong (subjects/vocabulary.FIELDS)
    correction: Text(CORRECTION_MAX) = ""  # type: ignore[valid-type]  # a correction: the correct value
    note: Text(NOTE_MAX) = ""  # type: ignore[valid-type]


class WorkIn(StrictIn):
    action: Literal["start", "complete", "refuse"]
    resolution: Text(NOTE_MAX) = ""  # type: ignore[valid-type]  # complete: what was done (required when the plan is by_hand)
    reason_zh: Text(REASON_MAX) = ""  # type: ignore[valid-type]  # refuse: the reason, in Chinese …
    reason_en: Text(REASON_MAX) = ""  # type: ignore[valid-type]  # … and in English
    for_retention: bool = False  # refuse: explaining the retention duty the plan names (way keep): records the date


class HoldingsOut(Schema):
    """The copy's shape (decision 0030, schema version 1): its sections, each a list of records as documented there."""

    schema_name: str = Field(alias="schema")
    schema_version: int
    generated_at: str
    subject: dict[str, Any]
    cases: list[dict[str, Any]]
    consultations: list[dict[str, Any]]
    consents: list[dict[str, Any]]
    requests: list[dict[str, Any]]
    account: dict[str, Any] | None
    register_entries: list[dict[str, Any]] = Field(alias="register")


class RefusalOut(Schema):
    code: str
    zh: str
    en: str


class RequestOut(Schema):
    number: str
    kind: str  # correction, deletion
    kind_name: str
    state: str  # received, in_progress, done, refused
    state_name: str
    record: str  # case:<number>, consultation:<number>, account, register:<id>
    record_name: str  # the record as the person reads it, in the reader's language
    field: str
    field_name: str
    holder: str  # the organisation that works it
    received_at: datetime
    deadline: datetime  # received + SUBJECT_REQUEST_DEADLINE_DAYS
    days_left: int  # whole days to the deadline (China's calendar): 0 on the last day, negative once overdue
    overdue: bool
    worked_at: datetime | None
    refusal: RefusalOut | None
    retained_until: str | None  # a deletion refused for a retention duty: kept until (YYYY-MM-DD)
    resolution: str  # done: what was done (a correction applied says so)


class RetentionOut(Schema):
    case: str
    held: bool
    until: str | None  # YYYY-MM-DD; null while held: the period starts with an event to come (an open claim)
    duty: str  # the duty, in the reader's language
    why: str


class PlanOut(Schema):
    """What the holder may decide (the page shows the same): a deletion — delete, keep (a retention duty: refuse,
    explaining it), cannot; a correction — apply (approving writes the value), by_hand, cannot (refuse, saying why)."""

    way: Literal["delete", "keep", "apply", "by_hand", "cannot"]
    reason_zh: str  # keep, cannot: the explanation to the person to refuse with; by_hand: for the holder
    reason_en: str
    retained_until: str | None  # keep: the date a refusal records
    retention: list[RetentionOut]
    current: str  # a correction: what the record holds now (masked)
    warning: str  # apply: what the holder must know before approving (a signed agreement is not changed), or ""


class StaffRequestOut(RequestOut):
    phone: str  # masked
    correction: str  # the correct value asked
    note: str
    plan: PlanOut | None  # open requests only


class RequestListOut(Schema):
    requests: list[RequestOut]


class QueueOut(Schema):
    requests: list[StaffRequestOut]


def _out(request: SubjectRequest, *, staff: bool = False) -> dict[str, Any]:
    kind, state = KINDS[request.kind], STATES[request.state]
    found = {
        "number": request.number, "kind": request.kind, "kind_name": in_current_language(kind.zh, kind.en),
        "state": request.state, "state_name": in_current_language(state.zh, state.en), "record": request.record_label,
        "field": request.field, "holder": request.holder_name, "received_at": request.received_at,
        "deadline": request.deadline, "overdue": request.overdue, "worked_at": request.worked_at,
        "refusal": {"code": request.refusal_code, "zh": request.refusal_zh, "en": request.refusal_en}
        if request.state == "refused" else None,
        "retained_until": request.retained_until.isoformat() if request.retained_until else None,
        "record_name": selectors.record_title(request.record_kind, request.record_ref, english=reading_english()),
        "field_name": selectors.field_title(request.record_kind, request.field, english=reading_english())
        if request.field else "",
        "days_left": selectors.days_left(request), "resolution": request.resolution,
    }  # fmt: skip
    if staff:
        found |= {"phone": request.masked_phone, "correction": request.correction, "note": request.note,
                  "plan": _plan(request) if request.open else None}  # fmt: skip
    return found


def _plan(request: SubjectRequest) -> dict[str, Any]:
    plan = selectors.request_plan(request)
    return {"way": plan.way, "reason_zh": plan.reason_zh, "reason_en": plan.reason_en, "current": plan.current,
            "warning": in_current_language(plan.warning_zh, plan.warning_en) if plan.warning_zh else "",
            "retained_until": plan.retained_until.isoformat() if plan.retained_until else None,
            "retention": [{"case": d.case, "held": d.held, "until": d.until.isoformat() if d.until else None,
                           "duty": in_current_language(d.duty_zh, d.duty_en), "why": in_current_language(d.why_zh, d.why_en)}
                          for d in plan.retention]}  # fmt: skip


def _subject(request: HttpRequest) -> selectors.Subject:
    subject = grants.subject_of(request)
    if subject.empty:
        raise errors.not_proved()
    return subject


@router.post("/proof", response=responses({200: GrantOut}),
             summary="Prove the mobile with the code sent to it (POST /api/v1/phone/code): this session may then read "
                     "and download the mobile's data and ask for corrections and deletions, for 15 minutes")  # fmt: skip
def proof(request: HttpRequest, payload: ProofIn) -> dict[str, Any]:
    from claimbridge.core.masking import mask_phone

    phone = grants.grant_give(request, phone=payload.phone, sms_code=payload.sms_code)
    return {"phone": mask_phone(phone), "seconds": grants.GRANT_LIFETIME_SECONDS}


@router.get("/me", auth=PERSONS, response=responses({200: HoldingsOut}), by_alias=True,
            summary="Everything the platform holds about the caller (masked), in the copy's shape (schema version 1)")  # fmt: skip
def me(request: HttpRequest) -> dict[str, Any]:
    return selectors.holdings(subject=_subject(request), masked=True)


def _download(request: HttpRequest, what: str) -> HttpResponse:
    subject = _subject(request)
    data = selectors.holdings(subject=subject, masked=False)
    access_record(actor=request.user if request.user.is_authenticated else None, subject=subject.key,
                  what=f"subject-copy.{what}", purpose="subject_access")  # fmt: skip
    if what == "pdf":
        response = HttpResponse(exports.copy_pdf(data), content_type="application/pdf")
    else:
        response = HttpResponse(exports.copy_json(data), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="my-data.{what}"'
    response["Cache-Control"] = "no-store"
    return response


@router.get("/me/copy.json", auth=PERSONS, response=responses({}),
            openapi_extra={"responses": {200: {  # a download (Content-Disposition), in the shape of GET /me
                "description": "The copy, in full: schema claimbridge.subject-data v1",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HoldingsOut"}}}}}},
            summary="Download a machine-readable copy of the caller's data (recorded in the access log)")  # fmt: skip
def copy_json(request: HttpRequest) -> HttpResponse:
    return _download(request, "json")


@router.get("/me/copy.pdf", auth=PERSONS, response=responses({}),
            openapi_extra=download_answer("application/pdf", "The copy, in Chinese"),
            summary="Download the caller's data as a PDF (recorded in the access log)")  # fmt: skip
def copy_pdf(request: HttpRequest) -> HttpResponse:
    return _download(request, "pdf")


@router.get("/requests", auth=PERSONS, response=responses({200: RequestListOut}),
            summary="The caller's own requests, with their deadlines and states")  # fmt: skip
def my_requests(request: HttpRequest) -> dict[str, Any]:
    return {"requests": [_out(r) for r in selectors.requests_for_subject(subject=_subject(request))]}


@router.post("/requests", auth=PERSONS, response=responses({201: RequestOut, 200: RequestOut}),
             summary="Ask for a correction or a deletion of a record held about the caller (Idempotency-Key)")  # fmt: skip
def request_create(request: HttpRequest, payload: RequestIn) -> Status[Any]:
    subject = _subject(request)

    def work() -> tuple[int, dict[str, Any]]:
        made = services.subject_request_create(subject=subject, kind=payload.kind, record=payload.record,
                                               field=payload.field, correction=payload.correction, note=payload.note)  # fmt: skip
        return 201, _out(made)

    scope = f"{subject.key}:subjects.request"
    return Status(*answer_once(scope=scope, key=request.headers.get("Idempotency-Key", ""), body=payload, work=work))


@router.get("/queue", auth=API_AUTH, response=responses({200: QueueOut}),
            summary="The requests the caller's organisation holds: open ones first, the nearest deadline first")  # fmt: skip
def queue(request: HttpRequest, state: str = "") -> dict[str, Any]:
    found = selectors.queue_for_user(user=request.user, state=state)[: selectors.LIST_LIMIT]
    return {"requests": [_out(r, staff=True) for r in found]}


def _held(request: HttpRequest, number: str) -> SubjectRequest:
    found = selectors.request_get_for_user(user=request.user, number=number)
    if found is None:
        raise errors.not_found()
    return found


@router.get("/queue/{number}", auth=API_AUTH, response=responses({200: StaffRequestOut}), summary="One request")
def held(request: HttpRequest, number: str) -> dict[str, Any]:
    return _out(_held(request, number), staff=True)


@router.post("/queue/{number}/work", auth=API_AUTH, response=responses({200: StaffRequestOut}),
             summary="Work a request as its `plan` says: start it; complete it (a deletion erases the record, a "
                     "correction writes the value asked into it; 409 and nothing changed when the plan is keep or "
                     "cannot); or refuse it with the reason the person reads (required; `for_retention` when refusing "
                     "for the retention duty the plan names, which records the date; otherwise the reason is the "
                     "caller's own)")  # fmt: skip
def work(request: HttpRequest, number: str, payload: WorkIn) -> dict[str, Any]:
    found = _held(request, number)
    if payload.action == "start":
        done = services.subject_request_start(user=request.user, request=found)
    elif payload.action == "complete":
        done = services.subject_request_complete(user=request.user, request=found, resolution=payload.resolution)
    else:
        done = services.subject_request_refuse(user=request.user, request=found, reason_zh=payload.reason_zh,
                                               reason_en=payload.reason_en, for_retention=payload.for_retention)  # fmt: skip
    return _out(done, staff=True)
