"""The statistics kernel (issue 17; R19, B10): quantiles from buckets, small-count suppression, facts per party."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from claimbridge.stats import figures, quantiles, suppression
from claimbridge.stats.facts import CaseInput, ClaimInput, PartyInput, case_facts, month_of, sla_state

SLA = {"first_contact": 30, "survey": 24 * 60, "closure": 10 * 24 * 60}
MET_BY = {"first_contact": "first_contact_at", "survey": "assessed_at", "closure": "closed_at"}
T0 = datetime(2026, 3, 31, 17, 0, tzinfo=UTC)  # 1 April 01:00 in China: an April case


# --- quantiles ------------------------------------------------------------------------------------------------------
def test_buckets_are_exact_below_four_hours_and_two_percent_wide_above():
    assert [quantiles.bucket_of(m) for m in (0, 1, 59, 239)] == [0, 1, 59, 239]
    assert quantiles.bucket_of(-3) == 0
    for minutes in (240, 241, 1000, 14_400, 525_600):
        floor = quantiles.bucket_floor(quantiles.bucket_of(minutes))
        assert floor <= minutes < floor * 1.02 + 1


@given(st.lists(st.integers(min_value=0, max_value=200_000), min_size=1, max_size=300),
       st.sampled_from([0.5, 0.9, 0.25, 1.0]))  # fmt: skip
def test_quantile_from_buckets_is_the_exact_one_within_the_bucket_width(values, p):
    counts: dict[int, int] = {}
    for value in values:
        counts[quantiles.bucket_of(value)] = counts.get(quantiles.bucket_of(value), 0) + 1
    exact = quantiles.exact_quantile(values, p)
    got = quantiles.quantile(counts, p)
    assert exact is not None
    assert got is not None
    assert got <= exact
    assert got == exact if exact < quantiles.EXACT_MINUTES else exact < got * 1.02 + 1


def test_median_is_nearest_rank():
    """R19 worked example: waits of 10, 20, 30, 40 minutes: the median is 20 (the 2nd of 4), the 90th pct 40."""
    counts = {10: 1, 20: 1, 30: 1, 40: 1}
    assert quantiles.quantile(counts, 0.5) == 20
    assert quantiles.quantile(counts, 0.9) == 40
    assert quantiles.quantile({}, 0.5) is None


# --- suppression ----------------------------------------------------------------------------------------------------
def test_small_cells_are_hidden_and_a_lone_one_takes_its_smallest_neighbour():
    assert suppression.suppress_line([12, 3, 40, 7]) == [False, True, False, True]
    assert suppression.suppress_line([12, 3, 40, 7], total_shown=False) == [False, True, False, False]
    assert suppression.suppress_line([12, 3, 4, 40]) == [False, True, True, False]
    assert suppression.suppress_line([0, 5, 9]) == [False, False, False]  # zero and five are published


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=8))
def test_no_hidden_cell_of_a_line_can_be_worked_out_from_its_total(counts):
    hidden = [suppression.is_small(count) for count in counts]
    protected = suppression.protect_line(counts, hidden, range(len(counts)))
    assert all(hidden[i] for i, count in enumerate(counts) if suppression.is_small(count))
    lone = [i for i, hide in enumerate(hidden) if hide]
    others = [count for count, hide in zip(counts, hidden, strict=True) if not hide and count > 0]
    assert len(lone) != 1 or not others  # a lone hidden cell only where nothing else could be hidden
    assert protected == (len(lone) != 1 or bool(others))


# --- facts ----------------------------------------------------------------------------------------------------------
def _case(**changes):
    parties = changes.pop("parties", (
        PartyInput("A", insurer_id=1, claims_unit_id=11, underwriting_city_code="620500", route="online_one_stop",
                   claim=ClaimInput(first_contact_at=T0 + timedelta(minutes=12), assessed_at=T0 + timedelta(hours=30),
                                    settled_at=T0 + timedelta(days=2), payable=Decimal("2999.99"),
                                    paid_at=T0 + timedelta(days=3), paid_amount=Decimal("2999.99"))),
        PartyInput("B", insurer_id=1, claims_unit_id=12, underwriting_city_code="621200"),
        PartyInput("C", insurer_id=2, claims_unit_id=21, underwriting_city_code=""),
    ))  # fmt: skip
    return CaseInput(**({"reported_at": T0, "state": "agreed", "channel": "driver", "city_id": 7, "city_code": "621200",
                         "county_id": 70, "agreed": True, "parties": parties} | changes))  # fmt: skip


def test_each_case_counts_once_for_the_market_and_once_for_each_of_its_companies():
    a, b, c = case_facts(_case(), sla_minutes=SLA, sla_met_by=MET_BY, now=T0 + timedelta(days=5))
    assert (a.cases, b.cases, c.cases) == (1, 0, 0)
    assert (a.cases_ins, b.cases_ins, c.cases_ins) == (1, 0, 1)  # company 1 has A and B: once
    assert (a.agreed, a.agreed_ins, c.agreed_ins, b.agreed_ins) == (1, 1, 1, 0)
    assert a.month == month_of(T0)
    assert a.month.month == 4


def test_cross_region_is_the_underwriting_city_against_the_accident_city():
    a, b, c = case_facts(_case(), sla_minutes=SLA, sla_met_by=MET_BY, now=T0)
    assert (a.uw_known, a.cross_region) == (1, 1)
    assert (b.uw_known, b.cross_region) == (1, 0)
    assert (c.uw_known, c.cross_region) == (0, 0)  # unknown is not counted either way


def test_waits_sla_and_amounts():
    a, b, _c = case_facts(_case(), sla_minutes=SLA, sla_met_by=MET_BY, now=T0 + timedelta(days=5))
    assert a.minutes == {"first_contact": 12, "survey": 30 * 60, "settlement": 2 * 1440, "payment": 3 * 1440}
    assert a.sla == {"first_contact": "met", "survey": "missed", "closure": "open"}
    assert b.sla == {"first_contact": "missed", "survey": "missed", "closure": "open"}  # no claim, past due
    assert a.next_due_at == T0 + timedelta(days=10)
    assert (a.amount_settled, a.amount_paid, a.one_stop, b.one_stop) == (Decimal("2999.99"), Decimal("2999.99"), 1, 0)


def test_a_clock_not_due_is_open_and_one_closed_without_its_step_does_not_apply():
    assert sla_state(reported_at=T0, minutes=30, done=None, closed=False, now=T0 + timedelta(minutes=29)) == "open"
    assert sla_state(reported_at=T0, minutes=30, done=None, closed=False, now=T0 + timedelta(minutes=31)) == "missed"
    assert sla_state(reported_at=T0, minutes=30, done=None, closed=True, now=T0 + timedelta(days=3)) == "none"
    assert sla_state(reported_at=T0, minutes=30, done=T0 + timedelta(minutes=30), closed=False, now=T0) == "met"


def test_drafts_count_nowhere_and_police_cases_count_after_they_close():
    assert case_facts(_case(state="draft"), sla_minutes=SLA, sla_met_by=MET_BY, now=T0) == []
    concluded = case_facts(_case(state="concluded", agreed=False), sla_minutes=SLA, sla_met_by=MET_BY, now=T0)
    assert concluded[0].police == 1
    assert concluded[0].agreed == 0
    agreed_then_closed = case_facts(_case(state="concluded"), sla_minutes=SLA, sla_met_by=MET_BY, now=T0)
    assert agreed_then_closed[0].police == 0


# --- figures ----------------------------------------------------------------------------------------------------------
def test_shares_and_money_from_sums():
    sums = {"cross_region": 3, "uw_known": 8, "amount_paid": Decimal("1234.565"), "cases": 0, "cases_ins": 4,
            "agreed_ins": 1}  # fmt: skip
    assert figures.value_of(figures.BY_CODE["cross_region_share"], sums, {}) == Decimal("0.3750")
    assert figures.value_of(figures.BY_CODE["amount_paid"], sums, {}) == Decimal("1234.57")
    assert figures.value_of(figures.BY_CODE["quick_claim_share"], sums, {}) is None  # a share of nothing
    assert figures.value_of(figures.BY_CODE["quick_claim_share"], sums, {}, insurer_view=True) == Decimal("0.2500")
    assert figures.base_of(figures.BY_CODE["first_contact_median"], sums, {"first_contact": {3: 2, 7: 1}}) == 3


def test_the_figures_document_is_current():
    path = Path(__file__).resolve().parents[4] / "docs" / "figures.md"
    assert path.read_text(encoding="utf-8") == figures.document(), "run: python -m claimbridge.stats.figures"
    assert len({figure.code for figure in figures.FIGURES}) == len(figures.FIGURES)
