"""Explainable fraud scores (issue 16; B5, R20): every rule at its threshold and one below, unknown facts, China's
night, dated versions, the cap, the bands, the stored shape, monotonicity and the command line."""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimbridge.rules import fraud_score
from claimbridge.rules.cli import run
from claimbridge.rules.common import RuleInputError
from claimbridge.rules.fraud_score import (
    BANDS,
    RULE_CODES,
    RULE_NAMES,
    SCORE_VERSIONS,
    CaseSignals,
    FraudScore,
    Weight,
    band_of,
    read_signals,
    score_case,
)

CN = timezone(timedelta(hours=8))
NOON = datetime(2024, 6, 1, 12, 0, tzinfo=CN)
V1 = SCORE_VERSIONS[0]


def at(hour: int, minute: int = 0, *, day: int = 1) -> datetime:
    return datetime(2024, 6, day, hour, minute, tzinfo=CN)


def scored(**facts) -> FraudScore:
    return score_case(CaseSignals(**facts))


def fired(result: FraudScore) -> dict[str, int]:
    return {reason.code: reason.weight for reason in result.reasons}


def reason(result: FraudScore, code: str):
    return next(reason for reason in result.reasons if reason.code == code)


# (rule, facts at its threshold, the same facts one step below it)
BOUNDARIES = [
    ("policy_new", {"accident_at": NOON, "policy_starts": {"A": date(2024, 5, 2)}},
     {"accident_at": NOON, "policy_starts": {"A": date(2024, 5, 1)}}),
    ("night_no_witness", {"accident_at": at(22), "witnesses": False}, {"accident_at": at(21, 59), "witnesses": False}),
    ("night_no_witness", {"accident_at": at(4, 59), "witnesses": False}, {"accident_at": at(5), "witnesses": False}),
    ("repeat_claims_person", {"claims_12m_people": {"A": 3, "B": 0}}, {"claims_12m_people": {"A": 2, "B": 0}}),
    ("repeat_claims_vehicle", {"claims_12m_vehicles": {"B": 3}}, {"claims_12m_vehicles": {"B": 2}}),
    ("same_pair_before", {"same_pair_cases": 1}, {"same_pair_cases": 0}),
    ("photo_reused", {"photo_reuse_matches": 1}, {"photo_reuse_matches": 0}),
    ("exif_time_mismatch", {"exif_time_mismatches": 1}, {"exif_time_mismatches": 0}),
    ("exif_place_mismatch", {"exif_place_mismatches": 1}, {"exif_place_mismatches": 0}),
    ("exif_missing", {"exif_missing_times": 1}, {"exif_missing_times": 0}),
    ("late_report", {"accident_at": NOON, "reported_at": NOON + timedelta(hours=48, seconds=1)},
     {"accident_at": NOON, "reported_at": NOON + timedelta(hours=48)}),
    ("repair_shop_people", {"shop_people_cases": 2}, {"shop_people_cases": 1}),
    ("cross_region_no_police",
     {"accident_city": "621200", "underwriting_cities": {"A": "621200", "B": "620500"}, "police_attended": False},
     {"accident_city": "621200", "underwriting_cities": {"A": "621200", "B": "621200"}, "police_attended": False}),
    ("ring", {"ring_size": 3}, {"ring_size": 2}),
]  # fmt: skip
BASE_WEIGHTS = {"policy_new": 15, "night_no_witness": 10, "repeat_claims_person": 10, "repeat_claims_vehicle": 10,
                "same_pair_before": 20, "photo_reused": 30, "exif_time_mismatch": 10, "exif_place_mismatch": 10,
                "exif_missing": 3, "late_report": 8, "repair_shop_people": 15, "cross_region_no_police": 10,
                "ring": 20}  # fmt: skip


def test_every_rule_has_a_boundary_case_a_name_and_a_weight_in_every_version():
    assert {code for code, _at, _below in BOUNDARIES} == set(RULE_CODES)
    assert set(RULE_NAMES) == set(RULE_CODES)
    assert all(set(rules.weights) == set(RULE_CODES) for rules in SCORE_VERSIONS)
    assert [rules.effective_from for rules in SCORE_VERSIONS] == sorted(
        rules.effective_from for rules in SCORE_VERSIONS
    )
    assert V1.effective_from == date(2023, 8, 15)  # the plan's trial start (R21)


@pytest.mark.parametrize(("code", "at_threshold", "below"), BOUNDARIES)
def test_b5_each_rule_fires_exactly_at_its_threshold_and_not_one_below(code, at_threshold, below):
    result = scored(**at_threshold)
    assert fired(result) == {code: BASE_WEIGHTS[code]}
    assert result.score == BASE_WEIGHTS[code]
    under = scored(**below)
    assert fired(under) == {}
    assert code not in under.not_judged  # judged: every fact it needs was there


@pytest.mark.parametrize(
    ("moment", "night"),
    [
        (datetime(2024, 6, 1, 15, 30, tzinfo=UTC), True),  # 23:30 in Shanghai
        (datetime(2024, 6, 1, 13, 59, tzinfo=UTC), False),  # 21:59
        (datetime(2024, 6, 1, 14, 0, tzinfo=UTC), True),  # 22:00
        (datetime(2024, 6, 1, 20, 59, tzinfo=UTC), True),  # 04:59 the next day
        (datetime(2024, 6, 1, 21, 0, tzinfo=UTC), False),  # 05:00
        (datetime(2024, 6, 1, 23, 30, tzinfo=CN), True),
        (datetime(2024, 6, 1, 3, 0, tzinfo=UTC), False),  # 03:00 UTC is 11:00 in Shanghai
        (datetime(2024, 6, 1, 10, 30, tzinfo=timezone(timedelta(hours=-5))), True),  # 23:30 in Shanghai
    ],
)
def test_night_is_read_in_shanghai_time_whatever_zone_the_instant_carries(moment, night):
    result = scored(accident_at=moment, witnesses=False)
    assert ("night_no_witness" in fired(result)) is night
    assert fraud_score.is_night(moment, V1) is night


def test_the_night_reason_gives_the_local_clock_in_both_languages():
    text = reason(scored(accident_at=datetime(2024, 6, 1, 15, 47, tzinfo=UTC), witnesses=False), "night_no_witness")
    assert "23:47" in text.text.zh
    assert "23:47" in text.text.en
    assert "22:00–05:00" in text.text.zh


def test_the_policy_age_is_counted_in_days_of_china():
    """16:30 UTC on 31 May is 00:30 on 1 June in China: 31 days after 1 May there (30 on UTC's calendar)."""
    late_evening_utc = datetime(2024, 5, 31, 16, 30, tzinfo=UTC)
    assert "policy_new" not in fired(scored(accident_at=late_evening_utc, policy_starts={"A": date(2024, 5, 1)}))
    assert "policy_new" in fired(scored(accident_at=late_evening_utc, policy_starts={"A": date(2024, 5, 2)}))


def test_the_newest_policy_of_any_party_decides_and_is_named():
    result = scored(accident_at=NOON, policy_starts={"A": date(2020, 1, 1), "B": date(2024, 5, 27)})
    text = reason(result, "policy_new").text
    assert "B" in text.zh
    assert "5 天" in text.zh
    assert "2024-05-27" in text.en
    assert "5 days later" in text.en


def test_a_policy_that_starts_after_the_accident_fires_too_and_says_so():
    text = reason(scored(accident_at=NOON, policy_starts={"A": date(2024, 6, 3)}), "policy_new").text
    assert "晚于出险日 2 天" in text.zh
    assert "2 days after the accident" in text.en


@pytest.mark.parametrize(
    ("facts", "code", "weight"),
    [
        ({"ring_size": 4}, "ring", 22),
        ({"ring_size": 12}, "ring", 38),
        ({"ring_size": 13}, "ring", 40),
        ({"ring_size": 400}, "ring", 40),
        ({"claims_12m_people": {"A": 4}}, "repeat_claims_person", 13),
        ({"claims_12m_people": {"A": 6}}, "repeat_claims_person", 19),
        ({"claims_12m_people": {"A": 7}}, "repeat_claims_person", 20),
        ({"claims_12m_vehicles": {"A": 30}}, "repeat_claims_vehicle", 20),
        ({"photo_reuse_matches": 2}, "photo_reused", 35),
        ({"photo_reuse_matches": 9}, "photo_reused", 40),
        ({"same_pair_cases": 2}, "same_pair_before", 25),
        ({"same_pair_cases": 10}, "same_pair_before", 30),
        ({"shop_people_cases": 3}, "repair_shop_people", 20),
        ({"shop_people_cases": 50}, "repair_shop_people", 25),
        ({"exif_time_mismatches": 8}, "exif_time_mismatch", 10),  # a flat weight stays flat
    ],
)
def test_some_weights_grow_with_the_fact_but_stay_bounded(facts, code, weight):
    assert fired(scored(**facts)) == {code: weight}


def test_a_weight_grows_by_its_step_up_to_its_ceiling_and_a_growing_one_needs_a_ceiling():
    assert [Weight(5, per_extra=2, most=10).of(extra) for extra in range(5)] == [5, 7, 9, 10, 10]
    assert Weight(7).of(9) == 7
    for bad in (
        {"base": 5, "per_extra": 2},
        {"base": 5, "per_extra": 1, "most": 4},
        {"base": 0},
        {"base": 3, "per_extra": -1},
    ):
        with pytest.raises(ValueError, match="weight"):
            Weight(**bad)


def test_a_report_a_second_past_48_hours_reads_as_a_minute_past():
    text = reason(scored(accident_at=NOON, reported_at=NOON + timedelta(hours=48, seconds=1)), "late_report").text
    assert "48 小时 1 分" in text.zh
    assert "48 h 1 min" in text.en


def test_the_largest_count_of_any_entity_decides_and_the_reason_names_that_party():
    result = scored(claims_12m_people={"A": 3, "B": 5, "C": 5}, claims_12m_vehicles={"A": 1, "B": 2})
    assert fired(result) == {"repeat_claims_person": 16}
    text = reason(result, "repeat_claims_person").text
    assert "B" in text.zh
    assert "5 次" in text.zh
    assert "party B claimed 5 times" in text.en
    assert "repeat_claims_vehicle" not in result.not_judged


def test_nothing_known_fires_nothing_and_every_rule_is_listed_as_not_judged():
    result = score_case(CaseSignals(), day=date(2024, 6, 1))
    assert result.score == 0
    assert result.band == "low"
    assert result.reasons == ()
    assert result.not_judged == RULE_CODES


@pytest.mark.parametrize(
    ("facts", "code", "judged"),
    [
        ({"accident_at": at(23)}, "night_no_witness", False),  # night, but were there witnesses?
        ({"witnesses": False}, "night_no_witness", False),  # nobody saw it, but when was it?
        ({"witnesses": True}, "night_no_witness", True),  # witnesses: no need to know the hour
        ({"accident_at": NOON}, "night_no_witness", True),  # noon: no need to know about witnesses
        ({"accident_city": "621200", "underwriting_cities": {"A": "620500"}}, "cross_region_no_police", False),
        ({"police_attended": False, "underwriting_cities": {"A": "620500"}}, "cross_region_no_police", False),
        ({"police_attended": False, "accident_city": "621200", "underwriting_cities": {}}, "cross_region_no_police",
         False),
        ({"police_attended": True}, "cross_region_no_police", True),
        ({"accident_city": "621200", "underwriting_cities": {"A": "621200"}}, "cross_region_no_police", True),
        ({"accident_at": NOON}, "late_report", False),
        ({"reported_at": NOON}, "late_report", False),
        ({"accident_at": NOON}, "policy_new", False),
        ({"accident_at": NOON, "policy_starts": {}}, "policy_new", False),
        ({"policy_starts": {"A": date(2024, 5, 30)}}, "policy_new", False),
        ({"claims_12m_people": {}}, "repeat_claims_person", False),
        ({"claims_12m_vehicles": {"A": 0}}, "repeat_claims_vehicle", True),
        ({"ring_size": 0}, "ring", True),
    ],
)  # fmt: skip
def test_a_rule_missing_a_fact_does_not_fire_and_is_listed(facts, code, judged):
    result = score_case(CaseSignals(**facts), day=date(2024, 6, 1))
    assert code not in fired(result)
    assert (code not in result.not_judged) is judged


def test_reasons_are_heaviest_first_with_ties_in_the_rules_order_and_not_judged_in_the_rules_order():
    result = scored(exif_missing_times=1, ring_size=3, accident_at=at(23), witnesses=False, exif_time_mismatches=1,
                    photo_reuse_matches=1)  # fmt: skip
    assert [(r.code, r.weight) for r in result.reasons] == [
        ("photo_reused", 30), ("ring", 20), ("night_no_witness", 10), ("exif_time_mismatch", 10), ("exif_missing", 3),
    ]  # fmt: skip
    assert list(result.not_judged) == [code for code in RULE_CODES if code in result.not_judged]


EVERYTHING = {
    "accident_at": at(23, 30), "reported_at": at(23, 30) + timedelta(hours=73, minutes=12),
    "policy_starts": {"A": date(2024, 5, 15), "B": date(2021, 3, 1)}, "witnesses": False, "police_attended": False,
    "accident_city": "621200", "underwriting_cities": {"A": "621200", "B": "620500"},
    "claims_12m_people": {"A": 8}, "claims_12m_vehicles": {"B": 9}, "same_pair_cases": 4, "photo_reuse_matches": 6,
    "exif_time_mismatches": 5, "exif_place_mismatches": 11, "exif_missing_times": 14, "shop_people_cases": 7,
    "ring_size": 13,
}  # fmt: skip


def test_the_score_is_capped_at_100_and_the_uncapped_sum_is_kept():
    result = scored(**EVERYTHING)
    assert set(fired(result)) == set(RULE_CODES)
    assert result.uncapped == sum(fired(result).values()) == 241
    assert result.score == 100
    assert result.band == "high"
    assert result.not_judged == ()


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        ("policy_new", ["2024-05-15", "17 天"], ["2024-05-15", "17 days"]),
        ("night_no_witness", ["23:30"], ["23:30"]),
        ("repeat_claims_person", ["8 次"], ["8 times"]),
        ("repeat_claims_vehicle", ["9 次", "车辆"], ["9 times", "vehicle"]),
        ("same_pair_before", ["4 次"], ["4 earlier"]),
        ("photo_reused", ["6 张"], ["6 photo"]),
        ("exif_time_mismatch", ["5 张"], ["5 photo"]),
        ("exif_place_mismatch", ["11 张"], ["11 photo"]),
        ("exif_missing", ["14 张"], ["14 photo"]),
        ("late_report", ["73 小时 12 分", "48 小时"], ["73 h 12 min", "48 h"]),
        ("repair_shop_people", ["7 起"], ["7 earlier"]),
        ("cross_region_no_police", ["陇南市（621200）", "B", "天水市（620500）"], ["Longnan (621200)", "party B",
                                                                              "Tianshui (620500)"]),
        ("ring", ["13 起"], ["13 linked"]),
    ],
)  # fmt: skip
def test_r20_every_reason_states_the_fact_with_its_numbers_in_both_languages(code, zh, en):
    text = reason(scored(**EVERYTHING), code).text
    assert all(part in text.zh for part in zh), text.zh
    assert all(part in text.en for part in en), text.en


@pytest.mark.parametrize(("score", "band"), [(0, "low"), (29, "low"), (30, "medium"), (59, "medium"), (60, "high"),
                                             (100, "high")])  # fmt: skip
def test_bands_and_their_thresholds(score, band):
    assert band_of(score, V1) == band


def test_bands_from_real_signals():
    assert scored(exif_missing_times=1, ring_size=3).band == "low"  # 23
    assert scored(photo_reuse_matches=1).band == "medium"  # 30
    assert scored(photo_reuse_matches=1, same_pair_cases=1, exif_time_mismatches=1).band == "high"  # 60
    assert scored(photo_reuse_matches=1, same_pair_cases=1, exif_missing_times=1).band == "medium"  # 53


def test_as_dict_has_the_stable_shape_and_survives_json_and_reads_back():
    result = scored(**EVERYTHING)
    document = result.as_dict()
    assert set(document) == {"score", "uncapped", "band", "reasons", "not_judged", "version"}
    assert document["band"] == {"code": "high", "zh": "高风险", "en": "high risk"}
    assert document["version"] == {"version": 1, "effective_from": "2023-08-15"}
    assert all(set(item) == {"code", "weight", "zh", "en"} for item in document["reasons"])
    assert document["reasons"][0] == {
        "code": "photo_reused",
        "weight": 40,
        **reason(result, "photo_reused").text.as_dict(),
    }
    stored = json.loads(json.dumps(document, ensure_ascii=False))
    assert stored == document
    assert FraudScore.from_dict(stored) == result
    partial = score_case(CaseSignals(ring_size=5), day=date(2024, 6, 1))
    assert partial.as_dict()["not_judged"][0] == {"code": "policy_new", **RULE_NAMES["policy_new"].as_dict()}
    assert FraudScore.from_dict(json.loads(json.dumps(partial.as_dict()))) == partial
    assert set(BANDS) == {"low", "medium", "high"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"version": {"version": 99, "effective_from": "2099-01-01"}}, "version.version"),
        ({"band": {"code": "extreme"}}, "band.code"),
        ({"score": 101}, "score"),
        ({"extra": 1}, "extra"),
    ],
)
def test_a_stored_score_that_is_not_ours_is_refused(change, field):
    document = scored(ring_size=3).as_dict() | change
    with pytest.raises(RuleInputError) as caught:
        FraudScore.from_dict(document)
    assert caught.value.field == field


def test_r21_a_revision_changes_the_score_only_from_its_own_date(monkeypatch):
    revised = dataclasses.replace(V1, version=2, effective_from=date(2025, 1, 1),
                                  weights={**V1.weights, "night_no_witness": Weight(25)}, ring_at=4)  # fmt: skip
    monkeypatch.setattr(fraud_score, "SCORE_VERSIONS", (V1, revised))
    facts = {"witnesses": False, "ring_size": 3}
    before = scored(accident_at=datetime(2024, 12, 31, 23, 30, tzinfo=CN), **facts)
    assert (before.rules.version, fired(before)) == (1, {"night_no_witness": 10, "ring": 20})
    after = scored(accident_at=datetime(2025, 1, 1, 0, 30, tzinfo=CN), **facts)
    assert (after.rules.version, fired(after)) == (2, {"night_no_witness": 25})
    assert after.as_dict()["version"] == {"version": 2, "effective_from": "2025-01-01"}
    # 16:30 UTC on New Year's Eve is already 2025 in China: the new version
    assert scored(accident_at=datetime(2024, 12, 31, 16, 30, tzinfo=UTC), **facts).rules.version == 2
    # an explicit day overrides the accident's
    assert score_case(CaseSignals(accident_at=after_midnight(), **facts), day=date(2024, 12, 31)).rules.version == 1
    assert score_case(CaseSignals(**facts), day=date(2025, 1, 1)).rules.version == 2
    assert FraudScore.from_dict(after.as_dict()) == after


def after_midnight() -> datetime:
    return datetime(2025, 1, 1, 0, 30, tzinfo=CN)


@pytest.mark.parametrize(
    ("signals", "day", "field"),
    [
        (CaseSignals(accident_at=datetime(2023, 8, 14, 23, 0, tzinfo=CN)), None, "accident_at"),
        (CaseSignals(), date(2023, 8, 14), "day"),
    ],
)
def test_before_the_trial_there_is_no_score(signals, day, field):
    with pytest.raises(RuleInputError) as caught:
        score_case(signals, day)
    assert caught.value.field == field
    assert "2023-08-15" in caught.value.text.zh
    assert "2023-08-15" in caught.value.text.en


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({"accident_at": datetime(2024, 6, 1, 23, 30)}, "accident_at"),  # naive
        ({"reported_at": datetime(2024, 6, 2, 9, 0)}, "reported_at"),
        ({"accident_at": NOON, "reported_at": NOON - timedelta(minutes=1)}, "reported_at"),
        ({"same_pair_cases": -1}, "same_pair_cases"),
        ({"ring_size": True}, "ring_size"),
        ({"claims_12m_people": {"A": -2}}, "claims_12m_people.A"),
        ({"claims_12m_vehicles": {"": 1}}, "claims_12m_vehicles"),
        ({"policy_starts": {"A": datetime(2024, 5, 1, tzinfo=CN)}}, "policy_starts.A"),
        ({"accident_city": "6212"}, "accident_city"),
        ({"underwriting_cities": {"B": 620500}}, "underwriting_cities.B"),
        ({"witnesses": "no"}, "witnesses"),
    ],
)
def test_impossible_signals_are_a_bilingual_input_error(facts, field):
    with pytest.raises(RuleInputError) as caught:
        CaseSignals(**facts)
    assert caught.value.field == field
    assert caught.value.text.zh.startswith(field)
    assert caught.value.text.en.startswith(field)
    assert caught.value.text.zh != caught.value.text.en


# --- the property: a more suspicious fact never lowers the score -------------------------------------------------

LABELS = st.sampled_from("ABC")
CITIES = st.sampled_from(["621200", "620500", "610100"])
counts = st.none() | st.integers(min_value=0, max_value=15)
per_party_counts = st.none() | st.dictionaries(LABELS, st.integers(min_value=0, max_value=15), max_size=3)
zones = st.sampled_from([UTC, CN, timezone(timedelta(hours=-5))])
moments = st.builds(lambda minutes, zone: datetime(2023, 9, 1, tzinfo=CN).astimezone(zone) + timedelta(minutes=minutes),
                    st.integers(min_value=0, max_value=2 * 365 * 24 * 60), zones)  # fmt: skip
days = st.dates(min_value=date(2022, 1, 1), max_value=date(2025, 12, 31))


@st.composite
def signals(draw: st.DrawFn) -> CaseSignals:
    accident = draw(st.none() | moments)
    delay = st.integers(min_value=0, max_value=120 * 60).map(lambda m: timedelta(minutes=m))
    reported = draw(st.none() | (delay.map(lambda d: accident + d) if accident else moments))
    return CaseSignals(
        accident_at=accident, reported_at=reported,
        policy_starts=draw(st.none() | st.dictionaries(LABELS, days, max_size=3)),
        witnesses=draw(st.none() | st.booleans()), police_attended=draw(st.none() | st.booleans()),
        accident_city=draw(st.none() | CITIES),
        underwriting_cities=draw(st.none() | st.dictionaries(LABELS, CITIES, max_size=3)),
        claims_12m_people=draw(per_party_counts), claims_12m_vehicles=draw(per_party_counts),
        same_pair_cases=draw(counts), photo_reuse_matches=draw(counts), exif_time_mismatches=draw(counts),
        exif_place_mismatches=draw(counts), exif_missing_times=draw(counts), shop_people_cases=draw(counts),
        ring_size=draw(counts),
    )  # fmt: skip


COUNT_FIELDS = ("same_pair_cases", "photo_reuse_matches", "exif_time_mismatches", "exif_place_mismatches",
                "exif_missing_times", "shop_people_cases", "ring_size")  # fmt: skip


@st.composite
def worse(draw: st.DrawFn, base: CaseSignals) -> CaseSignals:
    """`base` with one fact made more suspicious (or learnt where it was unknown); the accident time is kept."""
    kind = draw(st.sampled_from(["flag", "count", "per_party", "policy", "city", "cities", "report"]))
    change: dict[str, Any] = {}
    if kind == "flag":
        change[draw(st.sampled_from(["witnesses", "police_attended"]))] = False
    if kind == "count":
        name = draw(st.sampled_from(COUNT_FIELDS))
        change[name] = (getattr(base, name) or 0) + draw(st.integers(min_value=0, max_value=20))
    if kind == "per_party":
        name = draw(st.sampled_from(["claims_12m_people", "claims_12m_vehicles"]))
        label = draw(LABELS)
        known = dict(getattr(base, name) or {})
        known[label] = known.get(label, 0) + draw(st.integers(min_value=0, max_value=20))
        change[name] = known
    if change:
        return dataclasses.replace(base, **change)
    if kind == "policy":
        return dataclasses.replace(base, policy_starts={**(base.policy_starts or {}), "D": draw(days)})
    if kind == "city":
        return base if base.accident_city else dataclasses.replace(base, accident_city=draw(CITIES))
    if kind == "cities":
        return dataclasses.replace(base, underwriting_cities={**(base.underwriting_cities or {}), "D": draw(CITIES)})
    later = timedelta(minutes=draw(st.integers(min_value=0, max_value=200 * 60)))
    start = base.reported_at or base.accident_at
    return base if start is None else dataclasses.replace(base, reported_at=start + later)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_b5_a_more_suspicious_fact_never_lowers_the_score_nor_unfires_a_rule(data):
    base = data.draw(signals())
    result = score_case(base, day=date(2024, 6, 1))
    worsened = score_case(data.draw(worse(base)), day=date(2024, 6, 1))
    assert set(fired(result)) <= set(fired(worsened))
    assert all(worsened_weight >= fired(result).get(code, 0) for code, worsened_weight in fired(worsened).items())
    assert worsened.score >= result.score


@settings(max_examples=300, deadline=None)
@given(signals())
def test_b5_the_score_is_the_capped_sum_of_the_fired_weights_and_every_rule_is_accounted_for(case):
    result = score_case(case, day=date(2024, 6, 1))
    assert result.score == min(100, sum(fired(result).values())) == min(100, result.uncapped)
    assert result.band == band_of(result.score, V1)
    assert not set(fired(result)) & set(result.not_judged)
    assert len(result.reasons) == len(fired(result))
    assert all(reason.text.zh and reason.text.en and reason.weight > 0 for reason in result.reasons)
    assert [r.weight for r in result.reasons] == sorted((r.weight for r in result.reasons), reverse=True)


# --- the command line ------------------------------------------------------------------------------------------

DOCUMENT = {
    "accident_at": "2024-06-01T15:30:00Z",
    "reported_at": "2024-06-04T08:00:00+08:00",
    "policy_starts": {"A": "2024-05-27", "B": None},
    "witnesses": False,
    "police_attended": None,
    "accident_city": "621200",
    "underwriting_cities": {"A": "621200", "B": "620500"},
    "claims_12m_people": {"A": 4},
    "ring_size": 5,
    "exif_missing_times": 2,
}


def test_the_document_reads_into_signals():
    signals_read, day = read_signals({**DOCUMENT, "policy_starts": {"A": "2024-05-27"}, "day": "2024-06-02"})
    assert signals_read.accident_at == datetime(2024, 6, 1, 23, 30, tzinfo=CN)
    assert signals_read.policy_starts == {"A": date(2024, 5, 27)}
    assert signals_read.police_attended is None
    assert day == date(2024, 6, 2)


def test_cli_fraud_score_from_standard_input_and_from_a_file(tmp_path):
    document = {**DOCUMENT, "policy_starts": {"A": "2024-05-27"}}
    status, result = run(["rules", "fraud-score"], io.StringIO(json.dumps(document)))
    assert status == 0
    assert [(r["code"], r["weight"]) for r in result["reasons"]] == [
        ("ring", 24), ("policy_new", 15), ("repeat_claims_person", 13), ("night_no_witness", 10), ("late_report", 8),
        ("exif_missing", 3),
    ]  # fmt: skip
    assert result["score"] == 73
    assert result["band"]["code"] == "high"
    assert "cross_region_no_police" in [item["code"] for item in result["not_judged"]]  # police unknown
    path = tmp_path / "signals.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert run(["rules", "fraud-score", "--file", str(path)], None) == (0, result)


@pytest.mark.parametrize(
    ("argv", "stdin", "field"),
    [
        (["rules", "fraud-score"], '{"accident_at": "2024-06-01T23:30:00"}', "accident_at"),
        (["rules", "fraud-score"], '{"accident_at": "2024-06-01"}', "accident_at"),
        (["rules", "fraud-score"], '{"accident_at": "yesterday"}', "accident_at"),
        (["rules", "fraud-score"], '{"ring_size": -1}', "ring_size"),
        (["rules", "fraud-score"], '{"ring_size": 2.5}', "ring_size"),
        (["rules", "fraud-score"], '{"witnesses": "no"}', "witnesses"),
        (["rules", "fraud-score"], '{"claims_12m_people": [3]}', "claims_12m_people"),
        (["rules", "fraud-score"], '{"claims_12m_people": {"A": "many"}}', "claims_12m_people.A"),
        (["rules", "fraud-score"], '{"policy_starts": {"A": "2024-5-1"}}', "policy_starts.A"),
        (["rules", "fraud-score"], '{"underwriting_cities": {"A": "Tianshui"}}', "underwriting_cities.A"),
        (["rules", "fraud-score"], '{"ring": 3}', "ring"),
        (["rules", "fraud-score"], '{"day": "2023-08-14"}', "day"),
        (["rules", "fraud-score"], "[]", ""),
        (["rules", "fraud-score"], "{", ""),
        (["rules", "fraud-score"], "", ""),
        (["rules", "fraud-score", "--file", "/nonexistent/signals.json"], "", "file"),
    ],
)
def test_cli_bad_signals_exit_2_with_a_bilingual_error(argv, stdin, field):
    status, document = run(argv, io.StringIO(stdin))
    assert status == 2
    error = document["error"]
    assert (error["code"], error["field"]) == ("invalid_input", field)
    assert error["zh"]
    assert error["en"]
    assert error["zh"] != error["en"]


def test_the_installed_command_scores_in_a_real_process():
    env = {"PATH": "", "PYTHONPATH": str(Path(__file__).resolve().parents[3])}  # this tree's kernel, no Django settings
    command = [sys.executable, "-c", "from claimbridge.cli import main; main()", "rules", "fraud-score"]
    good = subprocess.run(command, input=json.dumps({"ring_size": 3, "day": "2024-06-01"}), capture_output=True,
                          text=True, check=False, env=env)  # fmt: skip
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["score"] == 20
    bad = subprocess.run(command, input='{"accident_at": "2024-06-01T23:30"}', capture_output=True, text=True,
                         check=False, env=env)  # fmt: skip
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert json.loads(bad.stdout)["error"]["field"] == "accident_at"
