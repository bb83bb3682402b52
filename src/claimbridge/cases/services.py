"""Every write to a case, in a transaction, each leaving a hash-chained event (B8, B9, R1, R16)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.utils import timezone

from claimbridge.cases import reference
from claimbridge.cases.models import Case, CaseEvent, CaseNumberSequence, CaseParty, Channel
from claimbridge.cases.webhooks import outbox_add
from claimbridge.core.crypto import blind_index
from claimbridge.core.fast_insert import insert_rows
from claimbridge.core.hashchain import GENESIS, link
from claimbridge.organisations.models import County, Insurer, ServiceArea
from claimbridge.rules.case_flow import next_state
from claimbridge.rules.identifiers import check_plate


class CaseError(Exception):
    def __init__(self, code: str, zh: str, en: str) -> None:
        self.code, self.zh, self.en = code, zh, en
        super().__init__(en)


_day_sequences: set[str] = set()  # the PostgreSQL sequences this process knows exist


def case_number_next(*, city_code: str, day: Any) -> str:
    """`621200-20240601-00007`: the city, the day, and the count of that city's cases that day.

    On PostgreSQL each city-day has a sequence: drawing takes no lock, so cases are numbered in parallel. Elsewhere
    one upsert on a counter row draws the number (locked until the enclosing commit, if any). A number drawn for work
    that then fails or turns out to be a retry is not reused: numbers are unique and increasing, with possible gaps."""
    if connection.vendor == "postgresql":
        return f"{city_code}-{day:%Y%m%d}-{_next_from_sequence(city_code, day):05d}"
    table = CaseNumberSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (city_code, day, last) VALUES (%s, %s, 1) "  # noqa: S608 - the table name is ours
            f"ON CONFLICT (city_code, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [city_code, day],
        )
        (last,) = cursor.fetchone()
    return f"{city_code}-{day:%Y%m%d}-{last:05d}"


def _next_from_sequence(city_code: str, day: Any) -> int:
    name = f"case_number_{int(city_code):06d}_{day:%Y%m%d}"  # digits only: safe to name in SQL
    if not connection.in_atomic_block and name in _day_sequences:
        try:
            return _nextval(name)
        except ProgrammingError:  # dropped since (old days are cleaned up): make it again below
            _day_sequences.discard(name)
    for attempt in (1, 2):
        try:
            # In a caller's transaction this is a savepoint, and the sequence exists only if that transaction commits:
            # only one made and committed here is remembered.
            with transaction.atomic(), connection.cursor() as cursor:
                # Start after the day's highest number, should the sequence have been dropped or the day's cases
                # numbered before (an accident reported days later draws from its own day).
                cursor.execute(f"SELECT max(number) FROM {Case._meta.db_table} WHERE number LIKE %s",  # noqa: S608
                               [f"{city_code}-{day:%Y%m%d}-%"])  # fmt: skip
                (highest,) = cursor.fetchone()
                start = int(highest.rsplit("-", 1)[1]) + 1 if highest else 1
                cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} MINVALUE 1 START WITH {start:d} NO CYCLE")
                value = _nextval(name)
            break
        except IntegrityError:  # two processes created it at the same moment: the other one won
            if attempt == 2:
                raise
    if not connection.in_atomic_block:
        _day_sequences.add(name)
    return value


def _nextval(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [name])
        (value,) = cursor.fetchone()
    return int(value)


def county_code_at(latitude: float | None, longitude: float | None, crs: str) -> str:
    """The county code of a point (WGS-84 or GCJ-02) from the configured boundaries; "" when unknown."""
    from claimbridge.rulebook.services import BoundariesNotConfigured, locate
    from claimbridge.rules.common import RuleInputError

    if latitude is None or longitude is None:
        return ""
    try:
        return locate(latitude, longitude, crs=crs).adcode or ""
    except (BoundariesNotConfigured, RuleInputError):
        return ""


def case_number_draw(*, county: County, accident_at: datetime | None) -> str:
    day = timezone.localdate(accident_at) if accident_at else timezone.localdate()
    return case_number_next(city_code=county.city.code, day=day)


def event_append(
    *, case: Case, kind: str, actor: Any, data: dict[str, Any], insurers: list[int] | None = None, locked: bool = False
) -> CaseEvent:
    """Append to the case's chain; the case row is locked (by the caller when `locked`) so the chain never forks.
    Each insurer of a party hears of it through the outbox, in the same transaction (the caller's, or its own)."""
    with transaction.atomic(savepoint=False):
        return _event_append(case=case, kind=kind, actor=actor, data=data, insurers=insurers, locked=locked)


def _event_append(
    *, case: Case, kind: str, actor: Any, data: dict[str, Any], insurers: list[int] | None, locked: bool
) -> CaseEvent:
    if not locked:
        current = (
            Case.objects.select_for_update()
            .only("pk", "number", "state", "events_count", "last_event_hash")
            .get(pk=case.pk)
        )
        case.events_count, case.last_event_hash, case.state = (
            current.events_count,
            current.last_event_hash,
            current.state,
        )
    event = CaseEvent(case=case, sequence=case.events_count + 1, kind=kind, actor=actor if getattr(actor, "pk", None) else None,
                      at=timezone.now(), data=data, previous_hash=case.last_event_hash or GENESIS)  # fmt: skip
    event.hash = link(event.previous_hash, event.payload(case.number))
    event.save()
    Case.objects.filter(pk=case.pk).update(events_count=event.sequence, last_event_hash=event.hash)
    case.events_count, case.last_event_hash = event.sequence, event.hash
    if insurers is None:
        insurers = list(
            CaseParty.objects.filter(case=case, insurer__isnull=False).values_list("insurer_id", flat=True).distinct()
        )
    if insurers:
        outbox_add(insurers=insurers, event_type=f"case.{kind}",
                   payload={"case": case.number, "sequence": event.sequence, "kind": kind, "at": event.at.isoformat(),
                            "state": case.state, "data": data})  # fmt: skip
    return event


@dataclass(frozen=True)
class PartyInput:
    label: str
    plate: str = ""
    vin: str = ""
    insurer_code: str = ""
    underwriting_city_code: str = ""
    phone: str = ""  # a verified mobile (driver self-service)


def _route(insurer: Insurer | None, county: County | None) -> Any:
    """The insurer's claims unit serving the accident county (R16), whichever city wrote the policy (R1)."""
    if insurer is None or county is None:
        return None
    area = ServiceArea.objects.filter(insurer=insurer, county=county).select_related("claims_unit").first()
    return area.claims_unit if area else None


def _register_ctpl(plates: list[str], at: datetime) -> dict[str, Any]:
    """Per plate, the policy the register holds in force at the instant (交强险 first): the same instant test as
    policies.services.in_force_q, as one plain statement (this runs on every case intake)."""
    from claimbridge.policies.models import Policy, PolicyVersion

    found: dict[str, Any] = {}
    if not plates:
        return found
    instant = connection.ops.adapt_datetimefield_value(at)
    versions, policies = PolicyVersion._meta.db_table, Policy._meta.db_table
    marks = ", ".join(["%s"] * len(plates))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT v.plate, p.cover_type, p.policy_number, p.underwriting_city_code, p.insurer_id "  # noqa: S608 - our tables
            f"FROM {versions} v JOIN {policies} p ON p.id = v.policy_id "
            f"WHERE v.plate IN ({marks}) AND v.effective_from <= %s AND (v.effective_to IS NULL OR v.effective_to > %s) "
            "AND v.period_start <= %s AND v.period_end > %s AND (p.cancelled_at IS NULL OR p.cancelled_at > %s) "
            "AND p.cover_type <> 'other'",
            [*plates, instant, instant, instant, instant, instant],
        )
        rows = cursor.fetchall()
    for cover in sorted((RegisterCover(*row) for row in rows), key=lambda c: (c.cover_type != "ctpl", c.policy_number)):
        found.setdefault(cover.plate, cover)
    return found


@dataclass(frozen=True)
class RegisterCover:
    plate: str
    cover_type: str
    policy_number: str
    underwriting_city_code: str
    insurer_id: int


def case_create(
    *, user: Any, channel: str, county: County, accident_at: datetime | None = None, latitude: float | None = None,
    longitude: float | None = None, crs: str = "wgs84", parties: list[PartyInput] = (),  # type: ignore[assignment]
    number: str = "", consent: dict[str, bool] | None = None,
) -> Case:  # fmt: skip
    """A new case with its parties, each routed to its insurer's claims unit serving the county. Where the register
    knows a plate, its insurer of record counts, not the one typed (R3). `number`: drawn beforehand (see
    `case_number_draw`), so that the counter is not locked for the whole creation."""
    if channel not in Channel.values:
        raise CaseError("bad_channel", "未知的报案渠道", "unknown reporting channel")
    if channel == Channel.ADJUSTER and not (
        consent and consent.get("credential_shown") and consent.get("customer_consented")
    ):
        raise CaseError("no_consent", "查勘员须先出示工作证和理赔指引，并征得客户同意后方可代为报案",
                        "an adjuster must show the work card and claims guide and have the customer's consent before acting for them")  # fmt: skip
    labels = [party.label for party in parties]
    if len(set(labels)) != len(labels) or any(label not in {"A", "B", "C", "D"} for label in labels):
        raise CaseError("bad_parties", "当事方应为 A、B、C、D 且不重复", "parties are A, B, C or D, each once")
    insurers = reference.insurers()
    plates: dict[str, str] = {}
    for party in parties:
        checked = check_plate(party.plate) if party.plate else None
        if checked is not None and not checked.valid:
            raise CaseError("bad_plate", f"{party.label} 方号牌无效", f"the plate of party {party.label} is not valid")
        if party.insurer_code and party.insurer_code not in insurers:
            raise CaseError(
                "unknown_insurer", f"{party.label} 方的保险公司不存在", f"party {party.label}'s insurer is unknown"
            )
        plates[party.label] = checked.normalized if checked else ""
    register = _register_ctpl([plate for plate in plates.values() if plate], accident_at or timezone.now())
    rows = []
    for party in parties:
        cover = register.get(plates[party.label])
        insurer = reference.insurers_by_id().get(cover.insurer_id) if cover else insurers.get(party.insurer_code)
        rows.append(CaseParty(label=party.label, plate=plates[party.label], vin=party.vin.upper(), insurer=insurer,
                              underwriting_city_code=cover.underwriting_city_code if cover else party.underwriting_city_code,
                              ctpl_policy_number=cover.policy_number if cover and cover.cover_type == "ctpl" else "",
                              cover_verified=cover is not None, driver_phone=party.phone,
                              phone_index=blind_index(party.phone, purpose="phone") if party.phone else ""))  # fmt: skip
    insurer_ids = sorted({row.insurer_id for row in rows if row.insurer_id})
    serving = reference.serving_units()
    units = {insurer_id: serving.get((insurer_id, county.pk)) for insurer_id in insurer_ids}
    number = number or case_number_draw(county=county, accident_at=accident_at)
    for row in rows:
        row.claims_unit_id = units.get(row.insurer_id) if row.insurer_id else None
    actor = user if getattr(user, "pk", None) else None
    case = Case(number=number, channel=channel, city=county.city, county=county, accident_at=accident_at,
                latitude=latitude, longitude=longitude, crs=crs, created_by=actor)  # fmt: skip
    data = {"channel": channel, "county": county.code, **({"consent": consent} if consent else {}),
            "parties": [{"party": row.label, "insurer": row.insurer.code if row.insurer else "", "claims_unit": row.claims_unit_id,
                         "cover_verified": row.cover_verified,
                         "cross_region": bool(row.underwriting_city_code and row.underwriting_city_code != county.city.code)}
                        for row in rows]}  # fmt: skip
    first = CaseEvent(sequence=1, kind="created", actor=actor, at=timezone.now(), data=data, previous_hash=GENESIS)
    first.hash = link(GENESIS, first.payload(number))
    case.events_count, case.last_event_hash = 1, first.hash  # the chain's head is written with the case: one write less
    with transaction.atomic(savepoint=False):  # nothing inside is caught and retried: no savepoint needed
        insert_rows([case])
        first.case = case
        insert_rows([first])
        for row in rows:
            row.case = case
        insert_rows(rows)
        if insurer_ids:
            outbox_add(insurers=insurer_ids, event_type="case.created",
                       payload={"case": number, "sequence": 1, "kind": "created", "at": first.at.isoformat(),
                                "state": case.state, "data": data})  # fmt: skip
    case.created_parties = rows
    return case


def case_transition(*, case: Case, action: str, user: Any, reason: str = "") -> Case:
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        state = next_state(locked.state, action)
        Case.objects.filter(pk=locked.pk).update(state=state)
        event_append(
            case=locked,
            kind="state_changed",
            actor=user,
            data={"from": locked.state, "to": state, "action": action, "reason": reason},
        )
    case.refresh_from_db()
    return case


def audit_verify() -> list[str]:
    """Every case whose chain of events was edited, reordered or cut: `number: what is wrong`."""
    problems = []
    for case in Case.objects.order_by("pk").iterator():
        previous, expected = GENESIS, 1
        for event in CaseEvent.objects.filter(case=case).order_by("sequence").iterator():
            if event.sequence != expected:
                problems.append(f"{case.number}: event {expected} is missing")
                break
            if event.previous_hash != previous or link(previous, event.payload(case.number)) != event.hash:
                problems.append(f"{case.number}: event {event.sequence} was altered")
                break
            previous, expected = event.hash, expected + 1
        else:
            if expected - 1 != case.events_count or (case.events_count and previous != case.last_event_hash):
                problems.append(f"{case.number}: events after {expected - 1} were removed")
    return problems


JOIN_CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no 0/O, 1/I, 2/Z, 5/S, 8/B: easy to read out at the roadside
JOIN_CODE_LIFETIME_MINUTES = 60


def case_join_code_issue(*, case: Case, user: Any = None) -> str:
    """A short code (and its QR) with which the other driver joins the case from their own phone (B1)."""
    import secrets
    from datetime import timedelta

    with transaction.atomic():
        while True:
            code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(6))
            if not Case.objects.filter(join_code=code, join_code_expires_at__gt=timezone.now()).exists():
                break
        Case.objects.filter(pk=case.pk).update(
            join_code=code, join_code_expires_at=timezone.now() + timedelta(minutes=JOIN_CODE_LIFETIME_MINUTES)
        )
        event_append(case=case, kind="join_code_issued", actor=user, data={})
    case.join_code = code
    return code


def case_join(*, join_code: str, phone: str, sms_code: str) -> tuple[Case, CaseParty]:
    """The second driver joins with the code from the first driver's phone and a code sent to their own mobile."""
    from claimbridge.core.phone_verification import challenge_verify, normalise_mobile

    case = Case.objects.filter(join_code=join_code.strip().upper(), join_code_expires_at__gt=timezone.now()).first()
    if case is None:
        raise CaseError("bad_join_code", "加入码无效或已过期", "the join code is not valid or has expired")
    phone = normalise_mobile(phone)
    challenge_verify(phone, sms_code)
    index = blind_index(phone, purpose="phone")
    with transaction.atomic():
        existing = CaseParty.objects.filter(case=case, phone_index=index).first()
        if existing is not None:
            return case, existing
        taken = set(CaseParty.objects.filter(case=case).values_list("label", flat=True))
        label = next((candidate for candidate in "ABCD" if candidate not in taken), None)
        if label is None:
            raise CaseError("case_full", "本案当事方已满", "this case already has all its parties")
        party = CaseParty.objects.create(case=case, label=label, driver_phone=phone, phone_index=index)
        event_append(case=case, kind="party_joined", actor=None, data={"party": label})
    return case, party


def join_qr_svg(*, join_url: str) -> str:
    """The join link as an SVG QR code, for the other driver's camera."""
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(join_url, error="m").save(buffer, kind="svg", scale=6, border=2, xmldecl=False)
    return buffer.getvalue().decode()


PARTY_FIELDS = ("driver_name", "driver_licence", "plate", "vin", "vehicle_type", "collision_part", "driver_licensed",
                "inspection_valid", "impairment_free")  # fmt: skip


def party_details_save(*, party: CaseParty, **details: Any) -> CaseParty:
    """The driver's own details; the policy register then decides the insurer and the claims unit (R1, R3, R16).
    The event records which fields changed, never their values (personal data)."""
    unknown = set(details) - set(PARTY_FIELDS)
    if unknown:
        raise TypeError(f"unknown party fields: {sorted(unknown)}")
    changed = [name for name, value in details.items() if getattr(party, name) != value]
    if not changed:
        return party
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=party.case_id)
        for name in changed:
            setattr(party, name, details[name])
        party.save(update_fields=changed)
        event_append(case=case, kind="party_updated", actor=None, data={"party": party.label, "fields": changed})
        if "plate" in changed:
            _cover_from_register(case=case, party=party)
        _confirmations_clear(case=case)
        _report_when_complete(case=case)
    return party


def _cover_from_register(*, case: Case, party: CaseParty) -> None:
    """The insurer of record for the plate at the accident instant decides who handles the party (not a typed name)."""
    from claimbridge.policies.selectors import in_force_versions

    versions = list(in_force_versions(plate=party.plate, at=case.accident_at or timezone.now()))
    ctpl = next((v for v in versions if v.policy.cover_type == "ctpl"), None) or (versions[0] if versions else None)
    if ctpl is None:
        if party.cover_verified or party.ctpl_policy_number:
            CaseParty.objects.filter(pk=party.pk).update(cover_verified=False, ctpl_policy_number="")
            party.cover_verified, party.ctpl_policy_number = False, ""
        return
    insurer = ctpl.policy.insurer
    unit = (
        party.claims_unit if party.insurer_id == insurer.pk and party.claims_unit_id else _route(insurer, case.county)
    )
    party.insurer, party.claims_unit, party.cover_verified = insurer, unit, True
    party.underwriting_city_code = ctpl.policy.underwriting_city_code
    party.ctpl_policy_number = ctpl.policy.policy_number if ctpl.policy.cover_type == "ctpl" else ""
    party.save(
        update_fields=["insurer", "claims_unit", "cover_verified", "underwriting_city_code", "ctpl_policy_number"]
    )
    if case.evidence is not None:
        case.evidence.insurers.add(insurer)
    event_append(case=case, kind="party_cover_found", actor=None,
                 data={"party": party.label, "insurer": insurer.code, "claims_unit": unit.pk if unit else None,
                       "cross_region": party.underwriting_city_code != (case.city.code if case.city else "")})  # fmt: skip


def _confirmations_clear(*, case: Case) -> None:
    """A change to what was agreed voids every confirmation given so far: each party confirms the new content."""
    confirmed = list(CaseParty.objects.filter(case=case, confirmed_at__isnull=False).values_list("label", flat=True))
    if confirmed:
        CaseParty.objects.filter(case=case).update(confirmed_at=None, confirmed_name="", confirmed_digest="",
                                                   confirmed_device="")  # fmt: skip
        event_append(case=case, kind="confirmations_cleared", actor=None, data={"parties": confirmed})


def _advance(*, case: Case, action: str, actor: Any = None, reason: str = "") -> None:
    state = next_state(case.state, action)
    Case.objects.filter(pk=case.pk).update(state=state)
    event_append(case=case, kind="state_changed", actor=actor,
                 data={"from": case.state, "to": state, "action": action, "reason": reason})  # fmt: skip
    case.state = state


def _report_when_complete(*, case: Case) -> None:
    """A driver's draft becomes a report once the facts and every party's details are in (two parties at least)."""
    from claimbridge.cases.quick_claim import facts_complete, party_complete

    parties = list(case.parties.all())
    if case.state == "draft" and len(parties) >= 2 and facts_complete(case) and all(map(party_complete, parties)):
        _advance(case=case, action="report", reason="complete")


def case_facts_save(*, case: Case, facts: dict[str, Any], party_label: str = "", user: Any = None) -> Case:
    """What happened, as the parties tell it (weather, kind of collision, injuries, damage, estimated loss)."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        _editable(locked)
        changed = sorted(name for name in set(facts) | set(locked.facts) if facts.get(name) != locked.facts.get(name))
        if changed:
            Case.objects.filter(pk=locked.pk).update(facts=facts)
            locked.facts = facts
            event_append(case=locked, kind="facts_updated", actor=user, data={"party": party_label, "fields": changed})
            _confirmations_clear(case=locked)
            _report_when_complete(case=locked)
    case.refresh_from_db()
    return case


def case_circumstances_save(
    *, case: Case, circumstances: dict[str, list[int]], party_label: str = "", user: Any = None
) -> Case:
    """Which listed circumstance applies to which party; the liability follows from the catalogue (R2)."""
    from claimbridge.cases.quick_claim import accident_day
    from claimbridge.rules.circumstances import catalogue_on

    catalogue = catalogue_on(accident_day(case))
    labels = set(case.parties.values_list("label", flat=True))
    cleaned = {label: sorted({int(n) for n in numbers}) for label, numbers in circumstances.items() if label in labels}
    if any(n not in catalogue.items for numbers in cleaned.values() for n in numbers):
        raise CaseError("bad_circumstance", "事故情形不在目录中", "that circumstance is not in the catalogue")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        _editable(locked)
        if cleaned != locked.circumstances:
            Case.objects.filter(pk=locked.pk).update(circumstances=cleaned)
            locked.circumstances = cleaned
            event_append(
                case=locked,
                kind="circumstances_chosen",
                actor=user,
                data={"party": party_label, "circumstances": cleaned},
            )
            _confirmations_clear(case=locked)
    case.refresh_from_db()
    return case


def _editable(case: Case) -> None:
    if case.state not in {"draft", "reported", "awaiting_confirmation"}:
        raise CaseError(
            "case_settled",
            "协议已确认或已转交警，不能再修改",
            "the case is agreed or with the police: it can no longer change",
        )


def party_confirm(*, party: CaseParty, typed_name: str, consent: bool, device: str) -> Case:
    """One party confirms the facts and the liability on their own phone (B1). When every party has confirmed the same
    content the case is agreed and the 协议书 is made."""
    from claimbridge.cases.quick_claim import agreement_digest, assessment

    if not consent:
        raise CaseError("no_consent", "请勾选同意后再确认", "tick the box to agree before confirming")
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("city", "county").get(pk=party.case_id)
        _editable(case)
        parties = list(case.parties.select_related("insurer").order_by("label"))
        me = next(p for p in parties if p.pk == party.pk)
        if not me.driver_name or typed_name.strip() != me.driver_name.strip():
            raise CaseError("name_mismatch", "请输入与您填写的驾驶人姓名一致的姓名",
                            "type your name exactly as you entered it as the driver")  # fmt: skip
        judged = assessment(case)
        if not judged["eligibility"]["eligible"]:
            raise CaseError("not_eligible", "本事故不符合快处易赔条件，不能在线确认",
                            "this accident does not qualify for quick handling, so it cannot be confirmed online")  # fmt: skip
        if case.state == "draft":
            raise CaseError(
                "incomplete", "请先填写事故经过和各方信息", "enter what happened and every party's details first"
            )
        if case.state == "reported":
            _advance(case=case, action="request_confirmation")
        digest = agreement_digest(case, parties)
        me.confirmed_at, me.confirmed_name, me.confirmed_digest = timezone.now(), typed_name.strip(), digest
        me.confirmed_device, me.disagreed_at = device[:200], None
        me.save(
            update_fields=["confirmed_at", "confirmed_name", "confirmed_digest", "confirmed_device", "disagreed_at"]
        )
        event_append(case=case, kind="party_confirmed", actor=None, data={"party": me.label, "digest": digest})
        if all(p.confirmed_digest == digest for p in parties):
            _agree(case=case, parties=parties, liability=judged["liability"]["liability"], digest=digest)
    party.refresh_from_db()
    case.refresh_from_db()
    return case


def _agree(*, case: Case, parties: list[CaseParty], liability: dict[str, str], digest: str) -> None:
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from claimbridge.cases.agreement import agreement_pdf, verification_code

    code = verification_code(digest)
    case.agreed_at = timezone.now()
    pdf = agreement_pdf(case=case, parties=parties, liability=liability, code=code)
    sha = hashlib.sha256(pdf).hexdigest()
    name = default_storage.save(f"agreements/{case.number}-{sha[:16]}.pdf", ContentFile(pdf))
    Case.objects.filter(pk=case.pk).update(agreement_name=name, agreement_sha256=sha, agreement_code=code,
                                           agreed_at=case.agreed_at)  # fmt: skip
    case.agreement_name, case.agreement_sha256, case.agreement_code = name, sha, code
    _advance(case=case, action="confirm_all")
    event_append(case=case, kind="agreement_made", actor=None, data={"sha256": sha, "liability": liability})


def party_disagree(*, party: CaseParty, reason: str = "") -> Case:
    """A party does not accept the facts or the liability: the traffic police decide (R14.2)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=party.case_id)
        _editable(case)
        CaseParty.objects.filter(pk=party.pk).update(disagreed_at=timezone.now())
        event_append(case=case, kind="party_disagreed", actor=None, data={"party": party.label})
        _to_police(case=case, reason=reason or "disagreement")
    case.refresh_from_db()
    return case


def case_to_police(*, case: Case, party_label: str = "", user: Any = None, reason: str) -> Case:
    """The accident does not qualify for quick handling or its liability cannot be decided online."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        _editable(locked)
        _to_police(case=locked, reason=reason, actor=user)
    case.refresh_from_db()
    return case


def _to_police(*, case: Case, reason: str, actor: Any = None) -> None:
    if case.state == "draft":
        _advance(case=case, action="report", actor=actor, reason=reason)
    _advance(case=case, action="send_to_police", actor=actor, reason=reason)


def case_evidence_file(*, case: Case, user: Any = None) -> Any:
    """The case's evidence file, made the first time someone sends a photo."""
    from claimbridge.evidence.services import evidence_file_create

    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.evidence_id is None:
            insurers = [p.insurer for p in locked.parties.select_related("insurer") if p.insurer]
            evidence = evidence_file_create(user=user, title=locked.number, accident_at=locked.accident_at,
                                            latitude=locked.latitude, longitude=locked.longitude, crs=locked.crs,
                                            insurers=insurers, county=locked.county)  # fmt: skip
            Case.objects.filter(pk=locked.pk).update(evidence=evidence)
            locked.evidence = evidence
    case.evidence = locked.evidence
    return locked.evidence


def party_photo_upload(*, party: CaseParty, slot_code: str, upload: Any, upload_key: str = "") -> Any:
    """A driver's photo from their phone, filed in the case's evidence under the party who sent it."""
    from claimbridge.evidence.services import evidence_item_upload
    from claimbridge.evidence.slots import SLOTS_BY_CODE

    case = party.case
    evidence = case_evidence_file(case=case)
    slot = SLOTS_BY_CODE.get(slot_code)
    item = evidence_item_upload(user=None, evidence_file=evidence, slot_code=slot_code,
                                party=party.label if slot is not None and slot.per_party else "", upload=upload,
                                upload_key=upload_key, uploaded_by_party=party.label)  # fmt: skip
    with transaction.atomic():
        event_append(
            case=case, kind="photo_added", actor=None, data={"party": party.label, "slot": slot_code, "item": item.pk}
        )
    return item


def handoff(
    *, party: CaseParty, to_unit: Any, reason: str, user: Any = None, by_party: str = "", note: str = ""
) -> Any:
    """Move a party's claim to another claims unit of the same insurer, recording who, when and why (R1)."""
    from claimbridge.cases.models import Handoff

    if to_unit is None:
        raise CaseError("no_unit", "没有可以接手的理赔单位", "there is no claims unit to take it over")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=party.case_id)
        locked = CaseParty.objects.select_for_update().get(pk=party.pk)
        if to_unit.branch.insurer_id != locked.insurer_id:
            raise CaseError(
                "other_insurer", "只能转给本公司的理赔单位", "a claim can only move to a unit of the same insurer"
            )
        if to_unit.pk == locked.claims_unit_id:
            return None
        record = Handoff.objects.create(party=locked, from_unit=locked.claims_unit, to_unit=to_unit, reason=reason,
                                        note=note[:200], by=user if getattr(user, "pk", None) else None, by_party=by_party)  # fmt: skip
        CaseParty.objects.filter(pk=locked.pk).update(claims_unit=to_unit)
        event_append(case=case, kind="handed_off", actor=user,
                     data={"party": locked.label, "from": locked.claims_unit_id, "to": to_unit.pk, "reason": reason})  # fmt: skip
    party.refresh_from_db()
    return record


def underwriting_city_unit(party: CaseParty) -> Any:
    """The insurer's claims unit in the city that wrote the policy (the first, as the city branch's front desk)."""
    from claimbridge.organisations.models import ClaimsUnit

    if not party.underwriting_city_code or party.insurer_id is None:
        return None
    units = ClaimsUnit.objects.filter(
        branch__insurer_id=party.insurer_id, branch__city__code=party.underwriting_city_code
    )
    return units.select_related("branch").order_by("pk").first()


def party_serve_in_underwriting_city(*, party: CaseParty) -> Any:
    """The customer asks to be served by the branch that wrote the policy instead of the accident city's (R1)."""
    return handoff(party=party, to_unit=underwriting_city_unit(party), reason="customer_asked", by_party=party.label)
