"""The roll-ups kept at write time equal the raw aggregation, on random worlds changed at random (issue 17, R19).

Hypothesis builds cases, parties, claims and hand-offs with random times and states, refreshes them through the
write path after each random change (a claim step, a party moving company or unit, a case going to the police,
a party added or removed), then compares what the dashboards read with sums computed straight from the raw rows —
written here independently of the facts kernel — and with a rebuild.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimbridge.cases.models import Case, CaseParty, Claim, Handoff
from claimbridge.organisations.models import ClaimsUnit, County, Insurer
from claimbridge.reports import rollups
from claimbridge.reports.selectors import FigureQuery, compute
from claimbridge.rules.common import CHINA
from claimbridge.stats import quantiles

pytestmark = pytest.mark.django_db
START = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 11, 1, tzinfo=UTC)
YEAR = FigureQuery(first=date(2025, 12, 1), last=date(2026, 12, 1))
STATES = ("draft", "reported", "awaiting_confirmation", "agreed", "police", "concluded")

party_strategy = st.fixed_dictionaries({
    "insurer": st.integers(0, 3), "unit": st.integers(0, 1), "uw": st.sampled_from(["", "621200", "620500"]),
    "route": st.sampled_from(["", "online_one_stop", "refer_liable_party"]),
    "claim": st.none() | st.lists(st.integers(0, 60 * 24 * 40), min_size=0, max_size=4),
    "paid": st.integers(0, 500_000), "handoffs": st.integers(0, 2),
})  # fmt: skip
case_strategy = st.fixed_dictionaries({
    "minutes": st.integers(0, 60 * 24 * 300), "state": st.sampled_from(STATES), "county": st.integers(0, 5),
    "channel": st.sampled_from(["driver", "adjuster", "hotline"]), "agreed": st.booleans(),
    "parties": st.lists(party_strategy, min_size=1, max_size=3),
})  # fmt: skip
change_strategy = st.tuples(st.integers(0, 50), st.sampled_from(["step", "move", "police", "drop", "add"]),
                            st.integers(0, 60 * 24 * 40))  # fmt: skip


@pytest.fixture
def reference(db):
    insurers = list(Insurer.objects.order_by("code"))
    units = {
        company.pk: list(ClaimsUnit.objects.filter(branch__insurer=company).order_by("pk")) for company in insurers
    }
    counties = list(County.objects.select_related("city").order_by("code"))[:6]
    return {"insurers": insurers, "units": units, "counties": counties,
            "user": get_user_model().objects.get(username="maiji_hq")}  # fmt: skip


def _make_party(case: Case, label: str, spec: dict, ref: dict) -> None:
    company = ref["insurers"][spec["insurer"]] if spec["insurer"] < len(ref["insurers"]) else None
    unit = ref["units"][company.pk][spec["unit"] % len(ref["units"][company.pk])] if company else None
    party = CaseParty.objects.create(case=case, label=label, insurer=company, claims_unit=unit,
                                     underwriting_city_code=spec["uw"], route=spec["route"])  # fmt: skip
    if spec["claim"] is not None:
        steps = sorted(spec["claim"])
        fields = dict(zip(("first_contact_at", "assessed_at", "settled_at", "paid_at"),
                          (case.created_at + timedelta(minutes=m) for m in steps), strict=False))  # fmt: skip
        money = {"payable": Decimal(spec["paid"]) / 100} if "settled_at" in fields else {}
        money |= {"paid_amount": Decimal(spec["paid"]) / 100} if "paid_at" in fields else {}
        Claim.objects.create(party=party, registered_by=ref["user"], **fields, **money)
    if unit is not None:
        for _ in range(spec["handoffs"]):
            Handoff.objects.create(party=party, from_unit=unit, to_unit=unit, reason="workload")


def _build(cases: list[dict], ref: dict) -> list[Case]:
    built = []
    for index, spec in enumerate(cases):
        county = ref["counties"][spec["county"]]
        case = Case.objects.create(number=f"R{index}", channel=spec["channel"], state=spec["state"], county=county,
                                   city=county.city, agreed_at=START if spec["agreed"] else None)  # fmt: skip
        Case.objects.filter(pk=case.pk).update(created_at=START + timedelta(minutes=spec["minutes"]))
        case.refresh_from_db()
        for label, party in zip("ABC", spec["parties"], strict=False):
            _make_party(case, label, party, ref)
        built.append(case)
    return built


def _change(cases: list[Case], change: tuple[int, str, int], ref: dict) -> int:
    index, kind, minutes = change
    case = cases[index % len(cases)]
    parties = list(case.parties.order_by("label"))
    if kind == "step":
        claim = Claim.objects.filter(party__case=case).first()
        if claim is not None:
            claim.closed_at = case.created_at + timedelta(minutes=minutes)
            claim.paid_at, claim.paid_amount = claim.closed_at, Decimal("12.34")
            claim.save()
    elif kind == "move" and parties:
        company = ref["insurers"][minutes % len(ref["insurers"])]
        CaseParty.objects.filter(pk=parties[0].pk).update(insurer=company, claims_unit=ref["units"][company.pk][0])
    elif kind == "police":
        Case.objects.filter(pk=case.pk).update(state="police", agreed_at=None)
    elif kind == "drop" and len(parties) > 1:
        Handoff.objects.filter(party=parties[-1]).delete()
        Claim.objects.filter(party=parties[-1]).delete()
        parties[-1].delete()
    elif kind == "add" and len(parties) < 3:
        _make_party(case, "ABC"[len(parties)], {"insurer": minutes % 5, "unit": 0, "uw": "620500", "route": "",
                                                 "claim": [minutes], "paid": 0, "handoffs": 1}, ref)  # fmt: skip
    return case.pk


def _raw(ref: dict, insurer: Insurer | None = None) -> dict:
    """The figures' sums straight from the raw rows, with the rules as the docs state them."""
    totals: Counter = Counter()
    waits: list[int] = []
    for case in Case.objects.exclude(state="draft").prefetch_related("parties"):
        parties = sorted(case.parties.all(), key=lambda p: p.label)
        mine = [p for p in parties if insurer is None or p.insurer_id == insurer.pk]
        if not mine:
            continue
        police = case.state == "police" or (case.state == "concluded" and case.agreed_at is None)
        totals["cases"] += 1
        totals["agreed"] += case.agreed_at is not None
        totals["police"] += police
        city = case.city.code if case.city else ""
        for party in mine:
            totals["parties"] += 1
            totals["uw_known"] += bool(party.underwriting_city_code and city)
            totals["cross_region"] += bool(
                party.underwriting_city_code and city and party.underwriting_city_code != city
            )
            totals["one_stop"] += party.route == "online_one_stop"
            totals["handoffs"] += party.handoffs.count()
            claim = Claim.objects.filter(party=party).first()
            if claim is not None:
                totals["claims"] += 1
                totals["paid_fen"] += int(claim.paid_amount * 100) if claim.paid_at and claim.paid_amount else 0
                if claim.first_contact_at is not None:
                    waits.append(int((claim.first_contact_at - case.created_at).total_seconds() // 60))
    return {"totals": totals, "first_contact": waits}


def _assert_matches(ref: dict) -> None:
    for insurer in (None, ref["insurers"][0], ref["insurers"][2]):
        raw = _raw(ref, insurer)
        got = compute(FigureQuery(first=YEAR.first, last=YEAR.last, insurer=insurer.pk if insurer else None)).total
        totals = raw["totals"]
        assert got.values["cases_reported"] == totals["cases"]
        assert got.values["agreements"] == totals["agreed"]
        assert got.values["police_referrals"] == totals["police"]
        assert got.bases["online_one_stop_share"] == totals["parties"]
        assert got.bases["cross_region_share"] == totals["uw_known"]
        expected_share = (Decimal(totals["cross_region"]) / totals["uw_known"]).quantize(Decimal("0.0001")) if totals[
            "uw_known"] else None  # fmt: skip
        assert got.values["cross_region_share"] == expected_share
        assert got.values["handoffs"] == totals["handoffs"]
        assert got.values["claims_registered"] == totals["claims"]
        assert got.values["amount_paid"] == Decimal(totals["paid_fen"]) / 100
        exact = quantiles.exact_quantile(raw["first_contact"], 0.5)
        median = got.values["first_contact_median"]
        assert (median is None) == (exact is None)
        if exact is not None:
            assert abs(median - exact) <= max(1, exact * 0.02)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])  # fmt: skip
@given(cases=st.lists(case_strategy, min_size=1, max_size=8), changes=st.lists(change_strategy, max_size=8))
def test_rollups_equal_the_raw_aggregation(reference, cases, changes):
    with transaction.atomic():
        built = _build(cases, reference)
        rollups.refresh_cases([case.pk for case in built], now=NOW)
        for change in changes:
            rollups.refresh_cases([_change(built, change, reference)], now=NOW)
        _assert_matches(reference)
        kept = rollups.stored_cells()
        assert rollups.check() == []
        rollups.rebuild(now=NOW)
        assert rollups.stored_cells() == kept  # the write path and the rebuild agree cell by cell
        transaction.set_rollback(True)


def test_local_month_is_chinas(reference):
    """A case reported at 23:30 UTC on 31 October is a November case (07:30 in China)."""
    county = reference["counties"][0]
    case = Case.objects.create(number="M1", channel="driver", state="reported", county=county, city=county.city)
    Case.objects.filter(pk=case.pk).update(created_at=datetime(2026, 10, 31, 23, 30, tzinfo=UTC))
    CaseParty.objects.create(case=case, label="A")
    rollups.refresh_cases([case.pk], now=NOW)
    rows = compute(FigureQuery(first=date(2026, 10, 1), last=date(2026, 11, 1), by="month")).rows
    assert [(row.key, row.values["cases_reported"]) for row in rows] == [("2026-11", 1)]
    assert datetime(2026, 10, 31, 23, 30, tzinfo=UTC).astimezone(CHINA).month == 11
