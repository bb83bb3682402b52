"""/api/v1/fraud/…: clue reports and the committees' casework over the API (R11, R20, R15, B9).

Handlers are thin: they parse, load through the selectors (404 for what the caller may not see) and call the
services, which ask the scope whether this user may make this change. Every creating POST (a clue, a photo, an
addendum, a note, a request for files) honours `Idempotency-Key`: a retry gets the first answer (200), the same key
with another body is refused (`idempotency_key_reused`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.core.errors import in_current_language
from claimbridge.core.idempotency import answer_once
from claimbridge.core.inputs import AwareDateTime, Money, Text
from claimbridge.core.schemas import responses
from claimbridge.fraud import errors, flow, selectors, services
from claimbridge.fraud.models import Clue
from claimbridge.fraud.vocabulary import DECISION_REASONS, OBSERVATIONS, PERSON_ROLES, PLACE_KINDS, URGENCIES

router = Router(tags=["fraud"])


class PersonIn(Schema):
    role: Literal[tuple(PERSON_ROLES)]  # type: ignore[valid-type]
    name: Text(services.NAME_MAX) = ""  # type: ignore[valid-type]
    id_number: Text(18) = ""  # type: ignore[valid-type]
    phone: Text(20) = ""  # type: ignore[valid-type]


class VehicleIn(Schema):
    plate: Text(12) = ""  # type: ignore[valid-type]
    vin: Text(17) = ""  # type: ignore[valid-type]


class PlaceIn(Schema):
    kind: Literal[tuple(PLACE_KINDS)]  # type: ignore[valid-type]
    name: Text(services.PLACE_MAX)  # type: ignore[valid-type]
    address: Text(services.ADDRESS_MAX) = ""  # type: ignore[valid-type]


class ClueIn(Schema):
    occurred_at: AwareDateTime | None = None
    county: Text(6) = ""  # type: ignore[valid-type]
    latitude: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)] | None = None
    observations: Annotated[list[Literal[tuple(OBSERVATIONS)]], Field(max_length=len(OBSERVATIONS))] = []  # type: ignore[valid-type]  # fmt: skip
    description: Text(services.TEXT_MAX) = ""  # type: ignore[valid-type]
    urgency: Literal[tuple(URGENCIES)] = "normal"  # type: ignore[valid-type]
    people: Annotated[list[PersonIn], Field(max_length=services.PEOPLE_MAX)] = []
    vehicles: Annotated[list[VehicleIn], Field(max_length=services.VEHICLES_MAX)] = []
    places: Annotated[list[PlaceIn], Field(max_length=services.PLACES_MAX)] = []
    stop: int | None = None  # one of the adjuster's service stops
    case: Text(24) = ""  # type: ignore[valid-type]  # a case number the adjuster may see
    submit: bool = False  # send it to the committee at once


class AddendumIn(Schema):
    text: Text(services.TEXT_MAX) = ""  # type: ignore[valid-type]
    people: Annotated[list[PersonIn], Field(max_length=services.PEOPLE_MAX)] = []
    vehicles: Annotated[list[VehicleIn], Field(max_length=services.VEHICLES_MAX)] = []
    places: Annotated[list[PlaceIn], Field(max_length=services.PLACES_MAX)] = []


class StepIn(Schema):
    action: Literal[tuple(sorted(flow.MOVES - {"submit"}))]  # type: ignore[valid-type]
    reasons: Annotated[list[Literal[tuple(DECISION_REASONS)]], Field(max_length=len(DECISION_REASONS))] = []  # type: ignore[valid-type]  # fmt: skip
    amount_saved: Money | None = None
    underwriter: Text(20) = ""  # type: ignore[valid-type]


class AssignIn(Schema):
    assignee: Text(150)  # type: ignore[valid-type]
    deadline: date | None = None


class NoteIn(Schema):
    text: Text(services.TEXT_MAX)  # type: ignore[valid-type]


class FileRequestIn(Schema):
    insurer: Text(20)  # type: ignore[valid-type]
    question: Text(services.TEXT_MAX)  # type: ignore[valid-type]
    due: date | None = None


class AnswerIn(Schema):
    answer: Text(services.TEXT_MAX)  # type: ignore[valid-type]


class LinkIn(Schema):
    into: Text(24)  # type: ignore[valid-type]


class PaymentIn(Schema):
    reference: Text(60)  # type: ignore[valid-type]


class RecentOut(Schema):
    count: int
    cases: list[str]  # case numbers: the committee only; the reporter sees the count
    by_name_only: bool = False  # a person matched by name alone (no mobile): may include namesakes


class PersonOut(Schema):
    role: str
    name: str  # masked
    id_number: str  # masked
    phone: str  # masked
    recent_claims: RecentOut


class VehicleOut(Schema):
    plate: str
    vin: str
    recent_claims: RecentOut


class RequestOut(Schema):
    id: int
    insurer: str
    question: str
    due: date | None
    answered: bool
    answer: str
    attachments: list[int] = []  # evidence item ids of the photographed documents (GET /evidence/items/{id}/…)


class RewardOut(Schema):
    id: int
    insurer: str
    amount_saved: str
    ratio: str
    amount: str
    paid: bool


class ConcernOut(Schema):
    kind: str  # case_party | vehicle
    what: str  # the party's label or the plate
    case: str  # the case number when a party of the clue's case


class ClueOut(Schema):
    number: str
    state: str
    state_text: str
    urgency: str
    occurred_at: datetime
    county: str
    cross_region: bool
    observations: list[str]
    people: list[PersonOut]
    vehicles: list[VehicleOut]
    committees: list[str]
    decision_reasons: list[str]
    requests: list[RequestOut]
    reward: RewardOut | None
    concerns: list[ConcernOut]  # insurer staff: why their company sees the clue (its part)
    actions: list[str]  # what the caller may do now


class ClueSummaryOut(Schema):
    """A line of the queue: open the clue (GET /clues/{number}) for what the caller may see of it and do."""

    number: str
    state: str
    state_text: str
    urgency: str
    occurred_at: datetime
    county: str
    cross_region: bool  # the committees only
    deadline: date | None  # the committees only
    assigned: bool  # the committees only


class ClueListOut(Schema):
    clues: list[ClueSummaryOut]


class PhotoOut(Schema):
    item: int
    sha256: str


def _recent(row: dict[str, Any], full: bool) -> dict[str, Any]:
    return {"count": row["recent_count"], "cases": [case["number"] for case in row["recent"]] if full else [],
            "by_name_only": bool(row.get("by_name_only"))}  # fmt: skip


def clue_out(user: Any, clue: Clue) -> dict[str, Any]:
    view = selectors.clue_view(user=user, clue=clue)
    reward = view.reward
    return {
        "number": clue.number, "state": clue.state,
        "state_text": in_current_language(view.state_text.zh, view.state_text.en), "urgency": clue.urgency,
        "occurred_at": clue.occurred_at, "county": clue.county.code if clue.county else "",
        "cross_region": clue.cross_region if view.full else False,
        "observations": list(clue.observations) if view.observations else [],
        "people": [{"role": row["person"].role, "name": row["person"].masked_name,
                    "id_number": row["person"].masked_id_number, "phone": row["person"].masked_phone,
                    "recent_claims": _recent(row, view.full)} for row in view.people],
        "vehicles": [{"plate": row["vehicle"].plate, "vin": row["vehicle"].vin,
                      "recent_claims": _recent(row, view.full)} for row in view.vehicles],
        "committees": [route.committee.display_name for route in view.routes],
        "decision_reasons": list(clue.decision_reasons),
        "requests": [{"id": r.pk, "insurer": r.insurer.code, "question": r.question, "due": r.due,
                      "answered": r.answered_at is not None, "answer": r.answer,
                      "attachments": [item.pk for item in view.attachments.get(r.pk, [])]} for r in view.requests],
        "reward": None if reward is None else {
            "id": reward.pk, "insurer": reward.insurer.code, "amount_saved": str(reward.amount_saved),
            "ratio": str(reward.ratio), "amount": str(reward.amount), "paid": reward.paid_at is not None},
        "concerns": [{"kind": c["code"], "what": c["what"], "case": c["case"]} for c in view.concerns],
        "actions": view.actions,
    }  # fmt: skip


def _once(
    request: HttpRequest, operation: str, body: Any, work: Callable[[], tuple[int, dict[str, Any]]]
) -> Status[Any]:
    scope = f"user:{request.user.pk}:fraud.{operation}"
    return Status(*answer_once(scope=scope, key=request.headers.get("Idempotency-Key", ""), body=body, work=work))


def _clue(request: HttpRequest, number: str) -> Clue:
    clue = selectors.clue_get_for_user(user=request.user, number=number)
    if clue is None:
        raise errors.clue_not_found()
    return clue


@router.get("/clues", auth=API_AUTH, response=responses({200: ClueListOut}), summary="The clues the caller may see")
def clue_list(request: HttpRequest, state: str = "") -> dict[str, Any]:
    committee = selectors.reads_as_committee(user=request.user)
    return {"clues": [{
        "number": clue.number, "state": clue.state,
        "state_text": in_current_language(flow.STATES[clue.state].zh, flow.STATES[clue.state].en),
        "urgency": clue.urgency, "occurred_at": clue.occurred_at, "county": clue.county.code if clue.county else "",
        "cross_region": clue.cross_region and committee, "deadline": clue.deadline if committee else None,
        "assigned": clue.assignee_id is not None and committee,
    } for clue in selectors.clue_queue_for_user(user=request.user, state=state)]}  # fmt: skip


@router.get(
    "/clues/{number}", auth=API_AUTH, response=responses({200: ClueOut}), summary="One clue, as the caller may see it"
)
def clue_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    return clue_out(request.user, _clue(request, number))


@router.post("/clues", auth=API_AUTH, response=responses({201: ClueOut, 200: ClueOut}),
             summary="An adjuster files a clue from a stop, a case or on its own (Idempotency-Key makes retries safe)")  # fmt: skip
def clue_create(request: HttpRequest, payload: ClueIn) -> Status[Any]:
    def work() -> tuple[int, dict[str, Any]]:
        clue = services.clue_create(
            user=request.user, occurred_at=payload.occurred_at, county_code=payload.county,
            latitude=payload.latitude, longitude=payload.longitude, observations=payload.observations,
            description=payload.description, urgency=payload.urgency, people=[p.model_dump() for p in payload.people],
            vehicles=[v.model_dump() for v in payload.vehicles], places=[p.model_dump() for p in payload.places],
            stop_id=payload.stop, case_number=payload.case, submit=payload.submit,
        )  # fmt: skip
        return 201, clue_out(request.user, clue)

    return _once(request, "clues.create", payload, work)


@router.post("/clues/{number}/photos", auth=API_AUTH, response=responses({201: PhotoOut, 200: PhotoOut}),
             summary="A first-scene photo or video into the clue's evidence (multipart: `file`, or `upload`, the id "
                     "of your complete resumable upload; Idempotency-Key)")  # fmt: skip
def clue_photo(request: HttpRequest, number: str, file: File[UploadedFile | None] = None, slot: Form[str] = "scene",
               upload: Form[str] = "") -> Status[Any]:  # fmt: skip
    from claimbridge.evidence.uploads import consume_or_store

    clue = _clue(request, number)
    key = request.headers.get("Idempotency-Key", "")
    existed = selectors.photo_ids(clue) if key else set()

    def store(whole: Any) -> Any:
        return services.clue_photo_add(user=request.user, clue=clue, upload=whole, slot_code=slot, upload_key=key)

    item = consume_or_store(user=request.user, upload_id=upload, file=file, evidence_file=clue.evidence,
                            upload_key=key, store=store)  # fmt: skip
    return Status(200 if item.pk in existed else 201, {"item": item.pk, "sha256": item.stored.sha256})


@router.post("/clues/{number}/submit", auth=API_AUTH, response=responses({200: ClueOut}),
             summary="The reporter sends the clue to the committee (nothing of it can be edited afterwards)")  # fmt: skip
def clue_submit(request: HttpRequest, number: str) -> dict[str, Any]:
    clue = services.clue_submit(user=request.user, clue=_clue(request, number))
    return clue_out(request.user, clue)


@router.post("/clues/{number}/addenda", auth=API_AUTH, response=responses({201: ClueOut, 200: ClueOut}),
             summary="The reporter adds to a submitted clue (Idempotency-Key)")  # fmt: skip
def clue_addendum(request: HttpRequest, number: str, payload: AddendumIn) -> Status[Any]:
    clue = _clue(request, number)

    def work() -> tuple[int, dict[str, Any]]:
        services.addendum_add(user=request.user, clue=clue, text=payload.text,
                              people=[p.model_dump() for p in payload.people],
                              vehicles=[v.model_dump() for v in payload.vehicles],
                              places=[p.model_dump() for p in payload.places])  # fmt: skip
        return 201, clue_out(request.user, clue)

    return _once(request, f"clues.{clue.pk}.addendum", payload, work)


@router.post("/clues/{number}/steps", auth=API_AUTH, response=responses({200: ClueOut}),
             summary="A casework step of the committee (screen, investigate, refer, confirm, clear, close)")  # fmt: skip
def clue_step(request: HttpRequest, number: str, payload: StepIn) -> dict[str, Any]:
    clue = services.clue_move(user=request.user, clue=_clue(request, number), action=payload.action,
                              reasons=payload.reasons, amount_saved=payload.amount_saved,
                              underwriter_code=payload.underwriter)  # fmt: skip
    return clue_out(request.user, clue)


@router.post("/clues/{number}/assignment", auth=API_AUTH, response=responses({200: ClueOut}),
             summary="Assign the clue to a committee member, with a deadline")  # fmt: skip
def clue_assign(request: HttpRequest, number: str, payload: AssignIn) -> dict[str, Any]:
    clue = services.clue_assign(user=request.user, clue=_clue(request, number), assignee_username=payload.assignee)
    if payload.deadline is not None:
        services.clue_set_deadline(user=request.user, clue=clue, deadline=payload.deadline)
    return clue_out(request.user, clue)


@router.post("/clues/{number}/notes", auth=API_AUTH, response=responses({201: ClueOut, 200: ClueOut}),
             summary="A casework note (Idempotency-Key)")  # fmt: skip
def clue_note(request: HttpRequest, number: str, payload: NoteIn) -> Status[Any]:
    clue = _clue(request, number)

    def work() -> tuple[int, dict[str, Any]]:
        services.clue_note(user=request.user, clue=clue, text=payload.text)
        return 201, clue_out(request.user, clue)

    return _once(request, f"clues.{clue.pk}.note", payload, work)


@router.post("/clues/{number}/requests", auth=API_AUTH, response=responses({201: RequestOut, 200: RequestOut}),
             summary="Ask an insurer for its files on the clue (Idempotency-Key)")  # fmt: skip
def file_request(request: HttpRequest, number: str, payload: FileRequestIn) -> Status[Any]:
    clue = _clue(request, number)

    def work() -> tuple[int, dict[str, Any]]:
        asked = services.file_request_create(user=request.user, clue=clue, insurer_code=payload.insurer,
                                             question=payload.question, due=payload.due)  # fmt: skip
        return 201, {"id": asked.pk, "insurer": asked.insurer.code, "question": asked.question, "due": asked.due,
                     "answered": False, "answer": ""}  # fmt: skip

    return _once(request, f"clues.{clue.pk}.request", payload, work)


@router.post("/requests/{pk}/answer", auth=API_AUTH, response=responses({200: RequestOut}),
             summary="The insurer asked answers a request for files")  # fmt: skip
def file_request_answer(request: HttpRequest, pk: int, payload: AnswerIn) -> dict[str, Any]:
    asked = selectors.file_request_get_for_user(user=request.user, pk=pk)
    if asked is None:
        raise errors.clue_not_found()
    asked = services.file_request_answer(user=request.user, request=asked, answer=payload.answer)
    return {"id": asked.pk, "insurer": asked.insurer.code, "question": asked.question, "due": asked.due,
            "answered": True, "answer": asked.answer, "attachments": sorted(selectors.attachment_ids(asked))}  # fmt: skip


@router.post("/requests/{pk}/files", auth=API_AUTH, response=responses({201: PhotoOut, 200: PhotoOut}),
             summary="The insurer asked attaches a photographed document, before answering (multipart; Idempotency-Key)")  # fmt: skip
def file_request_attach(request: HttpRequest, pk: int, file: File[UploadedFile]) -> Status[Any]:
    asked = selectors.file_request_get_for_user(user=request.user, pk=pk)
    if asked is None:
        raise errors.clue_not_found()
    key = request.headers.get("Idempotency-Key", "")
    existed = selectors.attachment_ids(asked) if key else set()
    item = services.file_request_attach(user=request.user, request=asked, upload=file, upload_key=key)
    return Status(200 if item.pk in existed else 201, {"item": item.pk, "sha256": item.stored.sha256})


@router.post("/clues/{number}/link", auth=API_AUTH, response=responses({200: ClueOut}),
             summary="Link the clue into another clue's investigation")  # fmt: skip
def clue_link(request: HttpRequest, number: str, payload: LinkIn) -> dict[str, Any]:
    clue = _clue(request, number)
    clue = services.clue_link(user=request.user, clue=clue, into=_clue(request, payload.into))
    return clue_out(request.user, clue)


@router.post("/rewards/{pk}/payment", auth=API_AUTH, response=responses({200: RewardOut}),
             summary="The company that owes a reward records its payment")  # fmt: skip
def reward_payment(request: HttpRequest, pk: int, payload: PaymentIn) -> dict[str, Any]:
    reward = selectors.reward_get_for_user(user=request.user, pk=pk)
    if reward is None:
        raise errors.clue_not_found()
    reward = services.reward_record_payment(user=request.user, reward=reward, reference=payload.reference)
    return {"id": reward.pk, "insurer": reward.insurer.code, "amount_saved": str(reward.amount_saved),
            "ratio": str(reward.ratio), "amount": str(reward.amount), "paid": True}  # fmt: skip
