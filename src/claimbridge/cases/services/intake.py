"""A case reported three ways — a driver's phone, an adjuster at the scene, the insurer's hotline — each party routed
to its insurer's claims unit serving the accident county (R1, R3, R7–R9, R16). This runs on every intake: the case,
its parties and its first event (linked and sealed in memory, decision 0012) are written as plain inserts, and the
register is read in one statement (decision 0010)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from claimbridge.cases import reference
from claimbridge.cases.events import event_type, listeners
from claimbridge.cases.models import Case, CaseEvent, CaseParty, Channel
from claimbridge.cases.services.numbering import case_number_draw
from claimbridge.cases.services.record import outbox_enqueue
from claimbridge.cases.services.seal import case_seal
from claimbridge.core.crypto import audit_chain_key, blind_index
from claimbridge.core.errors import AppError
from claimbridge.core.fast_insert import insert_rows
from claimbridge.core.hashchain import GENESIS, link
from claimbridge.core.inputs import plausible_accident_time
from claimbridge.organisations.models import County
from claimbridge.policies.selectors import insurer_of_record
from claimbridge.rules.identifiers import check_plate, check_vin

LABELS = ("A", "B", "C", "D")
CRS_CHOICES = ("wgs84", "gcj02")
# What the reporter at the scene or on the hotline may say about the accident, for the kernel (R14; witnesses for the
# fraud score, issue 16): each answer is stored with who gave it. The parties answer the same questions on their
# phones.
REPORTER_FACTS = ("facility_damage", "intentional_suspected", "party_left_scene", "scene_difficult", "witnesses")


@dataclass(frozen=True)
class PartyInput:
    label: str
    plate: str = ""
    vin: str = ""
    insurer_code: str = ""
    underwriting_city_code: str = ""
    phone: str = ""  # a verified mobile (driver self-service)


def fact_source(*, user: Any = None, party_label: str = "") -> dict[str, str]:
    """Who gave an answer, and when: a party from their phone, or a signed-in person."""
    by = f"party:{party_label}" if party_label else f"user:{getattr(user, 'pk', None) or 0}"
    return {"by": by, "at": timezone.now().isoformat()}


def _check_place(latitude: float | None, longitude: float | None, crs: str) -> None:
    if crs not in CRS_CHOICES:
        raise AppError("bad_crs", "坐标系须为 wgs84 或 gcj02", "the coordinate system is wgs84 or gcj02", field="crs")
    for name, value, limit in (("latitude", latitude, 90), ("longitude", longitude, 180)):
        if value is not None and not -limit <= value <= limit:
            raise AppError("bad_position", "经纬度超出范围", "the coordinates are out of range", field=name)
    if (latitude is None) != (longitude is None):
        raise AppError("bad_position", "请同时给出纬度和经度", "give both latitude and longitude", field="longitude")


def _checked_parties(parties: list[PartyInput]) -> dict[str, tuple[str, str]]:
    """Label → (plate, VIN) as the kernel writes them; an AppError naming the party's field otherwise."""
    labels = [party.label for party in parties]
    if len(set(labels)) != len(labels) or any(label not in LABELS for label in labels):
        raise AppError(
            "bad_parties", "当事方应为 A、B、C、D 且不重复", "parties are A, B, C or D, each once", field="parties"
        )
    insurers = reference.insurers()
    checked: dict[str, tuple[str, str]] = {}
    for index, party in enumerate(parties):
        plate = check_plate(party.plate) if party.plate else None
        if plate is not None and not plate.valid:
            raise AppError("bad_plate", f"{party.label} 方号牌无效", f"the plate of party {party.label} is not valid",
                           field=f"parties[{index}].plate")  # fmt: skip
        vin = check_vin(party.vin) if party.vin else None
        if vin is not None and not vin.valid:
            raise AppError("bad_vin", f"{party.label} 方车架号（VIN）无效", f"the VIN of party {party.label} is not valid",
                           field=f"parties[{index}].vin")  # fmt: skip
        if party.insurer_code and party.insurer_code not in insurers:
            raise AppError("unknown_insurer", f"{party.label} 方的保险公司不存在",
                           f"party {party.label}'s insurer is unknown", field=f"parties[{index}].insurer")  # fmt: skip
        if party.underwriting_city_code and not (
            len(party.underwriting_city_code) == 6 and party.underwriting_city_code.isdigit()
        ):
            raise AppError("bad_city", "承保地须为 6 位行政区划代码", "the underwriting city is a 6-digit area code",
                           field=f"parties[{index}].underwriting_city")  # fmt: skip
        checked[party.label] = (plate.normalized if plate else "", vin.normalized if vin else "")
    return checked


def case_create(
    *, user: Any, channel: str, county: County, accident_at: datetime | None = None, latitude: float | None = None,
    longitude: float | None = None, crs: str = "wgs84", parties: list[PartyInput] | tuple[PartyInput, ...] = (),
    number: str = "", consent: dict[str, bool] | None = None, facts: dict[str, bool] | None = None,
) -> Case:  # fmt: skip
    """A new case with its parties, each routed to its insurer's claims unit serving the county. Where the register
    knows a plate, its insurer of record counts, not the one typed (R3). `number`: drawn beforehand (see
    `case_number_draw`), so that the counter is not locked for the whole creation. `facts`: what the reporter
    answered of REPORTER_FACTS, stored with who gave them."""
    if channel not in Channel.values:
        raise AppError("bad_channel", "未知的报案渠道", "unknown reporting channel")
    if channel == Channel.ADJUSTER and not (
        consent and consent.get("credential_shown") and consent.get("customer_consented")
    ):
        raise AppError("no_consent", "查勘员须先出示工作证和理赔指引，并征得客户同意后方可代为报案",
                       "an adjuster must show the work card and claims guide and have the customer's consent before acting for them",
                       field="consent")  # fmt: skip
    if accident_at is not None:
        accident_at = plausible_accident_time(accident_at)
    _check_place(latitude, longitude, crs)
    given = {name: bool(value) for name, value in (facts or {}).items() if value is not None}
    if set(given) - set(REPORTER_FACTS):
        raise AppError("bad_facts", "未知的事故情况字段", "unknown accident facts", field="facts")
    parties = list(parties)
    checked = _checked_parties(parties)
    register = insurer_of_record(plates=[plate for plate, _vin in checked.values()], at=accident_at or timezone.now())
    insurers, insurers_by_id = reference.insurers(), reference.insurers_by_id()
    rows = []
    for party in parties:
        plate, vin = checked[party.label]
        cover = register.get(plate) if plate else None
        insurer = insurers_by_id.get(cover.insurer_id) if cover else insurers.get(party.insurer_code)
        rows.append(CaseParty(label=party.label, plate=plate, vin=vin, insurer=insurer,
                              underwriting_city_code=cover.underwriting_city_code if cover else party.underwriting_city_code,
                              ctpl_policy_number=cover.policy_number if cover and cover.cover_type == "ctpl" else "",
                              cover_verified=cover is not None, driver_phone=party.phone,
                              phone_index=blind_index(party.phone, purpose="phone") if party.phone else ""))  # fmt: skip
    serving = reference.serving_units()
    for row in rows:
        row.claims_unit_id = serving.get((row.insurer_id, county.pk)) if row.insurer_id else None
    number = number or case_number_draw(county=county, accident_at=accident_at)
    actor = user if getattr(user, "pk", None) else None
    source = fact_source(user=user) if actor else {"by": "reporter", "at": timezone.now().isoformat()}
    case = Case(number=number, channel=channel, city=county.city, county=county, accident_at=accident_at,
                latitude=latitude, longitude=longitude, crs=crs, created_by=actor, facts=given,
                fact_sources=dict.fromkeys(given, source))  # fmt: skip
    data: dict[str, Any] = {"channel": channel, "county": county.code,
            "parties": [{"party": row.label, "insurer": row.insurer.code if row.insurer else "", "claims_unit": row.claims_unit_id,
                         "cover_verified": row.cover_verified,
                         "cross_region": bool(row.underwriting_city_code and row.underwriting_city_code != county.city.code)}
                        for row in rows]}  # fmt: skip
    if consent:
        data["consent"] = consent
    if given:
        data["facts"] = given
    registered = event_type("created", data)
    key_id, key = audit_chain_key()
    first = CaseEvent(sequence=1, kind="created", actor=actor, at=timezone.now(), data=data, previous_hash=GENESIS,
                      key_id=key_id)  # fmt: skip
    first.hash = link(GENESIS, first.payload(number), key)
    case.events_count, case.last_event_hash = 1, first.hash  # the chain's head is written with the case: one write less
    with transaction.atomic(savepoint=False):  # nothing inside is caught and retried: no savepoint needed
        insert_rows([case])
        first.case = case
        # Sealed from the rows in hand (the case's creation time is stamped by its insert): no statement more.
        first.state_seal = case_seal(case, first.hash, key, parties=[(row, None, ()) for row in rows])
        insert_rows([first])
        for row in rows:
            row.case = case
        insert_rows(rows)
        outbox_enqueue(case=case, event=first, registered=registered, parties=rows)
        case.created_parties = rows
        for listener in listeners("created"):  # as for every other event (services/record.py): the fraud link index
            listener(case=case, event=first)
    return case


def case_start_from_phone(*, user: Any, county: County, accident_at: datetime | None, latitude: float | None,
                          longitude: float | None, plate: str, insurer_code: str, phone: str, consent_version: str,
                          channel: str = "web", device: str = "") -> Case:  # fmt: skip
    """A driver at the roadside starts a case as party A from the proved `phone` (B1): the case, the join code for
    the other driver and the driver's consent to the notice of `consent_version` (issue 20), in one transaction."""
    from claimbridge.cases.services.join import case_join_code_issue
    from claimbridge.cases.services.record import case_lock
    from claimbridge.privacy.notice import QUICK_CLAIM_PURPOSES
    from claimbridge.privacy.services import consent_check, consent_record

    consent_check(version=consent_version)
    with transaction.atomic():
        case = case_create(user=user, channel="driver", county=county, accident_at=accident_at, latitude=latitude,
                           longitude=longitude, parties=[PartyInput("A", plate=plate, insurer_code=insurer_code, phone=phone)])  # fmt: skip
        case_join_code_issue(case=case)
        locked = case_lock(pk=case.pk)
        consent_record(phone=phone, purposes=QUICK_CLAIM_PURPOSES, version=consent_version, channel=channel,
                       device=device, case=locked, party=case.created_parties[0])  # fmt: skip
    return case
