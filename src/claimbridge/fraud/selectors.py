"""Every read of clues, through the caller's scope (B8, R11, R20).

Seeing a clue and acting on it are two questions: `clue_get_for_user` answers the first (None: it does not exist for
this user), the scope's `clue_roles` and the transition table the second. What each reader sees of a clue is cut
here: the committee the people, vehicles, recent claims as cases, notes and every request; the reporter what they
filed (masked), recent claims as counts only, and the outcome; an insurer's staff the clue's number and state and
the requests to their company — nothing else of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from claimbridge.accounts.models import Role
from claimbridge.accounts.scope import scope_for
from claimbridge.cases.models import CaseParty
from claimbridge.fraud import flow
from claimbridge.fraud.models import Clue, CluePerson, ClueRoute, ClueVehicle, FileRequest, Reward
from claimbridge.fraud.vocabulary import (
    DECISION_REASONS,
    OBSERVATIONS,
    PERSON_ROLES,
    TOUCH_KINDS,
    URGENCIES,
    text_of,
)


def clue_list_for_user(*, user: Any) -> QuerySet[Clue]:
    scope = scope_for(user)
    return Clue.objects.filter(pk__in=Clue.objects.filter(scope.clues_q()).values("pk")).select_related(
        "county", "city", "reporter_insurer", "assignee"
    )


def clue_get_for_user(*, user: Any, number: str) -> Clue | None:
    return clue_list_for_user(user=user).filter(number=str(number)[:24]).first()


def clue_queue_for_user(*, user: Any, state: str = "") -> list[Clue]:
    """The queue, most urgent first, then by deadline, then newest: each clue marked `shared` (with the reader's
    committee, worked by another) and `waiting` (a request for files to the reader's company not answered yet)."""
    from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When

    scope = scope_for(user)
    clues = clue_list_for_user(user=user).exclude(state="draft")
    if state in flow.STATES:
        clues = clues.filter(state=state)
    shared = ClueRoute.objects.filter(clue=OuterRef("pk"), committee_id=scope.committee_id or 0, primary=False)
    waiting = FileRequest.objects.filter(clue=OuterRef("pk"), insurer_id=scope.insurer_id or 0, answered_at=None)
    rank = Case(*(When(urgency=code, then=Value(index)) for index, code in enumerate(("immediate", "urgent"))),
                default=Value(9), output_field=IntegerField())  # fmt: skip
    clues = clues.annotate(shared=Exists(shared), waiting=Exists(waiting), urgency_rank=rank)
    return list(clues.order_by("urgency_rank", F("deadline").asc(nulls_last=True), "-submitted_at")[:200])


def insurer_choices() -> list[tuple[str, str]]:
    """Every company, by name, for asking one for files."""
    from claimbridge.organisations.models import Insurer

    return [(insurer.code, insurer.display_short_name) for insurer in Insurer.objects.order_by("code")]


def underwriter_choices(clue: Clue) -> list[tuple[str, str]]:
    """The companies that may have underwritten what the clue saved: those it touches, else every company."""
    concerned = {row.insurer.code: row.insurer.display_short_name for row in clue.insurers.select_related("insurer")}
    return sorted(concerned.items()) if concerned else insurer_choices()


def reads_as_committee(*, user: Any) -> bool:
    """Whether the user reads clues as a committee does (their routing, deadlines, assignment): a committee member
    or the platform administrator; the queue shows others the number, state and urgency only."""
    scope = scope_for(user)
    return scope.is_platform_admin or (scope.role == Role.ANTIFRAUD_MEMBER and scope.committee_id is not None)


def file_request_get_for_user(*, user: Any, pk: int) -> FileRequest | None:
    """A request the user may see: to their own company (insurer staff), or on a clue they see as a committee."""
    request = FileRequest.objects.select_related("clue", "insurer").filter(pk=pk).first()
    if request is None:
        return None
    scope = scope_for(user)
    if scope.may_answer_file_request(request):
        return request
    return request if clue_get_for_user(user=user, number=request.clue.number) and scope.committee_id else None


def reward_get_for_user(*, user: Any, pk: int) -> Reward | None:
    clue_ids = clue_list_for_user(user=user).values("pk")
    return Reward.objects.select_related("clue", "insurer").filter(pk=pk, clue__in=clue_ids).first()


def attachment_ids(request: FileRequest) -> set[int]:
    evidence = request.evidence
    return set(evidence.items.values_list("pk", flat=True)) if evidence is not None else set()


def photo_ids(clue: Clue) -> set[int]:
    return set(clue.evidence.items.values_list("pk", flat=True))


# --- recent claims gathered by the platform (R11) -------------------------------------------------------------------


def _since() -> Any:
    """The start of the window: the configured number of calendar months back, on China's calendar."""
    from claimbridge.rules.common import months_after

    return months_after(timezone.now(), -int(settings.FRAUD_RECENT_CLAIMS_MONTHS))


def _recent(match: Q, clue: Clue) -> QuerySet[CaseParty]:
    """Case parties of every company matching `match`, of accidents in the configured window (or reported in it
    when no accident time was given), the clue's own case left out. A read across every company's cases, declared
    in the scope (`Scope.may_gather_recent_claims`): the committee sees the cases, the reporter counts only."""
    since = _since()
    parties = CaseParty.objects.filter(match).filter(
        Q(case__accident_at__gte=since) | Q(case__accident_at__isnull=True, case__created_at__gte=since)
    )
    if clue.case_id:
        parties = parties.exclude(case_id=clue.case_id)
    return parties.select_related("case", "insurer")


def person_match(person: CluePerson) -> Q | None:
    """The same person on a case (cases keep no ID number): their mobile's blind index, else their name's — a
    match by name alone may be a namesake, and says so (`by_name_only`)."""
    from claimbridge.cases.selectors import party_q

    return party_q(phone_index=person.phone_index, name_index=person.name_index)


def by_name_only(person: CluePerson) -> bool:
    return not person.phone_index and bool(person.name_index)


def vehicle_match(vehicle: ClueVehicle) -> Q | None:
    from claimbridge.cases.selectors import party_q

    return party_q(plate=vehicle.plate, vin=vehicle.vin)


RECENT_SHOWN = 50  # cases listed to the committee per person or vehicle; the count is always the whole count


def recent_claims(clue: Clue, match: Q | None) -> tuple[int, list[dict[str, Any]]]:
    """How many cases of the window match (all of them), and the newest of them for the committee."""
    if match is None:
        return 0, []
    parties = _recent(match, clue)
    count = parties.values("case_id").distinct().count()
    seen: dict[int, dict[str, Any]] = {}
    for party in parties.order_by("-case__accident_at", "-case_id")[: RECENT_SHOWN * 2]:
        if len(seen) >= RECENT_SHOWN:
            break
        seen.setdefault(party.case_id, {"number": party.case.number, "accident_at": party.case.accident_at,
                                        "insurer": party.insurer.display_short_name if party.insurer else "",
                                        "label": party.label, "state": party.case.state})  # fmt: skip
    return count, list(seen.values())


# --- what a reader sees of a clue -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClueView:
    clue: Clue
    roles: frozenset[str]
    full: bool  # the committee (or the platform admin): people, vehicles, cases, notes, every request
    actions: list[str]
    state_text: Any
    urgency_text: Any
    observations: list[Any]
    decision_reasons: list[Any]
    people: list[dict[str, Any]]
    vehicles: list[dict[str, Any]]
    places: list[Any]
    photos: list[Any]
    addenda: list[Any]
    routes: list[Any]
    notes: list[Any]
    requests: list[Any]
    events: list[Any]
    reward: Reward | None
    members: list[Any]
    concerns: list[Any] = field(default_factory=list)  # why the reader's company sees it (insurer staff)
    attachments: dict[int, list[Any]] = field(default_factory=dict)  # request id → its photographed documents
    committees: list[str] = field(default_factory=list)  # for the reporter: where the clue went, by name


def clue_view(*, user: Any, clue: Clue) -> ClueView:
    scope = scope_for(user)
    roles = scope.clue_roles(clue)
    full = bool(roles & {"committee", "shared"}) or scope.is_platform_admin
    mine = "reporter" in roles
    people: list[dict[str, Any]] = []
    vehicles: list[dict[str, Any]] = []
    places: list[Any] = []
    photos: list[Any] = []
    addenda: list[Any] = []
    if scope.may_gather_recent_claims(roles):  # the committee and the reporter (who sees counts only)
        for person in clue.people.all():
            count, cases = recent_claims(clue, person_match(person))
            people.append({"person": person, "role": text_of(PERSON_ROLES, person.role), "recent_count": count,
                           "recent": cases if full else [], "by_name_only": by_name_only(person)})  # fmt: skip
        for vehicle in clue.vehicles.all():
            count, cases = recent_claims(clue, vehicle_match(vehicle))
            vehicles.append({"vehicle": vehicle, "recent_count": count, "recent": cases if full else []})
        places = list(clue.places.all())
        photos = list(clue.evidence.items.select_related("stored").order_by("uploaded_at", "pk"))
        addenda = list(clue.addenda.all())
    requests = list(clue.file_requests.select_related("insurer").all())
    if not full:
        requests = [r for r in requests if scope.may_answer_file_request(r)]
    attachments: dict[int, list[Any]] = {}
    from claimbridge.evidence.models import EvidenceItem

    for item in (
        EvidenceItem.objects.filter(file__file_request__in=[r.pk for r in requests])
        .select_related("stored", "file__file_request")
        .order_by("uploaded_at", "pk")
    ):
        attachments.setdefault(item.file.file_request.pk, []).append(item)
    members: list[Any] = []
    if "committee" in roles:
        from claimbridge.accounts.models import User

        members = list(User.objects.filter(role=Role.ANTIFRAUD_MEMBER, committee_id=scope.committee_id,
                                           is_active=True).order_by("username"))  # fmt: skip
    concerns: list[Any] = []
    if scope.role == Role.INSURER_STAFF and scope.insurer_id:
        touched = clue.insurers.filter(insurer_id=scope.insurer_id).first()
        concerns = [{"code": reason["kind"], "kind": text_of(TOUCH_KINDS, reason["kind"]), "what": reason["what"],
                     "case": clue.case.number if reason["kind"] == "case_party" and clue.case else ""}
                    for reason in (touched.reasons if touched else [])]  # fmt: skip
    reward = Reward.objects.filter(clue=clue).first()
    if reward is not None and not (full or mine or (scope.insurer_id and reward.insurer_id == scope.insurer_id)):
        reward = None
    return ClueView(
        clue=clue, roles=roles, full=full, actions=flow.available_actions(roles, clue.state),
        state_text=flow.STATES[clue.state], urgency_text=text_of(URGENCIES, clue.urgency),
        observations=[text_of(OBSERVATIONS, code) for code in clue.observations] if (full or mine) else [],
        decision_reasons=[text_of(DECISION_REASONS, code) for code in clue.decision_reasons],
        people=people, vehicles=vehicles, places=places, photos=photos, addenda=addenda,
        routes=list(clue.routes.select_related("committee")) if full else [],
        notes=list(clue.notes.select_related("by")) if full else [], requests=requests,
        events=list(clue.events.order_by("sequence")) if full else [], reward=reward, members=members,
        concerns=concerns, attachments=attachments,
        committees=[str(r.committee.display_name) for r in clue.routes.select_related("committee").order_by("-primary")]
        if mine else [],
    )  # fmt: skip


# --- the adjuster's monthly feedback (R15) --------------------------------------------------------------------------


def rewards_by_month_for_adjuster(*, user: Any) -> list[dict[str, Any]]:
    """The reporting adjuster's rewards for confirmed fraud, month by month of the decision (China time): what they
    are owed and what their company has recorded as paid."""
    from claimbridge.credentials.reports import CHINA

    months: dict[str, dict[str, Any]] = {}
    for reward in Reward.objects.filter(adjuster_id=scope_for(user).user_id).select_related("clue", "insurer"):
        month = reward.computed_at.astimezone(CHINA).strftime("%Y-%m")
        row = months.setdefault(month, {"month": month, "count": 0, "amount": 0, "paid": 0, "rewards": []})
        row["count"] += 1
        row["amount"] += reward.amount
        row["paid"] += reward.amount if reward.paid_at else 0
        row["rewards"].append(reward)
    return [months[key] for key in sorted(months, reverse=True)]


def rewards_owed_by_company(*, user: Any) -> QuerySet[Reward]:
    scope = scope_for(user)
    if not scope.insurer_id or scope.role != Role.INSURER_STAFF:
        return Reward.objects.none()
    return Reward.objects.filter(insurer_id=scope.insurer_id).select_related("clue", "adjuster")


def total_rewards(rows: QuerySet[Reward]) -> Any:
    return rows.aggregate(total=Sum("amount"))["total"] or 0


def reward_of(clue: Clue) -> Reward | None:
    return Reward.objects.filter(clue=clue).first()


def recent_months() -> int:
    return int(settings.FRAUD_RECENT_CLAIMS_MONTHS)


def may_record_payment(*, user: Any, reward: Reward | None) -> bool:
    return reward is not None and scope_for(user).may_record_reward_payment(reward)


def clue_chains_verify() -> list[str]:
    """Every clue whose event chain is broken, as `clue N: what is wrong` — for `claimbridge audit verify`."""
    from claimbridge.core.chains import chain_verify
    from claimbridge.fraud.models import ClueEvent

    return chain_verify(heads=Clue.objects.only("pk", "number", "events_count", "last_event_hash"),
                        events=ClueEvent.objects.all(), head_field="clue", name=lambda clue: f"clue {clue.number}",
                        payload=lambda clue, event: event.payload(clue.number))  # fmt: skip
