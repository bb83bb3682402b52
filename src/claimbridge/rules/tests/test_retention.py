"""The retention kernel (issue 20 item 2; PIPL art. 19, Insurance Law art. 87; B8, R17, R19)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimbridge.rules.retention import (
    CLAIMS_LONG,
    CLAIMS_SHORT,
    DEFAULT_SCHEDULE,
    NETWORK_LOGS,
    Anchor,
    Category,
    Facts,
    Holder,
    Keep,
    RetentionRuleError,
    Rule,
    Schedule,
    cutoff,
    decide,
    expires_at,
    legal_minimum,
    validate,
)

AT = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
EXPECTED_KEYS = {
    "claim_record", "unclaimed_report", "phone_code", "join_code", "rejected_upload", "service_stop_consent",
    "police_record", "fraud_casework", "consultation", "policy_register", "adjuster_register", "access_log",
    "consent_record", "subject_request", "account", "not_personal",
}  # fmt: skip


def test_the_categories_are_exactly_the_register_keys():
    """R19: another helper's personal-data register declares fields by these keys; they must not drift."""
    assert {category.value for category in Category} == EXPECTED_KEYS
    assert {holder.value for holder in Holder} == {
        "insurer",
        "association",
        "police",
        "antifraud_committee",
        "platform",
    }


def test_every_category_has_a_default_rule():
    assert {rule.category for rule in DEFAULT_SCHEDULE} == set(Category)


@pytest.mark.parametrize(
    ("days", "minimum"), [(1, CLAIMS_SHORT), (365, CLAIMS_SHORT), (366, CLAIMS_SHORT), (367, CLAIMS_LONG),
                          (3 * 365, CLAIMS_LONG), (None, CLAIMS_LONG)],
)  # fmt: skip
def test_claim_records_minimum_follows_the_contract_term(days, minimum):
    """Insurance Law art. 87: 5 years for a contract of a year or less, 10 for longer; unknown: the longer."""
    assert legal_minimum(Category.CLAIM_RECORD, Holder.INSURER, contract_days=days) == minimum
    assert legal_minimum(Category.POLICY_REGISTER, Holder.INSURER, contract_days=days) == minimum


def test_no_minimum_for_others_but_network_logs():
    assert legal_minimum(Category.CLAIM_RECORD, Holder.PLATFORM) is None
    assert legal_minimum(Category.PHONE_CODE, Holder.PLATFORM) is None
    assert legal_minimum(Category.ACCESS_LOG, Holder.INSURER) == NETWORK_LOGS


@pytest.mark.parametrize(
    ("category", "keep"),
    [(Category.CLAIM_RECORD, Keep(years=4, days=364)), (Category.CLAIM_RECORD, Keep(days=1826 - 1)),
     (Category.POLICY_REGISTER, Keep(years=1)), (Category.CLAIM_RECORD, Keep())],
)  # fmt: skip
def test_a_rule_shorter_than_the_legal_minimum_is_refused(category, keep):
    rule = Rule(category, Holder.INSURER, keep, (Anchor.CONTRACT_END,), date(2030, 1, 1))
    with pytest.raises(RetentionRuleError) as refused:
        validate(rule)
    assert refused.value.code == "retention_below_legal_minimum"
    assert "保险法" in refused.value.zh


def test_access_logs_below_six_months_are_refused():
    with pytest.raises(RetentionRuleError):
        validate(Rule(Category.ACCESS_LOG, Holder.PLATFORM, Keep(days=90), (Anchor.RECORDED,), date(2030, 1, 1)))


def test_a_rule_at_or_above_the_minimum_is_accepted_and_carries_it():
    rule = validate(
        Rule(Category.CLAIM_RECORD, Holder.INSURER, Keep(days=1830), (Anchor.CONTRACT_END,), date(2030, 1, 1))
    )
    assert rule.legal_minimum == CLAIMS_SHORT


def test_negative_and_anchorless_rules_are_refused():
    with pytest.raises(RetentionRuleError):
        Keep(days=-1)
    with pytest.raises(RetentionRuleError):
        Rule(Category.CONSULTATION, Holder.INSURER, Keep(days=1), (), date(2030, 1, 1))


def test_a_long_contract_is_kept_ten_years_whatever_the_rule():
    """Art. 87: a rule of five years still keeps a two-year contract's claim for ten."""
    rule = DEFAULT_SCHEDULE[0]
    end = datetime(2020, 3, 1, tzinfo=UTC)
    facts = Facts({Anchor.CONTRACT_END: end, Anchor.CLAIM_CLOSED: end - timedelta(days=30)}, contract_days=730)
    assert expires_at(rule, facts)[0] == datetime(2030, 3, 1, tzinfo=UTC)
    assert not decide(rule, facts, datetime(2030, 2, 28, tzinfo=UTC)).expired
    assert decide(rule, facts, datetime(2030, 3, 1, tzinfo=UTC)).expired
    short = Facts(facts.anchors, contract_days=365)
    assert decide(rule, short, datetime(2025, 3, 1, tzinfo=UTC)).expired
    unknown = Facts(facts.anchors, contract_days=None)
    assert not decide(rule, unknown, datetime(2029, 3, 1, tzinfo=UTC)).expired


def test_the_clock_runs_from_the_latest_anchor_and_not_before_each_is_known():
    rule = DEFAULT_SCHEDULE[0]
    end = datetime(2020, 1, 1, tzinfo=UTC)
    closed_late = Facts({Anchor.CONTRACT_END: end, Anchor.CLAIM_CLOSED: datetime(2022, 1, 1, tzinfo=UTC)}, 365)
    assert expires_at(rule, closed_late)[0] == datetime(2027, 1, 1, tzinfo=UTC)
    still_open = Facts({Anchor.CONTRACT_END: end, Anchor.CLAIM_CLOSED: None}, 365)
    decision = decide(rule, still_open, AT + timedelta(days=365 * 50))
    assert decision.expires_at is None
    assert not decision.expired


def test_not_personal_is_never_expired():
    schedule = Schedule()
    decision = schedule.decide(Category.NOT_PERSONAL, Holder.PLATFORM, Facts({}), AT)
    assert decision.expires_at is None
    assert not decision.expired


def test_minutes_after_a_code_expiry():
    schedule = Schedule()
    expiry = datetime(2030, 6, 1, 11, 50, tzinfo=UTC)
    facts = Facts({Anchor.CODE_EXPIRY: expiry})
    assert schedule.decide(Category.JOIN_CODE, Holder.PLATFORM, facts, AT).expired
    assert not schedule.decide(Category.JOIN_CODE, Holder.PLATFORM, facts, AT - timedelta(seconds=1)).expired
    assert schedule.decide(Category.REJECTED_UPLOAD, Holder.PLATFORM, Facts({Anchor.UPLOAD_REFUSED: AT}), AT).expired


def test_the_rule_in_force_is_the_latest_effective_on_the_moments_china_date():
    """A revision applies from its date (China time) and the earlier one before it."""
    later = Rule(Category.CONSULTATION, Holder.INSURER, Keep(years=1), (Anchor.CONSULTATION_CLOSED,), date(2030, 6, 2))
    schedule = Schedule.with_overrides([later])
    assert schedule.in_force(Category.CONSULTATION, Holder.INSURER, AT).keep == Keep(years=3)
    at_china_midnight = datetime(2030, 6, 1, 16, 0, tzinfo=UTC)  # 2 June 00:00 in Beijing
    assert schedule.in_force(Category.CONSULTATION, Holder.INSURER, at_china_midnight).keep == Keep(years=1)
    with pytest.raises(KeyError):
        schedule.in_force(Category.CONSULTATION, Holder.POLICE, AT)
    with pytest.raises(KeyError):
        schedule.in_force(Category.CONSULTATION, Holder.INSURER, datetime(2020, 1, 1, tzinfo=UTC))


def test_overrides_are_validated():
    with pytest.raises(RetentionRuleError):
        Schedule.with_overrides(
            [Rule(Category.CLAIM_RECORD, Holder.INSURER, Keep(years=3), (Anchor.CONTRACT_END,), date(2031, 1, 1))]
        )


def test_leap_day_anchor_is_never_cut_short():
    assert Keep(years=1).after(datetime(2028, 2, 29, tzinfo=UTC)) == datetime(2029, 3, 1, tzinfo=UTC)


def test_naive_moments_are_refused():
    with pytest.raises(ValueError, match="aware"):
        decide(DEFAULT_SCHEDULE[0], Facts({}), datetime(2030, 1, 1))


def test_describe():
    assert Keep(years=5).describe() == ("5年", "5 years")
    assert Keep(days=1, minutes=10).describe() == ("1天10分钟", "1 day, 10 minutes")
    assert Keep().describe() == ("不保存", "not kept")


moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC))
keeps = st.builds(Keep, years=st.integers(0, 12), days=st.integers(0, 800), minutes=st.integers(0, 2000))


@given(anchor=moments, keep=keeps, at=moments)
def test_cutoff_finds_every_expired_record(anchor, keep, at):
    """Whatever the anchor and the moment: a record the kernel calls expired is on or before the cutoff (the sweep's
    query misses none), and one after the cutoff by more than a day never is."""
    rule = Rule(Category.CONSULTATION, Holder.INSURER, keep, (Anchor.CONSULTATION_CLOSED,), date(2000, 1, 1))
    expired = decide(rule, Facts({Anchor.CONSULTATION_CLOSED: anchor}), at).expired
    limit = cutoff(rule, at)
    assert limit is not None
    if expired:
        assert anchor <= limit
    if anchor <= limit - timedelta(days=1):
        assert expired


@given(a=keeps, b=keeps, anchor=moments)
def test_at_least_is_sound(a, b, anchor):
    """If a is said to be at least b, then from any anchor a ends no earlier than b."""
    if a.at_least(b):
        assert a.after(anchor) >= b.after(anchor)


def test_provisions_are_worded_in_each_language():
    """Issue 20 walk: no English inside a Chinese text, no Chinese inside an English one."""
    import re

    from claimbridge.rules.retention import CLAIMS_LONG, CLAIMS_SHORT, DEFAULT_SCHEDULE, NETWORK_LOGS

    texts = [rule.sources() for rule in DEFAULT_SCHEDULE] + [
        m.sources() for m in (CLAIMS_SHORT, CLAIMS_LONG, NETWORK_LOGS)
    ]
    for zh, en in texts:
        assert zh
        assert en != zh
        assert not re.search(r"[A-Za-z]", zh), zh
        assert not re.search(r"[\u4e00-\u9fff]", en), en


def test_a_zero_period_is_zero():
    assert Keep().zero
    assert not Keep(minutes=1).zero
