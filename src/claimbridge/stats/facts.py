"""What one party of a reported case contributes to the integration's figures: a `PartyFact` (issue 17).

Every figure counts from these facts and nothing else, so the roll-ups maintained at write time and the rebuild from
the raw rows agree by construction. The month of every fact is the month the case was reported (China's calendar):
a month's figures are about the cases reported in it, followed for as long as their claims run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from claimbridge.rules.common import CHINA, ZERO
from claimbridge.stats.quantiles import bucket_of

# The four waits timed from the report (R14, R1), each ended by the claim's moment of that step.
MEASURES: dict[str, str] = {
    "first_contact": "first_contact_at",
    "survey": "assessed_at",
    "settlement": "settled_at",
    "payment": "paid_at",
}
ONLINE_ONE_STOP = "online_one_stop"  # the triage route of R14.1 (rules.triage)


@dataclass(frozen=True)
class ClaimInput:
    """One insurer's claim line, as the figures need it (the model's field names)."""

    first_contact_at: datetime | None = None
    assessed_at: datetime | None = None
    settled_at: datetime | None = None
    paid_at: datetime | None = None
    closed_at: datetime | None = None
    payable: Decimal | None = None
    paid_amount: Decimal | None = None


@dataclass(frozen=True)
class PartyInput:
    label: str
    insurer_id: int | None = None
    claims_unit_id: int | None = None
    underwriting_city_code: str = ""
    route: str = ""  # the party's triage route when the agreement was made ("" before)
    handoffs: int = 0
    claim: ClaimInput | None = None


@dataclass(frozen=True)
class CaseInput:
    reported_at: datetime  # when the case was started on the platform (aware)
    state: str
    channel: str
    city_id: int | None = None
    city_code: str = ""
    county_id: int | None = None
    agreed: bool = False  # an agreement (协议书) was made: settled by 快处易赔
    parties: Sequence[PartyInput] = ()


@dataclass(frozen=True)
class PartyFact:
    """One party's contribution. Dimensions first, then counters (0/1 unless said), amounts and waits."""

    label: str
    month: date
    city_id: int
    county_id: int
    insurer_id: int
    claims_unit_id: int
    channel: str
    cases: int  # 1 for the case's first party: the market counts each case once
    cases_ins: int  # 1 for the first party of its insurer on the case: each company counts each of its cases once
    agreed: int
    agreed_ins: int
    police: int
    police_ins: int
    parties: int
    uw_known: int  # underwriting city and accident city both known
    cross_region: int  # … and different: the integration's own measure
    one_stop: int
    claims: int
    settled: int
    paid: int
    amount_settled: Decimal
    amount_paid: Decimal
    handoffs: int
    sla: dict[str, str] = field(default_factory=dict)  # clock → "met" | "missed" | "open" | "none"
    minutes: dict[str, int | None] = field(default_factory=dict)  # measure → whole minutes from the report
    next_due_at: datetime | None = None  # the earliest due time of a clock still open (the sweep looks then)

    def bucket(self, measure: str) -> int | None:
        minutes = self.minutes.get(measure)
        return None if minutes is None else bucket_of(minutes)


COUNTERS = ("cases", "cases_ins", "agreed", "agreed_ins", "police", "police_ins", "parties", "uw_known",
            "cross_region", "one_stop", "claims", "settled", "paid", "handoffs")  # fmt: skip
AMOUNTS = ("amount_settled", "amount_paid")
DIMENSIONS = ("month", "city_id", "county_id", "insurer_id", "claims_unit_id", "channel")


def month_of(moment: datetime) -> date:
    """The first day of the moment's month in China."""
    local = moment.astimezone(CHINA)
    return date(local.year, local.month, 1)


def whole_minutes(start: datetime, end: datetime | None) -> int | None:
    if end is None:
        return None
    return max(math.floor((end - start).total_seconds() / 60), 0)


def sla_state(*, reported_at: datetime, minutes: int, done: datetime | None, closed: bool, now: datetime) -> str:
    """A clock's state: met (its step done in time), missed (done late, or not done and past due), none (the claim
    was closed without the step: the clock does not apply), open (still running)."""
    due = reported_at.timestamp() + minutes * 60
    if done is not None:
        return "met" if done.timestamp() <= due else "missed"
    if closed:
        return "none"
    return "missed" if now.timestamp() > due else "open"


def case_facts(case: CaseInput, *, sla_minutes: Mapping[str, int], sla_met_by: Mapping[str, str], now: datetime
               ) -> list[PartyFact]:  # fmt: skip
    """Each party's fact for a case; none while the case is a draft (not yet reported). `sla_minutes` are the service
    clocks in minutes from the report, `sla_met_by` the claim field that stops each."""
    if case.state == "draft":
        return []
    police = case.state == "police" or (case.state == "concluded" and not case.agreed)
    month = month_of(case.reported_at)
    labels = sorted(party.label for party in case.parties)
    first_of_insurer: dict[int | None, str] = {}
    for party in sorted(case.parties, key=lambda p: p.label):
        first_of_insurer.setdefault(party.insurer_id, party.label)
    facts = []
    for party in case.parties:
        claim = party.claim
        first = int(bool(labels) and party.label == labels[0])
        first_ins = int(first_of_insurer.get(party.insurer_id) == party.label)
        uw_known = int(bool(party.underwriting_city_code) and bool(case.city_code))
        sla: dict[str, str] = {}
        next_due: datetime | None = None
        if party.insurer_id is not None:
            for clock, limit in sla_minutes.items():
                done = getattr(claim, sla_met_by[clock]) if claim is not None else None
                closed = claim is not None and claim.closed_at is not None
                state = sla_state(reported_at=case.reported_at, minutes=limit, done=done, closed=closed, now=now)
                sla[clock] = state
                if state == "open":
                    due = datetime.fromtimestamp(case.reported_at.timestamp() + limit * 60, tz=case.reported_at.tzinfo)
                    next_due = due if next_due is None or due < next_due else next_due
        minutes = {
            measure: whole_minutes(case.reported_at, getattr(claim, attribute)) if claim is not None else None
            for measure, attribute in MEASURES.items()
        }
        settled = claim is not None and claim.settled_at is not None
        paid = claim is not None and claim.paid_at is not None
        facts.append(PartyFact(
            label=party.label, month=month, city_id=case.city_id or 0, county_id=case.county_id or 0,
            insurer_id=party.insurer_id or 0, claims_unit_id=party.claims_unit_id or 0, channel=case.channel,
            cases=first, cases_ins=first_ins, agreed=first * case.agreed, agreed_ins=first_ins * case.agreed,
            police=first * police, police_ins=first_ins * police, parties=1, uw_known=uw_known,
            cross_region=int(uw_known and party.underwriting_city_code != case.city_code),
            one_stop=int(party.route == ONLINE_ONE_STOP), claims=int(claim is not None), settled=int(settled),
            paid=int(paid), amount_settled=(claim.payable or ZERO) if settled and claim else ZERO,
            amount_paid=(claim.paid_amount or ZERO) if paid and claim else ZERO, handoffs=party.handoffs,
            sla=sla, minutes=minutes, next_due_at=next_due,
        ))  # fmt: skip
    return facts
