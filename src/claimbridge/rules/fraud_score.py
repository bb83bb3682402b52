"""Explainable fraud scores (issue 16; B5, R20, R11): plain rules on the facts of one case, each with a weight and a
reason in both languages that states the fact with its numbers. No model: an adjuster can check every point.

Facts are optional. A rule on an unknown fact does not fire and is listed as not judged; a rule on two facts follows
three-valued logic, so one known fact that rules it out is enough (an accident at noon needs no answer about
witnesses). The thresholds and weights are plan data with an effective date (R21): the version in force on the
accident's date (China's calendar) scores it, and a revision never rescores the past.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from claimbridge.rules.common import CHINA, LONGNAN, TIANSHUI, RuleInputError, Text, version_on
from claimbridge.rules.inputs import Fields, day_from, integer_in

MAX_SCORE = 100
MAX_COUNT = 1_000_000  # a count above this is a typing accident, not a fact

# The order rules are listed in (reasons of equal weight, codes not judged).
RULE_NAMES: dict[str, Text] = {
    "policy_new": Text("新保单出险", "accident soon after the policy started"),
    "night_no_witness": Text("夜间出险且无目击者", "at night with no witnesses"),
    "repeat_claims_person": Text("当事人频繁理赔", "a person with many claims"),
    "repeat_claims_vehicle": Text("车辆频繁理赔", "a vehicle with many claims"),
    "same_pair_before": Text("相同双方再次出险", "the same two parties again"),
    "photo_reused": Text("照片重复使用", "photos reused from another case"),
    "exif_time_mismatch": Text("照片拍摄时间与出险时间不符", "photos taken far from the accident time"),
    "exif_place_mismatch": Text("照片拍摄地点与出险地点不符", "photos taken far from the accident place"),
    "exif_missing": Text("照片无拍摄时间", "photos without a capture time"),
    "late_report": Text("报案迟延", "late report"),
    "repair_shop_people": Text("相同维修厂与相同人员", "the same repair shop and the same people"),
    "cross_region_no_police": Text("异地出险且无交警记录", "cross-region accident with no police record"),
    "ring": Text("属于关联团伙", "part of a ring of linked cases"),
}
RULE_CODES = tuple(RULE_NAMES)

BANDS: dict[str, Text] = {
    "low": Text("低风险", "low risk"),
    "medium": Text("中风险", "medium risk"),
    "high": Text("高风险", "high risk"),
}

_CITY_NAMES = {LONGNAN: Text("陇南市", "Longnan"), TIANSHUI: Text("天水市", "Tianshui")}
_CITY_CODE = re.compile(r"[0-9]{6}")


@dataclass(frozen=True, slots=True)
class Weight:
    """`base` points when the rule fires at its threshold, `per_extra` more for each unit above it, at most `most`."""

    base: int
    per_extra: int = 0
    most: int | None = None

    def __post_init__(self) -> None:
        if self.base < 1 or self.per_extra < 0 or (self.per_extra and (self.most is None or self.most < self.base)):
            raise ValueError(f"a weight is positive and one that grows has a ceiling above its base: {self}")

    def of(self, extra: int) -> int:
        return self.base if self.most is None else min(self.base + self.per_extra * extra, self.most)


@dataclass(frozen=True, slots=True)
class ScoreRules:
    """One version of the score: its thresholds (a count rule fires at `…_at` or more) and each rule's weight."""

    version: int
    effective_from: date
    weights: Mapping[str, Weight]
    policy_new_days: int  # the accident at most this many days after a party's policy started (or before it)
    night_from: time  # China time; night is [night_from, night_until), across midnight when from > until
    night_until: time
    late_report_after: timedelta  # reported more than this after the accident
    repeat_claims_at: int  # claims of one person or one vehicle in the last 12 months, this case not counted
    same_pair_at: int  # earlier cases of the same two people or vehicles
    photo_reused_at: int
    exif_time_at: int
    exif_place_at: int
    exif_missing_at: int
    repair_shop_people_at: int  # earlier cases sharing a repair shop and a person with this one
    ring_at: int  # cases in the case's ring, itself included
    medium_from: int  # a score of at least this is medium; at least `high_from`, high
    high_from: int


# Version 1, from the plan's trial start (R21). Why these numbers:
# - 30 days: cover bought for an accident that already happened (先出险后投保) is reported within days of the start;
#   a month still catches it and leaves out most honest renewals, whose new period starts on the old one's end.
# - 22:00–05:00: dark roads and empty streets, the hours staged collisions choose; alone it is no signal (night shifts
#   drive), so the rule needs the driver's own answer that nobody saw it.
# - 48 hours: the commercial clauses' duty to notify the insurer within 48 hours of the accident (示范条款, domain
#   facts §3); a report inside the insured's own contractual window is not a signal, one after it is.
# - 3 claims of one person or vehicle in 12 months: one or two a year are ordinary bad luck on the road.
# - 1 earlier case of the same pair: two strangers rarely collide twice; one is enough.
# - 2 earlier cases with the same shop and a same person: people go back to their own shop after a second accident;
#   a third time with the same shop is a pattern.
# - ring of 3 cases: the rings kernel's own minimum (fraud/rings.py MIN_SIZE).
# - Photos: the caller passes only verified reuse (identical bytes or geometric verification), so one is strong
#   evidence; EXIF mismatches are weaker (clocks are wrong), a missing capture time weakest (chat apps strip EXIF).
SCORE_VERSIONS: tuple[ScoreRules, ...] = (
    ScoreRules(
        version=1,
        effective_from=date(2023, 8, 15),
        weights={
            "policy_new": Weight(15),
            "night_no_witness": Weight(10),
            "repeat_claims_person": Weight(10, per_extra=3, most=20),
            "repeat_claims_vehicle": Weight(10, per_extra=3, most=20),
            "same_pair_before": Weight(20, per_extra=5, most=30),
            "photo_reused": Weight(30, per_extra=5, most=40),
            "exif_time_mismatch": Weight(10),
            "exif_place_mismatch": Weight(10),
            "exif_missing": Weight(3),
            "late_report": Weight(8),
            "repair_shop_people": Weight(15, per_extra=5, most=25),
            "cross_region_no_police": Weight(10),
            "ring": Weight(20, per_extra=2, most=40),
        },
        policy_new_days=30,
        night_from=time(22, 0),
        night_until=time(5, 0),
        late_report_after=timedelta(hours=48),
        repeat_claims_at=3,
        same_pair_at=1,
        photo_reused_at=1,
        exif_time_at=1,
        exif_place_at=1,
        exif_missing_at=1,
        repair_shop_people_at=2,
        ring_at=3,
        medium_from=30,
        high_from=60,
    ),
)


@dataclass(frozen=True, slots=True)
class CaseSignals:
    """The facts about one case the rules read; None is "not known". Mappings are keyed by a party's label (A, B…,
    never a name or a plate: B5), each holding the parties whose fact is known; an empty mapping is not known."""

    accident_at: datetime | None = None  # aware
    reported_at: datetime | None = None  # aware, not before the accident
    policy_starts: Mapping[str, date] | None = None  # the first day of each party's cover
    witnesses: bool | None = None  # the driver's answer: were there witnesses?
    police_attended: bool | None = None  # the police attended or a police record of the accident exists
    accident_city: str | None = None  # city-level code (GB/T 2260), e.g. 621200
    underwriting_cities: Mapping[str, str] | None = None  # the city of each party's underwriting branch
    claims_12m_people: Mapping[str, int] | None = None  # each party's person: claims in 12 months, this one not counted
    claims_12m_vehicles: Mapping[str, int] | None = None  # each party's vehicle: the same
    same_pair_cases: int | None = None  # earlier cases of the same two people or the same two vehicles
    photo_reuse_matches: int | None = None  # verified only: identical bytes or geometric verification
    exif_time_mismatches: int | None = None  # photos taken far from the accident time
    exif_place_mismatches: int | None = None  # photos taken far from the accident place
    exif_missing_times: int | None = None  # photos with no capture time at all
    shop_people_cases: int | None = None  # earlier cases sharing a repair shop and a person with this one
    ring_size: int | None = None  # cases in the ring the case belongs to, itself included; 0 if none

    def __post_init__(self) -> None:
        for name in ("accident_at", "reported_at"):
            moment = getattr(self, name)
            if moment is not None and (not isinstance(moment, datetime) or moment.utcoffset() is None):
                raise RuleInputError(
                    name, "时间须带时区（例如 +08:00）", "a time must carry its time zone (e.g. +08:00)"
                )
        if self.accident_at is not None and self.reported_at is not None and self.reported_at < self.accident_at:
            raise RuleInputError("reported_at", "报案时间早于出险时间", "the report is earlier than the accident")
        for name in ("witnesses", "police_attended"):
            if getattr(self, name) not in (None, True, False):
                raise RuleInputError(name, "应为 true、false 或未知（null）", "must be true, false or unknown (null)")
        if self.accident_city is not None:
            _check_city(self.accident_city, "accident_city")
        for name in ("same_pair_cases", "photo_reuse_matches", "exif_time_mismatches", "exif_place_mismatches",
                     "exif_missing_times", "shop_people_cases", "ring_size"):  # fmt: skip
            _check_count(getattr(self, name), name)
        for label, start in _entries(self.policy_starts, "policy_starts"):
            if not isinstance(start, date) or isinstance(start, datetime):
                raise RuleInputError(f"policy_starts.{label}", "应为日期", "must be a date")
        for label, city in _entries(self.underwriting_cities, "underwriting_cities"):
            _check_city(city, f"underwriting_cities.{label}")
        for name in ("claims_12m_people", "claims_12m_vehicles"):
            for label, count in _entries(getattr(self, name), name):
                _check_count(count, f"{name}.{label}")


def _check_count(value: Any, field: str) -> None:
    if value is not None and (type(value) is not int or not 0 <= value <= MAX_COUNT):
        raise RuleInputError(field, f"应为 0 到 {MAX_COUNT} 的整数", f"must be a whole number from 0 to {MAX_COUNT}")


def _check_city(value: Any, field: str) -> None:
    if not isinstance(value, str) or not _CITY_CODE.fullmatch(value):
        raise RuleInputError(field, "应为 6 位行政区划代码", "must be a 6-digit division code")


def _entries(mapping: Mapping[str, Any] | None, field: str) -> list[tuple[str, Any]]:
    if mapping is None:
        return []
    if not isinstance(mapping, Mapping):
        raise RuleInputError(field, "应为以当事方为键的对象", "must be an object keyed by party")
    for label in mapping:
        if not isinstance(label, str) or not label.strip():
            raise RuleInputError(field, "当事方标签不能为空", "a party's label cannot be empty")
    return sorted(mapping.items())


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    weight: int
    text: Text

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "weight": self.weight, **self.text.as_dict()}


@dataclass(frozen=True, slots=True)
class FraudScore:
    score: int  # 0…100: the fired weights' sum, capped
    uncapped: int  # the sum before the cap
    band: str  # a key of BANDS
    reasons: tuple[Reason, ...]  # the fired rules, heaviest first
    not_judged: tuple[str, ...]  # codes of the rules a fact was missing for, in RULE_CODES order
    rules: ScoreRules  # the version that scored

    def as_dict(self) -> dict[str, Any]:
        """The stored and shown form; its keys are a contract with the platform's records."""
        return {
            "score": self.score,
            "uncapped": self.uncapped,
            "band": {"code": self.band, **BANDS[self.band].as_dict()},
            "reasons": [reason.as_dict() for reason in self.reasons],
            "not_judged": [{"code": code, **RULE_NAMES[code].as_dict()} for code in self.not_judged],
            "version": {"version": self.rules.version, "effective_from": self.rules.effective_from.isoformat()},
        }

    @classmethod
    def from_dict(cls, document: Any) -> FraudScore:
        """A stored `as_dict()` read back (its version looked up by number)."""
        fields = Fields(document)
        band = fields.fields("band").text("code", choices=tuple(BANDS))
        reasons = tuple(_reason_from(Fields(item, path)) for path, item in fields.items("reasons"))
        not_judged = tuple(
            Fields(item, path).text("code", choices=RULE_CODES) for path, item in fields.items("not_judged")
        )
        number = fields.fields("version").integer("version", low=1, high=MAX_COUNT)
        rules = next((rules for rules in SCORE_VERSIONS if rules.version == number), None)
        if rules is None:
            raise RuleInputError(
                "version.version", f"没有第 {number} 版评分规则", f"there is no score version {number}"
            )
        score = fields.integer("score", low=0, high=MAX_SCORE)
        uncapped = fields.integer("uncapped", low=0, high=MAX_COUNT)
        fields.done()
        return cls(score, uncapped, band, reasons, not_judged, rules)


def _reason_from(fields: Fields) -> Reason:
    reason = Reason(fields.text("code", choices=RULE_CODES), fields.integer("weight", low=0, high=MAX_SCORE),
                    Text(fields.text("zh"), fields.text("en")))  # fmt: skip
    fields.done()
    return reason


def score_rules_on(day: date, *, field: str = "accident_at") -> ScoreRules:
    return version_on(SCORE_VERSIONS, day, field=field, zh="欺诈评分规则自 {first} 起施行",
                      en="the fraud score rules apply from {first}")  # fmt: skip


def band_of(score: int, rules: ScoreRules) -> str:
    return "high" if score >= rules.high_from else "medium" if score >= rules.medium_from else "low"


def is_night(moment: datetime, rules: ScoreRules) -> bool:
    """Whether an aware instant falls in the version's night, in China time."""
    clock = moment.astimezone(CHINA).time()
    if rules.night_from > rules.night_until:
        return clock >= rules.night_from or clock < rules.night_until
    return rules.night_from <= clock < rules.night_until


@dataclass(frozen=True, slots=True)
class _Fired:
    extra: int  # units above the threshold, for weights that grow
    text: Text


_Verdict = _Fired | bool | None  # fired, False (judged, not fired) or None (not judged)


def _at_least(value: int | None, threshold: int, text: Callable[[int], Text]) -> _Verdict:
    if value is None:
        return None
    return _Fired(value - threshold, text(value)) if value >= threshold else False


def _largest(counts: Mapping[str, int] | None) -> tuple[str, int] | None:
    entries = sorted((counts or {}).items())
    return max(entries, key=lambda entry: entry[1]) if entries else None  # ties: the first label


def _policy_new(signals: CaseSignals, rules: ScoreRules) -> _Verdict:
    if signals.accident_at is None or not signals.policy_starts:
        return None
    accident_day = signals.accident_at.astimezone(CHINA).date()
    label, start = max(sorted(signals.policy_starts.items()), key=lambda entry: entry[1])  # the newest; ties: first
    days = (accident_day - start).days
    if days > rules.policy_new_days:
        return False
    limit = rules.policy_new_days
    if days < 0:
        return _Fired(0, Text(f"当事方 {label} 的保单 {start} 才生效，晚于出险日 {-days} 天",
                              f"party {label}'s policy only started on {start}, {-days} days after the accident"))  # fmt: skip
    return _Fired(0, Text(f"当事方 {label} 的保单 {start} 生效，{days} 天后即出险（不超过 {limit} 天）",
                          f"party {label}'s policy started on {start} and the accident happened {days} days later "
                          f"(at most {limit})"))  # fmt: skip


def _night_no_witness(signals: CaseSignals, rules: ScoreRules) -> _Verdict:
    if signals.witnesses is True:
        return False
    if signals.accident_at is None:
        return None
    if not is_night(signals.accident_at, rules):
        return False
    if signals.witnesses is None:
        return None
    clock = signals.accident_at.astimezone(CHINA).strftime("%H:%M")
    night = f"{rules.night_from:%H:%M}–{rules.night_until:%H:%M}"
    return _Fired(0, Text(f"夜间 {clock}（北京时间 {night}）出险且无目击者",
                          f"the accident happened at night, {clock} China time ({night}), with no witnesses"))  # fmt: skip


def _repeat_claims(counts: Mapping[str, int] | None, threshold: int, whose: Text) -> _Verdict:
    """`whose`: the subject, with `{label}` for the party's label."""
    largest = _largest(counts)
    if largest is None:
        return None
    label, count = largest
    zh, en = whose.zh.format(label=label), whose.en.format(label=label)
    return _at_least(count, threshold, lambda n: Text(f"{zh}近 12 个月理赔 {n} 次（{threshold} 次即提示）",
                                                       f"{en} claimed {n} times in the last 12 months "
                                                       f"(flagged from {threshold})"))  # fmt: skip


def _late_report(signals: CaseSignals, rules: ScoreRules) -> _Verdict:
    if signals.accident_at is None or signals.reported_at is None:
        return None
    delay = signals.reported_at - signals.accident_at
    if delay <= rules.late_report_after:
        return False
    hours, minutes = divmod(math.ceil(delay.total_seconds() / 60), 60)  # up: 48 h and a second reads "48 h 1 min"
    limit = int(rules.late_report_after.total_seconds() // 3600)
    return _Fired(0, Text(f"出险 {hours} 小时 {minutes} 分后才报案（超过 {limit} 小时）",
                          f"reported {hours} h {minutes} min after the accident (more than {limit} h)"))  # fmt: skip


def _city(code: str) -> Text:
    name = _CITY_NAMES.get(code)
    return Text(f"{name.zh}（{code}）", f"{name.en} ({code})") if name else Text(code, code)


def _cross_region_no_police(signals: CaseSignals, rules: ScoreRules) -> _Verdict:
    if signals.police_attended is True:
        return False
    if signals.accident_city is None or not signals.underwriting_cities:
        return None
    away = [
        (label, city) for label, city in sorted(signals.underwriting_cities.items()) if city != signals.accident_city
    ]
    if not away:
        return False
    if signals.police_attended is None:
        return None
    label, city = away[0]
    there, home = _city(signals.accident_city), _city(city)
    return _Fired(0, Text(f"出险地 {there.zh}，当事方 {label} 的承保地 {home.zh}，两地不同且无交警出警记录",
                          f"the accident city {there.en} is not party {label}'s underwriting city {home.en}, "
                          "and there is no police record"))  # fmt: skip


# The rules that compare one count with its threshold: the signal, the threshold's name in ScoreRules, the reason
# ({n}: the count, {at}: the threshold).
_COUNT_RULES: dict[str, tuple[str, str, Text]] = {
    "same_pair_before": ("same_pair_cases", "same_pair_at", Text(
        "相同的双方（人员或车辆）此前已共同出险 {n} 次",
        "the same two parties (people or vehicles) were in {n} earlier case(s) together")),
    "photo_reused": ("photo_reuse_matches", "photo_reused_at", Text(
        "{n} 张照片经核实与其他案件的照片相同（相同文件或几何验证）",
        "{n} photo(s) verified as the same as another case's (identical file or geometric verification)")),
    "exif_time_mismatch": ("exif_time_mismatches", "exif_time_at", Text(
        "{n} 张照片的拍摄时间与出险时间相差过大", "{n} photo(s) taken far from the accident time")),
    "exif_place_mismatch": ("exif_place_mismatches", "exif_place_at", Text(
        "{n} 张照片的拍摄地点与出险地点相距过远", "{n} photo(s) taken far from the accident place")),
    "exif_missing": ("exif_missing_times", "exif_missing_at", Text(
        "{n} 张照片没有拍摄时间", "{n} photo(s) carry no capture time")),
    "repair_shop_people": ("shop_people_cases", "repair_shop_people_at", Text(
        "此前有 {n} 起案件与本案的维修厂和人员相同（{at} 起即提示）",
        "{n} earlier cases share a repair shop and a person with this one (flagged from {at})")),
    "ring": ("ring_size", "ring_at", Text(
        "本案属于由 {n} 起案件组成的关联团伙", "the case belongs to a ring of {n} linked cases")),
}  # fmt: skip


def _count_rule(code: str, signals: CaseSignals, rules: ScoreRules) -> _Verdict:
    signal, threshold, text = _COUNT_RULES[code]
    at: int = getattr(rules, threshold)
    return _at_least(
        getattr(signals, signal), at, lambda n: Text(text.zh.format(n=n, at=at), text.en.format(n=n, at=at))
    )


def _repeat_claims_person(signals: CaseSignals, rules: ScoreRules) -> _Verdict:
    return _repeat_claims(signals.claims_12m_people, rules.repeat_claims_at, Text("当事方 {label} ", "party {label}"))


def _repeat_claims_vehicle(signals: CaseSignals, rules: ScoreRules) -> _Verdict:
    whose = Text("当事方 {label} 的车辆", "party {label}'s vehicle")
    return _repeat_claims(signals.claims_12m_vehicles, rules.repeat_claims_at, whose)


_CHECKS: dict[str, Callable[[CaseSignals, ScoreRules], _Verdict]] = {
    "policy_new": _policy_new,
    "night_no_witness": _night_no_witness,
    "repeat_claims_person": _repeat_claims_person,
    "repeat_claims_vehicle": _repeat_claims_vehicle,
    "late_report": _late_report,
    "cross_region_no_police": _cross_region_no_police,
    **{code: partial(_count_rule, code) for code in _COUNT_RULES},
}


def score_case(signals: CaseSignals, day: date | None = None) -> FraudScore:
    """The score of one case (B5, R20) under the version in force on `day`, else on the accident's date in China,
    else today."""
    field = "day" if day is not None else "accident_at"
    if day is None:
        day = (signals.accident_at or datetime.now(CHINA)).astimezone(CHINA).date()
    rules = score_rules_on(day, field=field)
    reasons: list[Reason] = []
    not_judged: list[str] = []
    for code in RULE_CODES:
        verdict = _CHECKS[code](signals, rules)
        if verdict is None:
            not_judged.append(code)
        elif isinstance(verdict, _Fired):
            reasons.append(Reason(code, rules.weights[code].of(verdict.extra), verdict.text))
    reasons.sort(key=lambda reason: -reason.weight)  # stable: equal weights keep the rules' order
    uncapped = sum(reason.weight for reason in reasons)
    score = min(uncapped, MAX_SCORE)
    return FraudScore(score, uncapped, band_of(score, rules), tuple(reasons), tuple(not_judged), rules)


def _moment(fields: Fields, key: str) -> datetime | None:
    value = fields.raw(key, None)
    if value is None:
        return None
    try:
        if not isinstance(value, str) or len(value) < 16:
            raise ValueError
        return datetime.fromisoformat(value)
    except ValueError:
        raise RuleInputError(key, "应为带时区的 ISO 8601 时间，如 2024-06-01T23:30:00+08:00",
                             "must be an ISO 8601 time with its zone, e.g. 2024-06-01T23:30:00+08:00") from None  # fmt: skip


def _per_party(fields: Fields, key: str, read: Callable[[Any, str], Any]) -> dict[str, Any] | None:
    if fields.raw(key, None) is None:
        return None
    return {
        label: read(value, path) for label, path, value in fields.mapping(key) if value is not None
    }  # null: unknown


def read_signals(document: Any) -> tuple[CaseSignals, date | None]:
    """A JSON object of signals (the field names of `CaseSignals`; null or absent: not known) and an optional `day`."""
    fields = Fields(document)

    def count(key: str) -> int | None:
        value = fields.raw(key, None)
        return None if value is None else integer_in(value, key, 0, MAX_COUNT)

    def flag(key: str) -> bool | None:
        value = fields.raw(key, None)
        if value is not None and not isinstance(value, bool):
            raise RuleInputError(key, "应为 true、false 或 null（未知）", "must be true, false or null (not known)")
        return value

    def city(value: Any, path: str) -> str:
        _check_city(value, path)
        return str(value)

    def tally(value: Any, path: str) -> int:
        return integer_in(value, path, 0, MAX_COUNT)

    signals = CaseSignals(
        accident_at=_moment(fields, "accident_at"),
        reported_at=_moment(fields, "reported_at"),
        policy_starts=_per_party(fields, "policy_starts", day_from),
        witnesses=flag("witnesses"),
        police_attended=flag("police_attended"),
        accident_city=None if (place := fields.raw("accident_city", None)) is None else city(place, "accident_city"),
        underwriting_cities=_per_party(fields, "underwriting_cities", city),
        claims_12m_people=_per_party(fields, "claims_12m_people", tally),
        claims_12m_vehicles=_per_party(fields, "claims_12m_vehicles", tally),
        same_pair_cases=count("same_pair_cases"),
        photo_reuse_matches=count("photo_reuse_matches"),
        exif_time_mismatches=count("exif_time_mismatches"),
        exif_place_mismatches=count("exif_place_mismatches"),
        exif_missing_times=count("exif_missing_times"),
        shop_people_cases=count("shop_people_cases"),
        ring_size=count("ring_size"),
    )
    day = None if fields.raw("day", None) is None else fields.day("day")
    fields.done()
    return signals, day


def fraud_score_from_document(document: Any) -> dict[str, Any]:
    """`claimbridge rules fraud-score`."""
    signals, day = read_signals(document)
    return score_case(signals, day).as_dict()
