"""Every write of the anti-fraud casework (R11, R20, R15): filing a clue, its photos and addenda, routing it to the
committees, the committees' steps, requests to insurers, and rewards. Each runs in a transaction, asks the scope
(`accounts/scope.py`) whether this user may, the kernel (`flow`, `routing`, `rewards`) what follows, and appends to
the clue's keyed event chain (decision 0012)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claimbridge.accounts.scope import scope_for
from claimbridge.core.chains import chain_append
from claimbridge.core.errors import AppError
from claimbridge.core.inputs import plausible_accident_time, unsafe_text
from claimbridge.fraud import errors, flow, rewards, routing
from claimbridge.fraud.models import (
    Addendum,
    Clue,
    ClueEvent,
    ClueInsurer,
    ClueNote,
    CluePerson,
    CluePlace,
    ClueRoute,
    ClueVehicle,
    FileRequest,
    Reward,
    RewardRatio,
)
from claimbridge.fraud.vocabulary import (
    DECISION_REASONS,
    OBSERVATIONS,
    PERSON_ROLES,
    PLACE_KINDS,
    REASONS_FOR,
    URGENCIES,
)
from claimbridge.organisations.models import AntiFraudCommittee, City, County, Insurer
from claimbridge.rules.identifiers import check_id_number, check_plate, check_vin

TEXT_MAX = 2000
NAME_MAX = 60
PLACE_MAX = 120
ADDRESS_MAX = 200
PEOPLE_MAX = VEHICLES_MAX = PLACES_MAX = 20


# --- inputs ---------------------------------------------------------------------------------------------------------


def _text(value: Any, *, field: str, limit: int) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise errors.too_long(field, limit)
    if unsafe_text(text):
        raise errors.invalid("bad_text", "含有不允许的字符", "Contains characters that are not allowed", field)
    return text


def _codes(values: Iterable[Any], catalogue: dict[str, Any], field: str) -> list[str]:
    codes = list(dict.fromkeys(str(v) for v in values))
    for code in codes:
        if code not in catalogue:
            raise errors.unknown_code(field, code)
    return codes


@dataclass(frozen=True)
class PersonIn:
    role: str
    name: str = ""
    id_number: str = ""
    phone: str = ""


@dataclass(frozen=True)
class VehicleIn:
    plate: str = ""
    vin: str = ""


@dataclass(frozen=True)
class PlaceIn:
    kind: str
    name: str
    address: str = ""


def person_clean(raw: Any, index: int) -> PersonIn:
    """One person: a role of the catalogue; an ID number that passes the GB 11643 check; a mainland mobile."""
    from claimbridge.core.phone_verification import normalise_mobile

    field = f"people[{index}]"
    get = raw.get if isinstance(raw, dict) else lambda key, default="": getattr(raw, key, default)
    role = str(get("role", "") or "")
    if role not in PERSON_ROLES:
        raise errors.unknown_code(f"{field}.role", role)
    name = _text(get("name", ""), field=f"{field}.name", limit=NAME_MAX)
    id_number = _text(get("id_number", ""), field=f"{field}.id_number", limit=18).upper()
    if id_number and not check_id_number(id_number).valid:
        raise errors.invalid("bad_id_number", "身份证号码不正确", "Not a valid ID number", f"{field}.id_number")
    phone = _text(get("phone", ""), field=f"{field}.phone", limit=20)
    if phone:
        try:
            phone = normalise_mobile(phone)
        except AppError:
            raise errors.invalid("bad_phone", "请填写 11 位中国大陆手机号码", "Enter an 11-digit mainland mobile number",
                                 f"{field}.phone") from None  # fmt: skip
    if not (name or id_number or phone):
        raise errors.invalid("empty_person", "请至少填写姓名、身份证号或手机号之一",
                             "Give at least a name, an ID number or a phone", f"{field}.name")  # fmt: skip
    return PersonIn(role=role, name=name, id_number=id_number, phone=phone)


def vehicle_clean(raw: Any, index: int) -> VehicleIn:
    """A plate normalised by the kernel's one rule (rules/identifiers.check_plate), a VIN with its check digit."""
    field = f"vehicles[{index}]"
    get = raw.get if isinstance(raw, dict) else lambda key, default="": getattr(raw, key, default)
    plate_text = _text(get("plate", ""), field=f"{field}.plate", limit=12)
    vin_text = _text(get("vin", ""), field=f"{field}.vin", limit=17)
    plate = vin = ""
    if plate_text:
        checked = check_plate(plate_text)
        if not checked.valid:
            raise errors.invalid("bad_plate", "车牌号格式不正确，例如 甘K12345", "Not a valid plate, e.g. 甘K12345",
                                 f"{field}.plate")  # fmt: skip
        plate = checked.normalized
    if vin_text:
        vin_checked = check_vin(vin_text)
        if not vin_checked.valid:
            raise errors.invalid("bad_vin", "车架号（VIN）不正确", "Not a valid VIN", f"{field}.vin")
        vin = vin_checked.normalized
    if not (plate or vin):
        raise errors.invalid("empty_vehicle", "请填写车牌号或车架号", "Give a plate or a VIN", f"{field}.plate")
    return VehicleIn(plate=plate, vin=vin)


def place_clean(raw: Any, index: int) -> PlaceIn:
    field = f"places[{index}]"
    get = raw.get if isinstance(raw, dict) else lambda key, default="": getattr(raw, key, default)
    kind = str(get("kind", "") or "")
    if kind not in PLACE_KINDS:
        raise errors.unknown_code(f"{field}.kind", kind)
    name = _text(get("name", ""), field=f"{field}.name", limit=PLACE_MAX)
    if not name:
        raise errors.invalid("required", "请填写名称", "Give the name", f"{field}.name")
    return PlaceIn(kind=kind, name=name, address=_text(get("address", ""), field=f"{field}.address", limit=ADDRESS_MAX))


def _many(values: Iterable[Any] | None, clean: Any, limit: int, field: str) -> list[Any]:
    values = list(values or [])
    if len(values) > limit:
        raise errors.invalid("too_many", f"最多 {limit} 项", f"At most {limit} entries", field)
    return [clean(value, index) for index, value in enumerate(values)]


# --- the event chain ------------------------------------------------------------------------------------------------


def clue_event(*, clue: Clue, kind: str, actor: Any = None, data: dict[str, Any] | None = None) -> ClueEvent:
    """Append to the clue's keyed chain, in the caller's transaction (the clue's row locked: the chain never forks)."""
    return chain_append(head=clue, event=ClueEvent(clue=clue, kind=kind, data=data or {}),
                        payload=lambda event: event.payload(clue.number), actor=actor)  # fmt: skip


def _locked(clue: Clue) -> Clue:
    """The clue's row locked for the rest of the transaction, read again: each step is checked against the state it
    changes, never against a copy another request has moved on since (two members deciding at once: one wins)."""
    locked = Clue.objects.select_for_update().get(pk=clue.pk)
    clue.state, clue.investigation_id = locked.state, locked.investigation_id
    return locked


def _roles(user: Any, clue: Clue) -> frozenset[str]:
    return scope_for(user).clue_roles(clue)


def _check(user: Any, clue: Clue, action: str) -> str:
    try:
        return flow.check(_roles(user, clue), action, clue.state)
    except flow.NotYours:
        raise errors.not_allowed() from None
    except flow.IllegalTransition as illegal:
        state = flow.STATES.get(illegal.state)
        zh, en = (state.zh, state.en) if state else (illegal.state, illegal.state)
        name = flow.ACTION_NAMES[action]
        raise AppError("illegal_transition", f"线索处于“{zh}”状态，不能{name.zh}",
                       f"A clue that is {en} cannot {name.en}", status=409) from None  # fmt: skip


# --- filing a clue (R11) --------------------------------------------------------------------------------------------


def _add_parts(clue: Clue, people: list[PersonIn], vehicles: list[VehicleIn], places: list[PlaceIn],
               addendum: Addendum | None = None) -> None:  # fmt: skip
    for person in people:
        CluePerson.objects.create(clue=clue, addendum=addendum, role=person.role, name=person.name,
                                  id_number=person.id_number, phone=person.phone)  # fmt: skip
    ClueVehicle.objects.bulk_create(
        ClueVehicle(clue=clue, addendum=addendum, plate=v.plate, vin=v.vin) for v in vehicles
    )
    CluePlace.objects.bulk_create(CluePlace(clue=clue, addendum=addendum, kind=p.kind, name=p.name, address=p.address)
                                  for p in places)  # fmt: skip


def clue_create(
    *, user: Any, occurred_at: datetime | None = None, county_code: str = "", latitude: float | None = None,
    longitude: float | None = None, observations: Iterable[str] = (), description: str = "", urgency: str = "normal",
    people: Iterable[Any] = (), vehicles: Iterable[Any] = (), places: Iterable[Any] = (), stop_id: int | None = None,
    case_number: str = "", submit: bool = False, photos: Iterable[Any] = (),
) -> Clue:  # fmt: skip
    """A clue from an adjuster: from one of their stops, from a case they may see, or on its own. Its evidence file
    is made in the evidence store (photos then go in through `clue_photo_add`); with `submit` it is sent at once."""
    from claimbridge.cases.selectors import case_get_for_user
    from claimbridge.credentials.models import ServiceStop
    from claimbridge.evidence.services import evidence_file_create

    scope = scope_for(user)
    if not scope.may_file_clue:
        raise errors.not_allowed()
    codes = _codes(observations, OBSERVATIONS, "observations")
    description = _text(description, field="description", limit=TEXT_MAX)
    if not codes and not description:
        raise errors.nothing_observed()
    if urgency not in URGENCIES:
        raise errors.unknown_code("urgency", urgency)
    cleaned_people = _many(people, person_clean, PEOPLE_MAX, "people")
    cleaned_vehicles = _many(vehicles, vehicle_clean, VEHICLES_MAX, "vehicles")
    cleaned_places = _many(places, place_clean, PLACES_MAX, "places")
    stop = case = None
    if stop_id is not None:
        stop = ServiceStop.objects.select_related("county__city", "case").filter(pk=stop_id).first()
        if stop is None or not scope.may_file_clue_from_stop(stop):
            raise errors.invalid("unknown_stop", "没有找到您的这次出勤记录", "No such stop of yours", "stop")
        case = stop.case
    if case_number:
        case = case_get_for_user(user=user, number=case_number)
        if case is None:
            raise errors.invalid("unknown_case", "没有找到该案件", "No such case", "case")
    county = County.objects.select_related("city").filter(code=county_code).first() if county_code else None
    if county_code and county is None:
        raise errors.unknown_code("county", county_code)
    county = county or (stop.county if stop else None) or (case.county if case else None)
    if occurred_at is not None:  # what the reporter says: a plausible past instant, as an accident time is
        occurred_at = plausible_accident_time(occurred_at, field="occurred_at")
    occurred_at = occurred_at or (stop.at if stop else None) or (case.accident_at if case else None) or timezone.now()
    if latitude is None and stop is not None:
        latitude, longitude = stop.latitude, stop.longitude
    with transaction.atomic():
        number = f"XS{timezone.localdate():%Y%m%d}{secrets.token_hex(3).upper()}"
        evidence = evidence_file_create(user=user, title=f"线索 {number}", accident_at=occurred_at, latitude=latitude,
                                        longitude=longitude, county=county)  # fmt: skip
        # A clue's evidence is the committee's and the reporter's, not the companies': no insurer reads it through
        # the evidence pages (evidence_files_q lets the reporter and the committee in).
        evidence.insurers.clear()
        clue = Clue.objects.create(
            number=number, reporter=user, reporter_insurer_id=scope.insurer_id, stop=stop, case=case,
            evidence=evidence, occurred_at=occurred_at, county=county, city=county.city if county else None,
            latitude=latitude, longitude=longitude, observations=codes, description=description, urgency=urgency,
        )  # fmt: skip
        _add_parts(clue, cleaned_people, cleaned_vehicles, cleaned_places)
        clue_event(clue=clue, kind="filed", actor=user,
                   data={"stop": stop.pk if stop else None, "case": case.number if case else None,
                         "people": len(cleaned_people), "vehicles": len(cleaned_vehicles)})  # fmt: skip
        for upload in photos:  # into the report itself, before it is sent
            kind = "video" if (getattr(upload, "content_type", "") or "").startswith("video/") else "scene"
            clue_photo_add(user=user, clue=clue, upload=upload, slot_code=kind)
        if submit:
            clue = clue_submit(user=user, clue=clue)
    return clue


def clue_photo_add(*, user: Any, clue: Clue, upload: Any, slot_code: str = "scene", upload_key: str = "") -> Any:
    """A photo or video into the clue's evidence file (hash, capture time and place kept by the evidence store).
    Before submission it is part of the report; afterwards it is an addition, never a replacement."""
    from claimbridge.evidence.services import evidence_item_upload

    with transaction.atomic():
        _locked(clue)
        _check(user, clue, "edit" if clue.state == "draft" else "add_addendum")
        item = evidence_item_upload(user=user, evidence_file=clue.evidence, slot_code=slot_code, party="",
                                    upload=upload, upload_key=upload_key, for_clue=True)  # fmt: skip
        if not clue.events.filter(kind="photo_added", data__item=item.pk).exists():
            clue_event(clue=clue, kind="photo_added", actor=user,
                       data={"item": item.pk, "sha256": item.stored.sha256, "slot": item.slot})  # fmt: skip
    return item


# --- routing (R11, R20) ---------------------------------------------------------------------------------------------


def _covers(clue: Clue) -> dict[str, Any]:
    """The insurer of record of each plate the clue names, at the time of the accident (policies' one rule)."""
    from claimbridge.policies.selectors import insurer_of_record

    plates = list(clue.vehicles.exclude(plate="").values_list("plate", flat=True))
    return insurer_of_record(plates=plates, at=clue.occurred_at) if plates else {}


def routing_facts(clue: Clue, covers: dict[str, Any] | None = None) -> routing.Facts:
    """The facts the routing kernel decides on, gathered from the clue: the accident's city, each other city that a
    party's policy, a named vehicle's policy of record, a person's ID region or a vehicle's plate prefix names, and
    which cities each committee covers."""
    cities = list(City.objects.values_list("code", "plate_prefix"))
    prefixes = {prefix: code for code, prefix in cities}
    codes = [code for code, _prefix in cities]
    involvements: list[routing.Involvement] = []
    if clue.case is not None:
        for label, city_code in clue.case.parties.exclude(underwriting_city_code="").values_list(
            "label", "underwriting_city_code"
        ):
            involvements.append(routing.Involvement(city_code=city_code, kind="policy", what=label))
    for plate, cover in sorted((covers if covers is not None else _covers(clue)).items()):
        if cover.underwriting_city_code:
            involvements.append(routing.Involvement(city_code=cover.underwriting_city_code, kind="policy", what=plate))
    for role, region in clue.people.exclude(id_region="").values_list("role", "id_region"):
        person_city = routing.city_of_id_number(region, codes)
        if person_city:
            involvements.append(routing.Involvement(city_code=person_city, kind="person", what=role))
    for plate in clue.vehicles.exclude(plate="").values_list("plate", flat=True):
        plate_city = routing.city_of_plate(plate, prefixes)
        if plate_city:
            involvements.append(routing.Involvement(city_code=plate_city, kind="vehicle", what=plate))
    committees: dict[int, set[str]] = {}
    for committee_id, city_code in AntiFraudCommittee.objects.values_list("pk", "associations__city__code"):
        committees.setdefault(committee_id, set())
        if city_code:
            committees[committee_id].add(city_code)
    return routing.Facts(accident_city_code=clue.city.code if clue.city else None,
                         involvements=tuple(involvements),
                         committees={cid: frozenset(codes) for cid, codes in committees.items()})  # fmt: skip


def touched_insurers(clue: Clue, covers: dict[str, Any]) -> dict[int, list[dict[str, str]]]:
    """The companies whose customers or cases the clue touches, with why: each company covering a party of the
    clue's case, and each insurer of record of a vehicle it names (B8: what lets their staff see their part)."""
    touched: dict[int, list[dict[str, str]]] = {}
    if clue.case is not None:
        for label, insurer_id in clue.case.parties.exclude(insurer=None).values_list("label", "insurer_id"):
            touched.setdefault(insurer_id, []).append({"kind": "case_party", "what": label})
    for plate, cover in sorted(covers.items()):
        reason = {"kind": "vehicle", "what": plate}
        if reason not in touched.setdefault(cover.insurer_id, []):
            touched[cover.insurer_id].append(reason)
    return touched


def _inform_insurers(clue: Clue, covers: dict[str, Any], actor: Any) -> None:
    have = {row.insurer_id: row for row in clue.insurers.all()}
    for insurer_id, reasons in touched_insurers(clue, covers).items():
        row = have.get(insurer_id)
        if row is None:
            ClueInsurer.objects.create(clue=clue, insurer_id=insurer_id, reasons=reasons)
            clue_event(
                clue=clue, kind="insurer_informed", actor=actor, data={"insurer": insurer_id, "reasons": reasons}
            )
        elif added := [reason for reason in reasons if reason not in row.reasons]:
            row.reasons = [*row.reasons, *added]
            row.save(update_fields=["reasons"])
            clue_event(clue=clue, kind="insurer_informed", actor=actor, data={"insurer": insurer_id, "reasons": added})


def clue_route(*, clue: Clue, actor: Any = None) -> list[ClueRoute]:
    """Route (again): every committee the kernel names that does not have the clue yet gets it (a route is never
    taken back: a committee that saw a clue keeps it); every company whose customer or case it touches is told."""
    covers = _covers(clue)
    decision = routing.route(routing_facts(clue, covers))
    have = set(clue.routes.values_list("committee_id", flat=True))
    if not decision.routes and not have:
        # No committee covers the accident's city (or it is unknown): every committee gets it, none is left out.
        decision = routing.Decision(
            routes=tuple(routing.Route(committee_id=cid, primary=(index == 0), reasons=())
                         for index, cid in enumerate(AntiFraudCommittee.objects.order_by("pk")
                                                     .values_list("pk", flat=True))),
            cross_region=decision.cross_region)  # fmt: skip
    made = []
    for route in decision.routes:
        if route.committee_id in have:
            continue
        reasons = [{"city": r.city_code, "kind": r.kind, "what": r.what} for r in route.reasons]
        made.append(ClueRoute.objects.create(clue=clue, committee_id=route.committee_id, primary=route.primary,
                                             reasons=reasons))  # fmt: skip
        clue_event(clue=clue, kind="routed" if route.primary else "shared", actor=actor,
                   data={"committee": route.committee_id, "reasons": reasons})  # fmt: skip
    if decision.cross_region and not clue.cross_region:
        Clue.objects.filter(pk=clue.pk).update(cross_region=True)
        clue.cross_region = True
    _inform_insurers(clue, covers, actor)
    return made


def clue_submit(*, user: Any, clue: Clue) -> Clue:
    with transaction.atomic():
        clue = Clue.objects.select_for_update().get(pk=clue.pk)
        clue.state = _check(user, clue, "submit")
        clue.submitted_at = timezone.now()
        clue.save(update_fields=["state", "submitted_at"])
        clue_event(clue=clue, kind="submitted", actor=user)
        clue_route(clue=clue, actor=user)
    return clue


def addendum_add(*, user: Any, clue: Clue, text: str = "", people: Iterable[Any] = (), vehicles: Iterable[Any] = (),
                 places: Iterable[Any] = ()) -> Addendum:  # fmt: skip
    """What the reporter learnt after submitting: never an edit, always an addition; new cities it brings in get the
    clue shared with their committee."""
    _check(user, clue, "add_addendum")  # before reading the inputs: who may not add learns nothing of them
    text = _text(text, field="text", limit=TEXT_MAX)
    cleaned = (_many(people, person_clean, PEOPLE_MAX, "people"), _many(vehicles, vehicle_clean, VEHICLES_MAX, "vehicles"),
               _many(places, place_clean, PLACES_MAX, "places"))  # fmt: skip
    if not text and not any(cleaned):
        raise errors.invalid("empty_addendum", "请填写补充内容", "Say what you add", "text")
    with transaction.atomic():
        _locked(clue)
        _check(user, clue, "add_addendum")
        addendum = Addendum.objects.create(clue=clue, text=text, by=user)
        _add_parts(clue, *cleaned, addendum=addendum)
        clue_event(clue=clue, kind="addendum", actor=user,
                   data={"addendum": addendum.pk, "people": len(cleaned[0]), "vehicles": len(cleaned[1])})  # fmt: skip
        clue_route(clue=clue, actor=user)
    return addendum


# --- the committees' casework (R20) ---------------------------------------------------------------------------------


def clue_move(*, user: Any, clue: Clue, action: str, reasons: Iterable[str] = (), amount_saved: Decimal | None = None,
              underwriter_code: str = "", today: date | None = None) -> Clue:  # fmt: skip
    """A step of the casework (flow.MOVES). Deciding takes reason codes; confirming fraud takes the amount saved or
    refused and the underwriting company (a case's party's insurer when the clue has one), and computes the reward."""
    if action not in flow.MOVES or action == "submit":
        raise errors.unknown_code("action", action)
    codes = _codes(reasons, DECISION_REASONS, "reasons")
    with transaction.atomic():
        clue = Clue.objects.select_for_update().get(pk=clue.pk)
        target = _check(user, clue, action)
        if action in flow.NEEDS_REASON and not codes:
            raise errors.reasons_needed()
        if action in REASONS_FOR and not set(codes) <= REASONS_FOR[action]:
            raise errors.invalid("reason_not_for_decision", "所选理由与该决定不符（确认欺诈与排除欺诈的理由不能混选）",
                                 "A reason chosen does not go with this decision", "reasons")  # fmt: skip
        fields = ["state"]
        data: dict[str, Any] = {"from": clue.state, "to": target}
        if action in flow.NEEDS_REASON:
            clue.decision_reasons, clue.decided_at = codes, timezone.now()
            fields += ["decision_reasons", "decided_at"]
            data["reasons"] = codes
        if action == "confirm_fraud":
            underwriter = _underwriter(clue, underwriter_code)
            if amount_saved is None or amount_saved < 0:
                raise errors.invalid("amount_needed", "请填写挽回或拒赔金额", "Give the amount saved or refused",
                                     "amount_saved")  # fmt: skip
            clue.amount_saved, clue.underwriter = amount_saved, underwriter
            fields += ["amount_saved", "underwriter"]
            data |= {"amount_saved": str(amount_saved), "underwriter": underwriter.code}
        if action == "close":
            clue.closed_at = timezone.now()
            fields.append("closed_at")
        clue.state = target
        clue.save(update_fields=fields)
        clue_event(clue=clue, kind=action, actor=user, data=data)
        if action == "confirm_fraud":
            rewarded = _rewarded_in_investigation(clue)
            if rewarded is None:
                reward_compute(clue=clue, actor=user, day=today or timezone.localdate())
            else:  # one fraud, one reward: the linked clues' reporter of the first confirmation has it
                clue_event(clue=clue, kind="reward_in_investigation", actor=user, data={"clue": rewarded.number})
    return clue


def _rewarded_in_investigation(clue: Clue) -> Clue | None:
    """Another clue of the same investigation (the lead and the clues linked into it) whose confirmation already
    earned a reward: the fraud is one, its saving is rewarded once."""
    lead_id = clue.investigation_id or clue.pk
    others = Clue.objects.filter(Q(pk=lead_id) | Q(investigation_id=lead_id)).exclude(pk=clue.pk)
    return others.filter(reward__isnull=False).order_by("decided_at", "pk").first()


def _underwriter(clue: Clue, code: str) -> Insurer:
    """The company that underwrote the claim the clue saved: one of the companies the clue touches (a party's
    insurer, a named vehicle's insurer of record) when it touches any, the only one when it touches one; any
    company when it touches none (a clue the register and the cases know nothing of)."""
    concerned = set(clue.insurers.values_list("insurer_id", flat=True))
    if code:
        insurer = Insurer.objects.filter(code=code).first()
        if insurer is None:
            raise errors.unknown_code("underwriter", code)
        if concerned and insurer.pk not in concerned:
            raise errors.invalid("underwriter_not_concerned", "该公司不是本线索涉及的承保公司",
                                 "That company underwrites nothing this clue involves", "underwriter")  # fmt: skip
        return insurer
    if len(concerned) == 1:
        return Insurer.objects.get(pk=concerned.pop())
    raise errors.invalid(
        "underwriter_needed", "请选择承保公司", "Say which company underwrote the claim", "underwriter"
    )


def clue_assign(*, user: Any, clue: Clue, assignee_username: str) -> Clue:
    from claimbridge.accounts.models import Role, User

    _check(user, clue, "assign")
    committee_id = scope_for(user).committee_id
    assignee = User.objects.filter(username=assignee_username, role=Role.ANTIFRAUD_MEMBER, committee_id=committee_id,
                                   is_active=True).first()  # fmt: skip
    if assignee is None:
        raise errors.invalid("unknown_member", "该人员不是本委员会成员", "Not a member of your committee", "assignee")
    with transaction.atomic():
        _locked(clue)
        _check(user, clue, "assign")
        Clue.objects.filter(pk=clue.pk).update(assignee=assignee)
        clue.assignee = assignee
        clue_event(clue=clue, kind="assigned", actor=user, data={"assignee": assignee.pk})
    return clue


def clue_set_deadline(*, user: Any, clue: Clue, deadline: date) -> Clue:
    _check(user, clue, "set_deadline")
    with transaction.atomic():
        _locked(clue)
        _check(user, clue, "set_deadline")
        Clue.objects.filter(pk=clue.pk).update(deadline=deadline)
        clue.deadline = deadline
        clue_event(clue=clue, kind="deadline", actor=user, data={"deadline": deadline.isoformat()})
    return clue


def clue_note(*, user: Any, clue: Clue, text: str) -> ClueNote:
    _check(user, clue, "note")
    text = _text(text, field="text", limit=TEXT_MAX)
    if not text:
        raise errors.invalid("required", "请填写备注", "Write the note", "text")
    with transaction.atomic():
        _locked(clue)
        _check(user, clue, "note")
        committee_id = scope_for(user).committee_id
        assert committee_id is not None  # the flow let only committee members write notes
        note = ClueNote.objects.create(clue=clue, text=text, by=user, committee_id=committee_id)
        clue_event(clue=clue, kind="note", actor=user, data={"note": note.pk})
    return note


def file_request_create(*, user: Any, clue: Clue, insurer_code: str, question: str, due: date | None = None,
                        ) -> FileRequest:  # fmt: skip
    _check(user, clue, "request_files")
    insurer = Insurer.objects.filter(code=insurer_code).first()
    if insurer is None:
        raise errors.unknown_code("insurer", insurer_code)
    question = _text(question, field="question", limit=TEXT_MAX)
    if not question:
        raise errors.invalid("required", "请说明需要调取的材料", "Say which files you need", "question")
    with transaction.atomic():
        _locked(clue)
        _check(user, clue, "request_files")
        committee_id = scope_for(user).committee_id
        assert committee_id is not None  # the flow let only committee members ask
        request = FileRequest.objects.create(clue=clue, insurer=insurer, committee_id=committee_id,
                                             question=question, due=due, asked_by=user)  # fmt: skip
        clue_event(clue=clue, kind="files_requested", actor=user, data={"request": request.pk, "insurer": insurer.code})
    return request


ATTACHMENTS_MAX = 20


def file_request_attach(*, user: Any, request: FileRequest, upload: Any, upload_key: str = "") -> Any:
    """A photographed document into the answer of a request for files, before the answer is given: the request's
    own evidence file (made with the first one), which the committee and the answering company read."""
    from claimbridge.evidence.services import evidence_file_create, evidence_item_upload

    if not scope_for(user).may_answer_file_request(request):
        raise errors.not_allowed()
    with transaction.atomic():
        clue = request.clue
        _locked(clue)
        _check(user, clue, "answer_request")
        request = (
            FileRequest.objects.select_for_update(of=("self",)).select_related("clue", "evidence").get(pk=request.pk)
        )
        if request.answered_at is not None:
            raise errors.already_answered()
        if request.evidence is None:
            request.evidence = evidence_file_create(user=user, title=f"调取材料 {clue.number}",
                                                    accident_at=clue.occurred_at, insurers=[request.insurer],
                                                    county=clue.county)  # fmt: skip
            request.save(update_fields=["evidence"])
        elif request.evidence.items.count() >= ATTACHMENTS_MAX:
            raise errors.invalid("too_many", f"最多 {ATTACHMENTS_MAX} 个附件", f"At most {ATTACHMENTS_MAX} attachments",
                                 "files")  # fmt: skip
        item = evidence_item_upload(user=user, evidence_file=request.evidence, slot_code="other_documents", party="",
                                    upload=upload, upload_key=upload_key, for_clue=True)  # fmt: skip
        if not clue.events.filter(kind="files_attached", data__item=item.pk).exists():
            clue_event(clue=clue, kind="files_attached", actor=user,
                       data={"request": request.pk, "item": item.pk, "sha256": item.stored.sha256})  # fmt: skip
    return item


def file_request_answer(*, user: Any, request: FileRequest, answer: str, files: Iterable[Any] = ()) -> FileRequest:
    if not scope_for(user).may_answer_file_request(request):
        raise errors.not_allowed()
    _check(user, request.clue, "answer_request")
    answer = _text(answer, field="answer", limit=TEXT_MAX)
    if not answer:
        raise errors.invalid("required", "请填写答复", "Write the answer", "answer")
    with transaction.atomic():
        for upload in files:  # the photographed documents with it, all or none
            file_request_attach(user=user, request=request, upload=upload)
        _locked(request.clue)
        _check(user, request.clue, "answer_request")
        request = FileRequest.objects.select_for_update(of=("self",)).select_related("clue").get(pk=request.pk)
        if request.answered_at is not None:  # an answer is final: what comes later is a new request
            raise errors.already_answered()
        request.answer, request.answered_by, request.answered_at = answer, user, timezone.now()
        request.save(update_fields=["answer", "answered_by", "answered_at"])
        clue_event(clue=request.clue, kind="files_answered", actor=user, data={"request": request.pk})
    return request


def clue_link(*, user: Any, clue: Clue, into: Clue) -> Clue:
    """Link a clue into another's investigation (the lead clue): both must be clues this committee works."""
    _check(user, clue, "link")
    _check(user, into, "link")
    lead = into.investigation or into
    if lead.pk == clue.pk:
        raise errors.invalid("same_clue", "不能与自身并案", "A clue cannot be linked to itself", "into")
    with transaction.atomic():
        for locked in sorted((clue, lead), key=lambda c: c.pk):  # one order: two links at once never deadlock
            _locked(locked)
        _check(user, clue, "link")
        _check(user, lead, "link")
        following = list(Clue.objects.select_for_update().filter(investigation=clue).exclude(pk=lead.pk))
        Clue.objects.filter(pk=clue.pk).update(investigation=lead)
        Clue.objects.filter(pk__in=[c.pk for c in following]).update(investigation=lead)
        clue.investigation = lead
        clue_event(clue=clue, kind="linked", actor=user, data={"into": lead.number})
        clue_event(clue=lead, kind="linked_in", actor=user, data={"clue": clue.number})
        for moved in following:  # the clues that followed this one follow it into the new investigation
            clue_event(clue=moved, kind="relinked", actor=user, data={"from": clue.number, "into": lead.number})
            clue_event(clue=lead, kind="linked_in", actor=user, data={"clue": moved.number})
    return clue


# --- rewards (R11, R15) ---------------------------------------------------------------------------------------------


def reward_compute(*, clue: Clue, actor: Any, day: date) -> Reward:
    """The reward the underwriting company owes the reporter: its ratio in force on the day of the decision times the
    amount saved, to the fen (fraud/rewards.py)."""
    assert clue.underwriter_id is not None
    assert clue.amount_saved is not None
    ratios = [rewards.Ratio(r.ratio, r.effective_from, r.effective_until)
              for r in RewardRatio.objects.filter(insurer_id=clue.underwriter_id)]  # fmt: skip
    try:
        ratio = rewards.ratio_in_force(ratios, day)
    except rewards.NoRatio:
        raise errors.no_ratio() from None
    amount = rewards.reward(clue.amount_saved, ratio.ratio)
    reward = Reward.objects.create(clue=clue, insurer_id=clue.underwriter_id, adjuster_id=clue.reporter_id,
                                   amount_saved=clue.amount_saved, ratio=ratio.ratio, amount=amount,
                                   computed_at=timezone.now())  # fmt: skip
    clue_event(clue=clue, kind="reward_computed", actor=actor,
               data={"reward": reward.pk, "ratio": str(ratio.ratio), "amount": str(amount)})  # fmt: skip
    return reward


def reward_record_payment(*, user: Any, reward: Reward, reference: str) -> Reward:
    if not scope_for(user).may_record_reward_payment(reward):
        raise errors.not_allowed()
    reference = _text(reference, field="reference", limit=60)
    if not reference:
        raise errors.invalid("required", "请填写支付凭证号", "Give the payment reference", "reference")
    with transaction.atomic():
        reward = Reward.objects.select_for_update().get(pk=reward.pk)
        if reward.paid_at is not None:
            raise errors.already_paid()
        reward.paid_at, reward.payment_reference, reward.paid_by = timezone.now(), reference, user
        reward.save(update_fields=["paid_at", "payment_reference", "paid_by"])
        clue_event(clue=reward.clue, kind="reward_paid", actor=user, data={"reward": reward.pk})
    return reward
