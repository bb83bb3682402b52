"""Each figure on a hand-computed world (issue 17; R1, R14, R15, R19, R20): rows written straight to the tables with
known times, the roll-ups refreshed as the write path does, the figures read back through the selectors."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from claimbridge.cases.models import Case, CaseParty, Claim, Handoff
from claimbridge.credentials.models import ServiceStop
from claimbridge.evidence.models import EvidenceFile
from claimbridge.fraud.models import Clue
from claimbridge.organisations.models import ClaimsUnit, County, Insurer
from claimbridge.reports import rollups
from claimbridge.reports.selectors import FigureQuery, compute

pytestmark = pytest.mark.django_db
T = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)  # 10:00 on 5 October in China
NOW = T + timedelta(days=20)
OCTOBER = FigureQuery(first=date(2026, 10, 1), last=date(2026, 10, 1))


def _case(number: str, county: str, state: str, *, agreed: bool = False) -> Case:
    place = County.objects.select_related("city").get(code=county)
    case = Case.objects.create(number=number, channel="driver", city=place.city, county=place, state=state,
                               agreed_at=T + timedelta(minutes=5) if agreed else None)  # fmt: skip
    Case.objects.filter(pk=case.pk).update(created_at=T)
    return case


def _party(case: Case, label: str, insurer: str, uw_city: str, **extra) -> CaseParty:
    company = Insurer.objects.get(code=insurer)
    unit = ClaimsUnit.objects.filter(branch__insurer=company).order_by("pk").first()
    return CaseParty.objects.create(case=case, label=label, insurer=company, claims_unit=unit,
                                    underwriting_city_code=uw_city, **extra)  # fmt: skip


def _claim(party: CaseParty, **minutes_after) -> Claim:
    user = get_user_model().objects.get(username="maiji_hq")
    times = {field: T + timedelta(minutes=m) for field, m in minutes_after.items() if field.endswith("_at")}
    money = {field: value for field, value in minutes_after.items() if not field.endswith("_at")}
    return Claim.objects.create(party=party, registered_by=user, **times, **money)


@pytest.fixture
def world():
    """Case 1 (武都区, agreed): A maiji insured in Tianshui (cross-region), contacted after 10 min, surveyed after 2 h,
    settled after a day and paid after two, 3,000.00 yuan, online one-stop; B tianlong insured in Longnan, contacted
    after 40 min and surveyed after 30 h. Case 2 (武都区, with the police): A maiji insured in Longnan, B tianlong
    insured nobody knows where, no claims. Case 3 (秦州区, reported): A tianlong insured in Longnan (cross-region),
    contacted after 20 min, handed off once. Case 4: a draft. Twenty days later."""
    one = _case("C1", "621202", "agreed", agreed=True)
    a1 = _party(one, "A", "maiji", "620500", route="online_one_stop")
    b1 = _party(one, "B", "tianlong", "621200", route="refer_liable_party")
    _claim(a1, first_contact_at=10, assessed_at=120, settled_at=1440, paid_at=2880, payable=Decimal("3000.00"),
           paid_amount=Decimal("3000.00"))  # fmt: skip
    _claim(b1, first_contact_at=40, assessed_at=30 * 60)
    two = _case("C2", "621202", "police")
    _party(two, "A", "maiji", "621200")
    _party(two, "B", "tianlong", "")
    three = _case("C3", "620502", "reported")
    a3 = _party(three, "A", "tianlong", "621200")
    _claim(a3, first_contact_at=20)
    units = ClaimsUnit.objects.filter(branch__insurer__code="tianlong").order_by("pk")
    Handoff.objects.create(party=a3, from_unit=units[0], to_unit=units[1], reason="workload")
    draft = _case("C4", "621202", "draft")
    _party(draft, "A", "maiji", "620500")
    rollups.refresh_cases(Case.objects.values_list("pk", flat=True), now=NOW)


def test_market_figures(world):
    """R19: the market's October, every figure worked out by hand (see the fixture)."""
    got = compute(OCTOBER).total.values
    assert got["cases_reported"] == 3  # the draft counts nowhere
    assert got["cross_region_share"] == Decimal("0.5000")  # 2 of the 4 parties whose two cities are known
    assert got["quick_claim_share"] == Decimal("0.3333")  # 1 of 3
    assert got["online_one_stop_share"] == Decimal("0.2000")  # 1 of 5 parties
    assert (got["agreements"], got["police_referrals"], got["claims_registered"], got["handoffs"]) == (1, 1, 3, 1)
    assert (got["first_contact_median"], got["first_contact_p90"]) == (20, 40)  # of 10, 20, 40 (nearest rank)
    assert (got["survey_median"], got["survey_p90"]) == (120, 1800)
    assert (got["settlement_median"], got["payment_median"]) == (1440, 2880)
    assert got["sla_first_contact"] == Decimal("0.4000")  # 10 and 20 minutes in time; 40, and two never, late
    assert got["sla_survey"] == Decimal("0.2000")  # only the 2-hour survey within a day
    assert got["sla_closure"] == Decimal("0.0000")  # nothing closed in ten days
    assert (got["amount_settled"], got["amount_paid"]) == (Decimal("3000.00"), Decimal("3000.00"))


def test_a_company_counts_its_own_cases_and_parties_only(world):
    maiji = Insurer.objects.get(code="maiji")
    got = compute(FigureQuery(first=OCTOBER.first, last=OCTOBER.last, insurer=maiji.pk)).total.values
    assert got["cases_reported"] == 2
    assert got["quick_claim_share"] == Decimal("0.5000")
    assert got["cross_region_share"] == Decimal("0.5000")
    assert got["first_contact_median"] == 10
    tianlong = Insurer.objects.get(code="tianlong")
    got = compute(FigureQuery(first=OCTOBER.first, last=OCTOBER.last, insurer=tianlong.pk)).total.values
    assert got["cases_reported"] == 3
    assert got["sla_first_contact"] == Decimal("0.3333")


def test_by_county_city_and_quarter(world):
    rows = {row.label: row.values for row in compute(FigureQuery(first=OCTOBER.first, last=OCTOBER.last,
                                                                 by="county")).rows}  # fmt: skip
    assert rows["武都区"]["cases_reported"] == 2
    assert rows["秦州区"]["cases_reported"] == 1
    assert rows["秦州区"]["cross_region_share"] == Decimal("1.0000")
    quarter = compute(FigureQuery(first=date(2026, 10, 1), last=date(2026, 12, 1), by="quarter")).rows
    assert [(row.key, row.values["cases_reported"]) for row in quarter] == [("2026-Q4", 3)]
    by_channel = compute(FigureQuery(first=OCTOBER.first, last=OCTOBER.last, by="channel"))
    assert by_channel.rows[0].values["cases_reported"] == 3
    assert "first_contact_median" in by_channel.unavailable  # waits are not kept by channel: said, not guessed


def test_stops_and_clues(world, users):
    adjuster = users["maiji_adj1"]
    maiji, tianlong = Insurer.objects.get(code="maiji"), Insurer.objects.get(code="tianlong")
    county = County.objects.get(code="621202")
    for index, customer in enumerate((tianlong, maiji, None)):
        ServiceStop.objects.create(adjuster=adjuster, insurer=maiji, at=T, kind="accident", county=county,
                                   customer_insurer=customer, rating_token=f"t{index}")  # fmt: skip
    evidence = EvidenceFile.objects.create(reference="EV-CLUE-1")
    Clue.objects.create(number="XS1", reporter=adjuster, reporter_insurer=maiji, evidence=evidence, occurred_at=T,
                        county=county, city=county.city, state="confirmed_fraud", submitted_at=T,
                        amount_saved=Decimal("5000.50"))  # fmt: skip
    Clue.objects.create(number="XS2", reporter=adjuster, reporter_insurer=maiji, evidence=EvidenceFile.objects.create(
        reference="EV-CLUE-2"), occurred_at=T, county=county, city=county.city, state="received", submitted_at=T)  # fmt: skip
    Clue.objects.create(number="XS3", reporter=adjuster, reporter_insurer=maiji, evidence=EvidenceFile.objects.create(
        reference="EV-CLUE-3"), occurred_at=T, county=county, city=county.city, state="draft")  # fmt: skip
    rollups.refresh_stop_month(date(2026, 10, 1))
    rollups.refresh_clue_month(date(2026, 10, 1))
    got = compute(OCTOBER).total.values
    assert (got["adjuster_stops"], got["other_company_help"]) == (3, 1)  # one stop served another's customer (R15)
    assert (got["fraud_clues"], got["confirmed_frauds"], got["amount_saved"]) == (2, 1, Decimal("5000.50"))


def test_the_rebuild_and_the_write_path_agree(world):
    written = rollups.stored_cells()
    rollups.rebuild(now=NOW)
    assert rollups.stored_cells() == written
    assert rollups.check() == []


def test_a_clock_falling_due_is_counted_by_the_sweep(world):
    """At 12 hours the three survey clocks without a survey (case 2's two parties, case 3's) are still running and
    not counted; the sweep after they fell due counts them missed."""
    rollups.rebuild(now=T + timedelta(hours=12))
    early = compute(OCTOBER).total.values
    assert early["sla_survey"] == Decimal("0.5000")  # the 2-hour survey in time, the 30-hour one late; three open
    rollups.sweep_due(now=T + timedelta(days=2))
    assert compute(OCTOBER).total.values["sla_survey"] == Decimal("0.2000")
