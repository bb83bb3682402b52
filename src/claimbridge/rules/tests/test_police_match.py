"""R20: police records matched to cases, and the four kinds of discrepancy signal (the kernel, no Django)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimbridge.rules.common import CHINA, add_months, months_after
from claimbridge.rules.police_match import (
    CaseIn,
    MatchConfig,
    Record,
    RecordVehicle,
    covered_periods,
    km_between,
    match,
    one_apart,
    repeated,
)

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
AS_OF = T0 + timedelta(days=30)
CFG = MatchConfig()
WUDU = (33.392, 104.926)


def rec(rid: int, *plates: str, at: datetime = T0, point: tuple[float, float] | None = WUDU,
        liability: dict[str, str] | None = None, persons: dict[str, str] | None = None, area: str = "") -> Record:  # fmt: skip
    vehicles = tuple(
        RecordVehicle(p, (liability or {}).get(p, "undetermined"), (persons or {}).get(p, "")) for p in plates
    )
    lat, lon = point or (None, None)
    return Record(rid, at, vehicles, lat, lon, area=area)


def case(cid: int, *plates: str, at: datetime = T0, point: tuple[float, float] | None = WUDU, police: bool = False,
         agreed: dict[str, str] | None = None, areas: tuple[str, ...] = ("",)) -> CaseIn:  # fmt: skip
    lat, lon = point or (None, None)
    return CaseIn(cid, at, dict(zip("ABCDEF", plates, strict=False)), lat, lon, police_attended=police,
                  agreed_liability=agreed, areas=areas)  # fmt: skip


def kinds(result, kind: str) -> list:
    return [s for s in result.signals if s.kind == kind]


def test_r20_match_on_plate_time_and_place():
    result = match([rec(1, "甘K12345", "甘E67890")], [case(10, "甘K12345", "甘E67890", at=T0 + timedelta(minutes=30))],
                   CFG, as_of=AS_OF)  # fmt: skip
    assert [(m.record_id, m.case_id, m.minutes, m.plates) for m in result.matches] == [
        (1, 10, 30, ("甘E67890", "甘K12345"))
    ]
    assert result.signals == ()


@pytest.mark.parametrize(("minutes", "matched"), [(0, True), (120, True), (121, False), (-120, True), (-121, False)])
def test_r20_time_window_edges(minutes, matched):
    result = match([rec(1, "甘K12345")], [case(10, "甘K12345", at=T0 + timedelta(minutes=minutes))], CFG, as_of=AS_OF)
    assert bool(result.matches) is matched


def test_r20_window_is_configurable():
    cfg = MatchConfig(window_minutes=10, near_window_minutes=60)
    result = match([rec(1, "甘K12345")], [case(10, "甘K12345", at=T0 + timedelta(minutes=11))], cfg, as_of=AS_OF)
    assert not result.matches
    assert [s.reason for s in result.signals] == ["time"]


def test_r20_distance_counts_only_when_both_have_points():
    far = (34.58, 105.72)  # Tianshui, ~130 km from Wudu
    assert not match([rec(1, "甘K12345")], [case(10, "甘K12345", point=far)], CFG, as_of=AS_OF).matches
    assert match([rec(1, "甘K12345", point=None)], [case(10, "甘K12345", point=far)], CFG, as_of=AS_OF).matches
    assert match([rec(1, "甘K12345")], [case(10, "甘K12345", point=None)], CFG, as_of=AS_OF).matches
    wide = MatchConfig(max_km=200)
    assert match([rec(1, "甘K12345")], [case(10, "甘K12345", point=far)], wide, as_of=AS_OF).matches


def test_r20_km_between_known_distance():
    assert km_between(*WUDU, *WUDU) == 0
    assert 120 < km_between(*WUDU, 34.58, 105.72) < 160
    assert km_between(0, 0, 0, 1) == pytest.approx(111.2, abs=0.1)


# (a) the case says the police attended, and there is no record ----------------------------------------------------
def test_r20_signal_a_police_attended_without_record():
    records = [rec(1, "甘K11111")]
    result = match(records, [case(10, "甘K22222", police=True, at=T0 + timedelta(hours=1))], CFG, as_of=AS_OF)
    assert [(s.kind, s.case_id) for s in result.signals] == [("no_police_record", 10)]


def test_r20_signal_a_not_raised_when_matched_or_not_police_or_outside_period_or_too_recent():
    records = [rec(1, "甘K11111"), rec(2, "甘K99999", at=T0 + timedelta(days=3))]
    cases = [
        case(10, "甘K11111", police=True),  # matched
        case(11, "甘K22222", police=False, at=T0 + timedelta(days=1)),  # agreed online: police never came
        case(12, "甘K33333", police=True, at=T0 - timedelta(days=2)),  # before the records speak
        case(13, "甘K44444", police=True, at=T0 + timedelta(days=5)),  # after them
    ]
    assert kinds(match(records, cases, CFG, as_of=AS_OF), "no_police_record") == []
    recent = [case(14, "甘K55555", police=True, at=T0 + timedelta(days=1))]
    assert kinds(match(records, recent, CFG, as_of=T0 + timedelta(days=4)), "no_police_record") == []
    assert kinds(match(records, recent, CFG, as_of=AS_OF), "no_police_record")


WUDU_AREAS, KANG_AREAS, QINZHOU_AREAS = ("621202", "621200"), ("621224", "621200"), ("620502", "620500")


def test_r20_signal_a_only_where_the_police_of_the_case_s_area_loaded_its_period():
    """R20: "no record" needs records of a unit covering the case's county or city over the case's time — the Wudu
    unit's records say nothing of a case in 康县 (another county of Longnan) nor of one in Tianshui."""
    day = timedelta(days=1)
    records = [rec(1, "甘K11111", area="621202"), rec(2, "甘K99999", at=T0 + 3 * day, area="621202")]
    cases = [case(10, "甘K22222", police=True, at=T0 + day, areas=WUDU_AREAS),
             case(11, "甘K33333", police=True, at=T0 + day, areas=KANG_AREAS),
             case(12, "甘E44444", police=True, at=T0 + day, areas=QINZHOU_AREAS),
             case(13, "甘E55555", police=True, at=T0 + day, areas=())]  # fmt: skip
    assert [s.case_id for s in kinds(match(records, cases, CFG, as_of=AS_OF), "no_police_record")] == [10]
    # Longnan's detachment (a unit of the whole city) speaks for 康县 too; Tianshui's only for its own period
    city = [*records, rec(3, "甘K77777", area="621200"), rec(6, "甘K66666", at=T0 + 2 * day, area="621200"),
            rec(4, "甘E77777", at=T0 + 10 * day, area="620500")]  # fmt: skip
    assert [s.case_id for s in kinds(match(city, cases, CFG, as_of=AS_OF), "no_police_record")] == [10, 11]
    city.append(rec(5, "甘E88888", at=T0, area="620500"))
    assert [s.case_id for s in kinds(match(city, cases, CFG, as_of=AS_OF), "no_police_record")] == [10, 11, 12]


def test_r20_covered_periods_are_per_area_and_stop_at_the_grace():
    records = [rec(1, "甘K11111", area="621202"), rec(2, "甘K1111A", at=T0 + timedelta(days=40), area="621202"),
               rec(3, "甘E11111", at=T0 + timedelta(days=5), area="620500")]  # fmt: skip
    window = timedelta(minutes=CFG.window_minutes)
    assert covered_periods(records, CFG, as_of=AS_OF) == {
        "621202": (T0 - window, AS_OF - timedelta(days=CFG.grace_days)),
        "620500": (T0 + timedelta(days=5) - window, T0 + timedelta(days=5) + window),
    }
    assert covered_periods([], CFG, as_of=AS_OF) == {}


# (b) the agreement's liability differs from the police determination ----------------------------------------------
def test_r20_signal_b_liability_differs():
    records = [rec(1, "甘K11111", "甘E22222", liability={"甘K11111": "none", "甘E22222": "full"})]
    cases = [case(10, "甘K11111", "甘E22222", agreed={"A": "full", "B": "none"})]
    found = kinds(match(records, cases, CFG, as_of=AS_OF), "liability_differs")
    assert sorted((s.subject, s.detail["agreed"], s.detail["police"]) for s in found) == [
        ("甘E22222", "none", "full"), ("甘K11111", "full", "none"),
    ]  # fmt: skip
    assert "全部责任" in found[0].text.zh + found[1].text.zh
    assert "liable" in found[0].text.en


@pytest.mark.parametrize(
    ("police", "agreed"), [("full", "full"), ("undetermined", "full"), ("none", None), ("bogus", "full")]
)
def test_r20_signal_b_not_raised_when_same_undetermined_or_not_agreed(police, agreed):
    records = [rec(1, "甘K11111", liability={"甘K11111": police})]
    cases = [case(10, "甘K11111", agreed={"A": agreed} if agreed else None)]
    assert kinds(match(records, cases, CFG, as_of=AS_OF), "liability_differs") == []


# (c) plates or times disagree ---------------------------------------------------------------------------------------
def test_r20_signal_c_same_plate_time_off():
    result = match([rec(1, "甘K11111")], [case(10, "甘K11111", at=T0 + timedelta(hours=5))], CFG, as_of=AS_OF)
    assert not result.matches
    [signal] = result.signals
    assert (signal.kind, signal.reason, signal.detail["minutes"]) == ("plate_or_time_differs", "time", 300)
    assert "300" in signal.text.zh
    assert "300 minutes" in signal.text.en


def test_r20_signal_c_same_plate_far_beyond_near_window_is_unrelated():
    result = match([rec(1, "甘K11111")], [case(10, "甘K11111", at=T0 + timedelta(days=3))], CFG, as_of=AS_OF)
    assert result.matches == ()
    assert result.signals == ()


def test_r20_signal_c_same_plate_and_time_place_far():
    result = match([rec(1, "甘K11111")], [case(10, "甘K11111", point=(34.58, 105.72))], CFG, as_of=AS_OF)
    assert [s.reason for s in result.signals] == ["place"]


def test_r20_signal_c_matched_but_other_plate_disagrees():
    result = match([rec(1, "甘K11111", "甘E22222")], [case(10, "甘K11111", "甘E33333")], CFG, as_of=AS_OF)
    assert len(result.matches) == 1
    [signal] = kinds(result, "plate_or_time_differs")
    assert signal.detail == {"record_only": ["甘E22222"], "case_only": ["甘E33333"]}


def test_r20_signal_c_misread_plate_at_same_time_and_place():
    result = match([rec(1, "甘K11111")], [case(10, "甘K11117", at=T0 + timedelta(minutes=20))], CFG, as_of=AS_OF)
    assert not result.matches
    [signal] = result.signals
    assert (signal.reason, signal.detail["case_plate"]) == ("misread_plate", "甘K11117")


def test_r20_signal_c_misread_needs_both_points_and_one_character():
    assert match([rec(1, "甘K11111", point=None)], [case(10, "甘K11117")], CFG, as_of=AS_OF).signals == ()
    assert match([rec(1, "甘K11111")], [case(10, "甘K11177")], CFG, as_of=AS_OF).signals == ()
    assert one_apart("甘K11111", "甘K11112")
    assert not one_apart("甘K11111", "甘K1111")
    assert not one_apart("a", "a")


# (d) a vehicle or a person in many records --------------------------------------------------------------------------
def test_r20_signal_d_vehicle_in_many_records():
    records = [rec(i, "甘K11111", f"甘E0000{i}", at=T0 + timedelta(days=30 * i)) for i in range(1, 4)]
    found = kinds(match(records, [], CFG, as_of=AS_OF), "repeated")
    assert [(s.reason, s.subject, s.detail["records"]) for s in found] == [("plate", "甘K11111", [1, 2, 3])]


def test_r20_signal_d_person_in_many_records_is_named_by_index_only():
    records = [rec(i, f"甘E0000{i}", persons={f"甘E0000{i}": "idx-abc"}, at=T0 + timedelta(days=i)) for i in range(4)]
    [signal] = repeated(records, CFG)
    assert (signal.reason, signal.subject, len(signal.detail["records"])) == ("person", "idx-abc", 4)
    assert "idx-abc" not in signal.text.zh + signal.text.en


def test_r20_signal_d_threshold_and_span_are_configurable():
    records = [rec(i, "甘K11111", at=T0 + timedelta(days=200 * i)) for i in range(3)]  # 400 days end to end
    assert repeated(records, CFG) == []
    assert repeated(records, MatchConfig(repeat_months=14))
    assert repeated(records[:2], MatchConfig(repeat_threshold=2, repeat_months=14))
    assert not repeated(records[:2], CFG)


def china(year: int, month: int, day: int, hour: int = 8) -> datetime:
    return datetime(year, month, day, hour, tzinfo=CHINA).astimezone(UTC)


def test_r20_signal_d_span_is_calendar_months_not_days():
    """R20: "within 12 months" is a calendar year (a leap year's 366 days too), "within 1 month" 31 January to 28
    February — never 365 or 30 days."""
    leap = [rec(i, "甘K11111", at=at) for i, at in enumerate((china(2023, 3, 1), china(2023, 9, 1), china(2024, 3, 1)))]
    [signal] = repeated(leap, CFG)  # 366 days apart: within 12 calendar months
    assert signal.detail["records"] == [0, 1, 2]
    assert "12 个月" in signal.text.zh
    assert "12 months" in signal.text.en
    assert repeated([*leap[:2], rec(2, "甘K11111", at=china(2024, 3, 1, 9))], CFG) == []  # an hour past the span
    monthly = MatchConfig(repeat_threshold=2, repeat_months=1)
    assert repeated([rec(1, "甘K11111", at=china(2025, 1, 31)), rec(2, "甘K11111", at=china(2025, 2, 28))], monthly)
    assert not repeated([rec(1, "甘K11111", at=china(2025, 1, 31)), rec(2, "甘K11111", at=china(2025, 3, 1))], monthly)
    # China's calendar: 1 February 04:00 in China is still 31 January in UTC
    assert repeated([rec(1, "甘K11111", at=china(2025, 2, 1, 4)), rec(2, "甘K11111", at=china(2025, 3, 1, 4))], monthly)


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2025, 1, 31), 1, date(2025, 2, 28)), (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)), (date(2025, 12, 15), 1, date(2026, 1, 15)),
    (date(2025, 3, 31), -1, date(2025, 2, 28)), (date(2025, 1, 15), -13, date(2023, 12, 15)),
    (date(2025, 5, 10), 0, date(2025, 5, 10)),
])  # fmt: skip
def test_add_months_is_calendar_arithmetic(day, months, expected):
    assert add_months(day, months) == expected


def test_months_after_keeps_the_wall_time_and_the_zone():
    at = china(2025, 1, 31, 23)
    later = months_after(at, 1)
    assert later.tzinfo is UTC
    assert later.astimezone(CHINA) == datetime(2025, 2, 28, 23, tzinfo=CHINA)
    assert months_after(datetime(2025, 1, 31, 9), 1) == datetime(2025, 2, 28, 9)


def test_config_is_checked():
    for bad in ({"window_minutes": -1}, {"near_window_minutes": 10}, {"max_km": -1}, {"repeat_threshold": 1},
                {"repeat_months": 0}, {"grace_days": -1}):  # fmt: skip
        with pytest.raises(ValueError, match=r"at least|max_km"):
            MatchConfig(**bad)


def test_signal_keys_are_stable_and_distinct():
    records = [rec(1, "甘K11111", "甘E22222", liability={"甘K11111": "none"})]
    cases = [case(10, "甘K11111", "甘E33333", agreed={"A": "full", "B": "none"})]
    first, again = match(records, cases, CFG, as_of=AS_OF), match(records, cases, CFG, as_of=AS_OF)
    keys = [s.key for s in first.signals]
    assert keys == [s.key for s in again.signals]
    assert len(set(keys)) == len(keys) == 2


# invariants --------------------------------------------------------------------------------------------------------
def _brute(records, cases, cfg):
    out = set()
    for r in records:
        for c in cases:
            shared = {v.plate for v in r.vehicles} & set(c.plates.values())
            if not shared or abs(c.at - r.at) > timedelta(minutes=cfg.window_minutes):
                continue
            if None not in (r.lat, c.lat) and km_between(r.lat, r.lon, c.lat, c.lon) > cfg.max_km:
                continue
            out.add((r.id, c.id))
    return out


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32))
def test_r20_sorted_merge_equals_brute_force(seed):
    rng = random.Random(seed)
    plates = [f"甘K1111{d}" for d in range(6)]

    def at():
        return T0 + timedelta(minutes=rng.randint(-600, 600))

    def point():
        return None if rng.random() < 0.3 else (33.39 + rng.uniform(0, 0.05), 104.92 + rng.uniform(0, 0.05))

    records = [rec(i, *rng.sample(plates, rng.randint(1, 3)), at=at(), point=point()) for i in range(8)]
    cases = [case(100 + i, *rng.sample(plates, rng.randint(1, 2)), at=at(), point=point()) for i in range(15)]
    result = match(records, cases, CFG, as_of=AS_OF)
    assert {(m.record_id, m.case_id) for m in result.matches} == _brute(records, cases, CFG)
    assert len({s.key for s in result.signals}) == len(result.signals)


def test_r20_signal_c_a_record_with_a_vehicle_more_names_no_party_of_the_case():
    result = match([rec(1, "甘K11111", "甘E22222")], [case(10, "甘K11111")], CFG, as_of=AS_OF)
    [signal] = kinds(result, "plate_or_time_differs")
    assert (signal.subject, signal.detail["record_only"]) == ("", ["甘E22222"])


def test_r20_signal_c_each_shared_plate_is_its_own_signal():
    result = match([rec(1, "甘K11111", "甘E22222")], [case(10, "甘K11111", "甘E22222", at=T0 + timedelta(hours=4))],
                   CFG, as_of=AS_OF)  # fmt: skip
    assert sorted(s.subject for s in result.signals) == ["甘E22222", "甘K11111"]
    assert all(s.subject in s.text.zh and len({"甘E22222", "甘K11111"} & set(s.text.en.split())) <= 1
               for s in result.signals)  # fmt: skip
