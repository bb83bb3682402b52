"""Every write to a case, in a transaction, each leaving a hash-chained event (B8, B9, R1, R16)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from claimbridge.cases.models import Case, CaseEvent, CaseNumberSequence, CaseParty, Channel
from claimbridge.cases.webhooks import outbox_add
from claimbridge.core.crypto import blind_index
from claimbridge.core.hashchain import GENESIS, link
from claimbridge.organisations.models import County, Insurer, ServiceArea
from claimbridge.rules.case_flow import next_state
from claimbridge.rules.identifiers import check_plate


class CaseError(Exception):
    def __init__(self, code: str, zh: str, en: str) -> None:
        self.code, self.zh, self.en = code, zh, en
        super().__init__(en)


def case_number_next(*, city_code: str, day: Any) -> str:
    """`621200-20240601-00007`: the city, the day, and the count of that city's cases that day (row-locked)."""
    sequence, _ = CaseNumberSequence.objects.select_for_update().get_or_create(city_code=city_code, day=day)
    CaseNumberSequence.objects.filter(pk=sequence.pk).update(last=sequence.last + 1)
    return f"{city_code}-{day:%Y%m%d}-{sequence.last + 1:05d}"


def event_append(*, case: Case, kind: str, actor: Any, data: dict[str, Any]) -> CaseEvent:
    """Append to the case's chain; the case row is locked so the chain never forks."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    event = CaseEvent(case=locked, sequence=locked.events_count + 1, kind=kind, actor=actor if getattr(actor, "pk", None) else None,
                      at=timezone.now(), data=data, previous_hash=locked.last_event_hash or GENESIS)  # fmt: skip
    event.hash = link(event.previous_hash, event.payload())
    event.save()
    Case.objects.filter(pk=locked.pk).update(events_count=event.sequence, last_event_hash=event.hash)
    case.events_count, case.last_event_hash = event.sequence, event.hash
    insurers = list(
        CaseParty.objects.filter(case=locked, insurer__isnull=False).values_list("insurer_id", flat=True).distinct()
    )
    if insurers:
        outbox_add(insurers=insurers, event_type=f"case.{kind}",
                   payload={"case": locked.number, "sequence": event.sequence, "kind": kind, "at": event.at.isoformat(),
                            "state": locked.state, "data": data})  # fmt: skip
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


def case_create(
    *, user: Any, channel: str, county: County, accident_at: datetime | None = None, latitude: float | None = None,
    longitude: float | None = None, crs: str = "wgs84", parties: list[PartyInput] = (),  # type: ignore[assignment]
) -> Case:  # fmt: skip
    if channel not in Channel.values:
        raise CaseError("bad_channel", "未知的报案渠道", "unknown reporting channel")
    labels = [party.label for party in parties]
    if len(set(labels)) != len(labels) or any(label not in {"A", "B", "C", "D"} for label in labels):
        raise CaseError("bad_parties", "当事方应为 A、B、C、D 且不重复", "parties are A, B, C or D, each once")
    insurers = {i.code: i for i in Insurer.objects.filter(code__in=[p.insurer_code for p in parties if p.insurer_code])}
    for party in parties:
        if party.plate and not check_plate(party.plate).valid:
            raise CaseError("bad_plate", f"{party.label} 方号牌无效", f"the plate of party {party.label} is not valid")
        if party.insurer_code and party.insurer_code not in insurers:
            raise CaseError(
                "unknown_insurer", f"{party.label} 方的保险公司不存在", f"party {party.label}'s insurer is unknown"
            )
    with transaction.atomic():
        day = timezone.localdate(accident_at) if accident_at else timezone.localdate()
        case = Case.objects.create(
            number=case_number_next(city_code=county.city.code, day=day), channel=channel, city=county.city,
            county=county, accident_at=accident_at, latitude=latitude, longitude=longitude, crs=crs,
            created_by=user if getattr(user, "pk", None) else None,
        )  # fmt: skip
        event_append(case=case, kind="created", actor=user, data={"channel": channel, "county": county.code})
        for party in parties:
            insurer = insurers.get(party.insurer_code)
            unit = _route(insurer, county)
            CaseParty.objects.create(case=case, label=party.label, plate=check_plate(party.plate).normalized if party.plate else "",
                                     vin=party.vin.upper(), insurer=insurer, claims_unit=unit,
                                     underwriting_city_code=party.underwriting_city_code, driver_phone=party.phone,
                                     phone_index=blind_index(party.phone, purpose="phone") if party.phone else "")  # fmt: skip
            event_append(case=case, kind="party_added", actor=user,
                         data={"party": party.label, "insurer": party.insurer_code, "claims_unit": unit.pk if unit else None,
                               "cross_region": bool(party.underwriting_city_code and party.underwriting_city_code != county.city.code)})  # fmt: skip
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
            if event.previous_hash != previous or link(previous, event.payload()) != event.hash:
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


def party_details_save(*, party: CaseParty, driver_name: str, driver_licence: str, plate: str, vin: str) -> CaseParty:
    """The driver's own details; the event records which fields changed, never their values (personal data)."""
    changed = [name for name, value in (("driver_name", driver_name), ("driver_licence", driver_licence), ("plate", plate), ("vin", vin))
               if getattr(party, name) != value]  # fmt: skip
    if not changed:
        return party
    with transaction.atomic():
        party.driver_name, party.driver_licence, party.plate, party.vin = driver_name, driver_licence, plate, vin
        party.save(update_fields=["driver_name", "driver_licence", "plate", "vin"])
        event_append(case=party.case, kind="party_updated", actor=None, data={"party": party.label, "fields": changed})
    return party
