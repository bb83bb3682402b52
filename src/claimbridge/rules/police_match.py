"""Traffic-police accident records matched to platform cases, and the discrepancies that become signals (R20). Pure.

A record matches a case when a plate of the record is a plate of the case, the two times are at most
`window_minutes` apart and, when both carry a point, the two places at most `max_km` apart. The candidates are found
by a sorted merge: the cases of each plate sorted by time, each record's plates looked up by bisection, so a run
costs O((records + cases) log cases) whatever the number of records.

Four kinds of signal (each names the record and/or the case and what disagrees):

- `no_police_record` — the case says the police attended (it went to the police) but no record matches it, while
  the records of the police of the case's area speak for the case's time (`covered_periods`: a unit whose area has
  loaded nothing, or nothing of that period, is silent, not a sign of a missing record);
- `liability_differs` — an agreed case's liability for a vehicle differs from the police determination for it;
- `plate_or_time_differs` — a near match on one thing, not the other: the same plate but the times (or places) too
  far apart (`near_window_minutes`), a matched pair whose other plates disagree, or a record that matches no case by
  plate while a case at the same time and place carries a plate one character away from the record's;
- `repeated` — one vehicle (plate) or person (a blind index of the ID number) appears in `repeat_threshold` or more
  records within `repeat_months` calendar months.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from claimbridge.rules.common import LIABILITY_NAMES, Text, months_after

SIGNAL_KINDS: dict[str, Text] = {
    "no_police_record": Text("案件称交警已处理，但无交警记录", "the case says the police attended, but there is no police record"),
    "liability_differs": Text("协议责任与交警认定不一致", "the agreed liability differs from the police determination"),
    "plate_or_time_differs": Text("号牌或时间不一致", "plates or times disagree"),
    "repeated": Text("车辆或人员多次出现在交警记录中", "a vehicle or person appears in many police records"),
}  # fmt: skip
ACCIDENT_TYPES: dict[str, Text] = {
    "property": Text("财产损失事故", "property damage only"),
    "injury": Text("伤人事故", "injury"),
    "fatal": Text("死亡事故", "fatal"),
}
GRADES = frozenset(LIABILITY_NAMES)  # full, primary, equal, secondary, none, undetermined


@dataclass(frozen=True)
class MatchConfig:
    window_minutes: int = 120
    near_window_minutes: int = 24 * 60
    max_km: float = 2.0
    repeat_threshold: int = 3
    repeat_months: int = 12  # calendar months (`rules.common.months_after`), not a count of days
    grace_days: int = 7  # a case younger than this may simply not have its record yet

    def __post_init__(self) -> None:
        if self.window_minutes < 0 or self.near_window_minutes < self.window_minutes:
            raise ValueError("the near window must be at least the match window, both not negative")
        if self.max_km < 0 or self.repeat_threshold < 2 or self.repeat_months < 1 or self.grace_days < 0:
            raise ValueError("max_km ≥ 0, repeat_threshold ≥ 2, repeat_months ≥ 1, grace_days ≥ 0")


@dataclass(frozen=True)
class RecordVehicle:
    plate: str  # normalised (identifiers.normalize_plate)
    liability: str = "undetermined"  # a grade of LIABILITY_NAMES
    person: str = ""  # the driver's blind index, "" when unknown


@dataclass(frozen=True)
class Record:
    id: int
    at: datetime
    vehicles: tuple[RecordVehicle, ...]
    lat: float | None = None
    lon: float | None = None
    area: str = ""  # the area the record's police unit covers (a county's code, or a city's for a city's unit)


@dataclass(frozen=True)
class CaseIn:
    id: int
    at: datetime
    plates: Mapping[str, str]  # party label → normalised plate
    lat: float | None = None
    lon: float | None = None
    police_attended: bool = False
    agreed_liability: Mapping[str, str] | None = None  # party label → grade, for an agreed case
    areas: tuple[str, ...] = ("",)  # the areas the accident lies in (its county's code and its city's); () none known


@dataclass(frozen=True)
class Match:
    record_id: int
    case_id: int
    minutes: int
    km: float | None
    plates: tuple[str, ...]


@dataclass(frozen=True)
class Signal:
    kind: str
    reason: str
    text: Text
    record_id: int | None = None
    case_id: int | None = None
    subject: str = ""  # the plate concerned (of the case's party, where there is a case) or the person
    detail: Mapping[str, object] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """One signal per kind, reason, record, case and subject: running the matching again finds the same keys."""
        return f"{self.kind}:{self.reason}:{self.record_id or ''}:{self.case_id or ''}:{self.subject}"


@dataclass(frozen=True)
class MatchResult:
    matches: tuple[Match, ...]
    signals: tuple[Signal, ...]


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def _km(record: Record, case: CaseIn) -> float | None:
    if record.lat is None or record.lon is None or case.lat is None or case.lon is None:
        return None
    return km_between(record.lat, record.lon, case.lat, case.lon)


def one_apart(a: str, b: str) -> bool:
    """Plates of the same length that differ in exactly one character (a misread or mistyped plate)."""
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


class _TimeIndex:
    """Cases sorted by time, for the ones within a window of an instant (a short list is simply scanned)."""

    __slots__ = ("cases", "times")

    def __init__(self, cases: Iterable[CaseIn]) -> None:
        listed = list(cases)
        self.cases = listed if len(listed) < 2 else sorted(listed, key=lambda case: (case.at, case.id))
        self.times = [case.at for case in self.cases] if len(self.cases) > 8 else []

    def around(self, at: datetime, minutes: int) -> list[CaseIn]:
        span = timedelta(minutes=minutes)
        if not self.times:
            return [case for case in self.cases if abs(case.at - at) <= span]
        return self.cases[bisect_left(self.times, at - span) : bisect_right(self.times, at + span)]


def _near(record: Record, case: CaseIn, max_km: float) -> tuple[bool, float | None]:
    """Whether the places are at most `max_km` apart (True when either has no point), and the distance if known. A
    box of the distance in degrees is tried first: most pairs fail it without the trigonometry."""
    if record.lat is None or record.lon is None or case.lat is None or case.lon is None:
        return True, None
    dlat = abs(record.lat - case.lat) * 111.0
    if dlat > max_km + 0.5:
        return False, dlat
    km = km_between(record.lat, record.lon, case.lat, case.lon)
    return km <= max_km, km


def match(records: Sequence[Record], cases: Sequence[CaseIn], config: MatchConfig, *, as_of: datetime) -> MatchResult:
    """Every match and every signal of `records` against `cases` (`as_of`: the instant of the run, for the grace)."""
    by_plate: dict[str, list[CaseIn]] = defaultdict(list)
    for case in cases:
        for plate in set(case.plates.values()):
            if plate:
                by_plate[plate].append(case)
    plate_index: dict[str, _TimeIndex] = {}
    matches: list[Match] = []
    signals: list[Signal] = []
    matched_cases: set[int] = set()
    window = timedelta(minutes=config.window_minutes)
    unmatched: list[Record] = []
    for record in records:
        found: dict[int, tuple[CaseIn, float | None]] = {}
        near: dict[int, CaseIn] = {}
        for vehicle in record.vehicles:
            listed = by_plate.get(vehicle.plate)
            if listed is None:
                continue
            index = plate_index.get(vehicle.plate)
            if index is None:
                index = plate_index[vehicle.plate] = _TimeIndex(listed)
            for case in index.around(record.at, config.near_window_minutes):
                close, km = _near(record, case, config.max_km)
                if abs(case.at - record.at) <= window and close:
                    found[case.id] = (case, km)
                else:
                    near[case.id] = case
        for case, km in found.values():
            matched_cases.add(case.id)
            matches.append(_match(record, case, km))
            signals += _pair_signals(record, case)
        for case_id, case in near.items():
            if case_id not in found:
                signals += _near_signals(record, case, config)
        if not found and not near:
            unmatched.append(record)
    signals += _misread_plates(unmatched, cases, config)
    covered = covered_periods(records, config, as_of=as_of)
    for case in cases:
        if case.police_attended and case.id not in matched_cases and _covered(case, covered):
            signals.append(Signal("no_police_record", "no_record", SIGNAL_KINDS["no_police_record"],
                                  case_id=case.id))  # fmt: skip
    signals += repeated(records, config)
    return MatchResult(tuple(matches), tuple(signals))


def covered_periods(
    records: Iterable[Record], config: MatchConfig, *, as_of: datetime
) -> dict[str, tuple[datetime, datetime]]:
    """Per area, the period its police's records speak for: from its first record's time to its last's (widened by
    the match window), and never past `as_of` less the grace (a recent case's record may not be in yet). An area
    whose units loaded nothing has no period: its police-attended cases raise no "no record" signal."""
    spans: dict[str, tuple[datetime, datetime]] = {}
    for record in records:
        first, last = spans.get(record.area, (record.at, record.at))
        spans[record.area] = (min(first, record.at), max(last, record.at))
    window, grace = timedelta(minutes=config.window_minutes), as_of - timedelta(days=config.grace_days)
    return {area: (first - window, min(last + window, grace)) for area, (first, last) in spans.items()}


def _covered(case: CaseIn, covered: Mapping[str, tuple[datetime, datetime]]) -> bool:
    """Whether the records of a unit covering one of the case's areas (its county, its city) speak for its time."""
    return any(area in covered and covered[area][0] <= case.at <= covered[area][1] for area in case.areas)


def _match(record: Record, case: CaseIn, km: float | None) -> Match:
    shared = sorted({v.plate for v in record.vehicles} & set(case.plates.values()))
    minutes = round(abs((case.at - record.at).total_seconds()) / 60)
    return Match(record.id, case.id, minutes, None if km is None else round(km, 3), tuple(shared))


def _pair_signals(record: Record, case: CaseIn) -> list[Signal]:
    signals: list[Signal] = []
    record_plates = {v.plate for v in record.vehicles}
    case_plates = set(case.plates.values()) - {""}
    only_record, only_case = sorted(record_plates - case_plates), sorted(case_plates - record_plates)
    for plate in only_case:  # a vehicle of the case the matching record does not have (named by its plate only)
        text = Text(
            f"案件车辆 {plate} 不在匹配的交警记录中", f"the case's vehicle {plate} is not in the matching police record"
        )
        signals.append(Signal("plate_or_time_differs", "plates", text, record.id, case.id, plate,
                              {"record_only": only_record, "case_only": only_case}))  # fmt: skip
    if only_record and not only_case:  # the record has a vehicle more: the committee's (no party of the case named)
        text = Text(
            f"交警记录另有车辆 {'、'.join(only_record)}，案件中没有",
            f"the police record also has {', '.join(only_record)}, the case does not",
        )
        signals.append(Signal("plate_or_time_differs", "plates", text, record.id, case.id, "",
                              {"record_only": only_record, "case_only": []}))  # fmt: skip
    if case.agreed_liability:
        label_of = {plate: label for label, plate in case.plates.items() if plate}
        for vehicle in record.vehicles:
            label = label_of.get(vehicle.plate)
            agreed = case.agreed_liability.get(label, "") if label else ""
            police = vehicle.liability
            if agreed and police in GRADES and police != "undetermined" and agreed != police:
                text = Text(
                    f"{vehicle.plate}：协议为{LIABILITY_NAMES[agreed].zh if agreed in GRADES else agreed}，"
                    f"交警认定{LIABILITY_NAMES[police].zh}",
                    f"{vehicle.plate}: agreed {LIABILITY_NAMES[agreed].en if agreed in GRADES else agreed}, "
                    f"police determination {LIABILITY_NAMES[police].en}",
                )
                signals.append(Signal("liability_differs", "liability", text, record.id, case.id, vehicle.plate,
                                      {"party": label, "agreed": agreed, "police": police}))  # fmt: skip
    return signals


def _near_signals(record: Record, case: CaseIn, config: MatchConfig) -> list[Signal]:
    """One signal per plate the two share (each names only its own vehicle: an insurer reads its own party's)."""
    minutes = round(abs((case.at - record.at).total_seconds()) / 60)
    km = _km(record, case)
    signals = []
    for plate in sorted({v.plate for v in record.vehicles} & set(case.plates.values())):
        if minutes > config.window_minutes:
            reason = "time"
            text = Text(f"号牌 {plate} 相同，但时间相差 {minutes} 分钟",
                        f"the same plate {plate}, but the times are {minutes} minutes apart")  # fmt: skip
        else:
            reason = "place"
            text = Text(f"号牌 {plate} 与时间相同，但地点相距 {km:.1f} 公里",
                        f"the same plate {plate} and time, but the places are {km:.1f} km apart")  # fmt: skip
        signals.append(Signal("plate_or_time_differs", reason, text, record.id, case.id, plate,
                              {"minutes": minutes, "km": None if km is None else round(km, 3)}))  # fmt: skip
    return signals


def _misread_plates(records: Sequence[Record], cases: Sequence[CaseIn], config: MatchConfig) -> list[Signal]:
    """Records no plate matched: a case at the same time and place (both points known) whose plate is one character
    away from one of the record's."""
    located = [r for r in records if r.lat is not None and r.lon is not None]
    if not located:
        return []
    index = _TimeIndex(case for case in cases if case.lat is not None and case.lon is not None)
    signals: list[Signal] = []
    for record in located:
        for case in index.around(record.at, config.window_minutes):
            close, km = _near(record, case, config.max_km)
            if not close or km is None:
                continue
            pairs = sorted(
                (v.plate, p) for v in record.vehicles for p in set(case.plates.values()) if one_apart(v.plate, p)
            )
            if pairs:
                police_plate, case_plate = pairs[0]
                text = Text(f"时间地点相同，号牌相差一个字符：交警 {police_plate}，案件 {case_plate}",
                            f"the same time and place, plates one character apart: police {police_plate}, "
                            f"case {case_plate}")  # fmt: skip
                signals.append(Signal("plate_or_time_differs", "misread_plate", text, record.id, case.id, case_plate,
                                      {"police_plate": police_plate, "case_plate": case_plate}))  # fmt: skip
    return signals


def repeated(records: Sequence[Record], config: MatchConfig) -> list[Signal]:
    """Plates and persons in `repeat_threshold` or more records within any span of `repeat_months` calendar months
    (from a record's time to the same time that many months later): one signal each, naming the records of the
    busiest span."""
    seen: dict[tuple[str, str], dict[int, datetime]] = defaultdict(dict)
    for record in records:
        for vehicle in record.vehicles:
            if vehicle.plate:
                seen[("plate", vehicle.plate)][record.id] = record.at
            if vehicle.person:
                seen[("person", vehicle.person)][record.id] = record.at
    months = config.repeat_months
    signals: list[Signal] = []
    for (what, subject), found in sorted(seen.items()):
        if len(found) < config.repeat_threshold:
            continue
        ordered = sorted(found.items(), key=lambda item: (item[1], item[0]))
        best: list[int] = []
        start, until = 0, months_after(ordered[0][1], months)
        for end in range(len(ordered)):
            while ordered[end][1] > until:
                start += 1
                until = months_after(ordered[start][1], months)
            if end - start + 1 > len(best):
                best = [record_id for record_id, _ in ordered[start : end + 1]]
        if len(best) >= config.repeat_threshold:
            shown = subject if what == "plate" else "—"
            text = Text(f"{'车辆' if what == 'plate' else '人员'} {shown} 在 {months} 个月内出现在 {len(best)} 份交警记录中",
                        f"{'vehicle' if what == 'plate' else 'person'} {shown} appears in {len(best)} police records "
                        f"within {months} months")  # fmt: skip
            signals.append(Signal("repeated", what, text, subject=subject, detail={"records": best}))
    return signals
