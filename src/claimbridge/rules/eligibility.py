"""Eligibility for 快处易赔 (R2, R3): eighteen conditions, every one evaluated every time.

A driver at the roadside sees all the reasons at once, never one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from claimbridge.rules.circumstances import UNDETERMINED, Catalogue, catalogue_on, liability_grades, read_circumstances
from claimbridge.rules.common import LONGNAN, REGION_CITIES, TIANSHUI, ZERO, RuleInputError, Text
from claimbridge.rules.identifiers import check_plate
from claimbridge.rules.inputs import Fields

DAMAGE_LEVELS = ("minor_exterior", "major", "unknown")
POLICY_TYPES = ("ctpl", "third_party", "own_damage")
MIN_SCENE_PHOTOS = 3  # 12123: side-front, side-rear and the collision point
BOTH_CITIES = frozenset({LONGNAN, TIANSHUI})


@dataclass(frozen=True, slots=True)
class Policy:
    type: str
    city: str
    start: date
    end: date
    limit: Any  # Decimal | None; None when not given
    verified: bool = True  # False: declared by a party, not confirmed by the policy register

    def in_force(self, day: date) -> bool:
        return self.start <= day <= self.end and (self.limit is None or self.limit > ZERO)


@dataclass(frozen=True, slots=True)
class Party:
    id: str
    plate: str
    driver_licensed: bool
    impairment_suspected: bool
    inspection_valid: bool
    insurer: str
    insurer_city_branches: frozenset[str]
    policies: tuple[Policy, ...]
    photos: int
    videos: int

    def cover(self, kind: str, day: date) -> list[Policy]:
        return [policy for policy in self.policies if policy.type == kind and policy.in_force(day)]


@dataclass(frozen=True, slots=True)
class Accident:
    date: date
    vehicle_count: int
    all_motor_vehicles: bool
    casualties: bool
    third_party_property_damage: bool
    facility_damage: bool
    vehicles_drivable: bool
    damage: str
    circumstances: dict[str, list[int]]
    facts_disputed: bool
    dangerous_goods: bool
    intentional_suspected: bool
    party_left_scene: bool


@dataclass(frozen=True, slots=True)
class Condition:
    code: str
    passed: bool
    message: Text

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "passed": self.passed, "message": {"zh": self.message.zh, "en": self.message.en}}


@dataclass(frozen=True, slots=True)
class EligibilityDecision:
    conditions: tuple[Condition, ...]
    liability: dict[str, str]
    catalogue_version: int
    unverified: tuple[tuple[str, str], ...] = ()  # (party, policy type) counted on a party's word only

    @property
    def eligible(self) -> bool:
        return all(condition.passed for condition in self.conditions)

    @property
    def failed(self) -> list[str]:
        return [condition.code for condition in self.conditions if not condition.passed]

    def as_dict(self) -> dict[str, Any]:
        conditions = [
            _PASSED_DICTS[condition.code] if condition.passed else condition.as_dict() for condition in self.conditions
        ]
        failed = self.failed
        return {
            "eligible": not failed,
            "conditions": conditions,
            "failed": failed,
            "liability": self.liability,
            "catalogue_version": self.catalogue_version,
            "unverified": [
                {
                    "party": party,
                    "type": kind,
                    "zh": f"{party} 方的{_COVER_ZH[kind]}未经保单库核实",
                    "en": f"{party}'s {kind} policy is not confirmed by the policy register",
                }
                for party, kind in self.unverified
            ],
        }


def _ids(parties: list[Party], separator: str) -> str:
    return separator.join(party.id for party in parties)


def _parties_en(parties: list[Party]) -> str:
    """ "party A", "parties A and B", "parties A, B and C": English joins a list with "and" (issue 13: "A, B has")."""
    ids = [party.id for party in parties]
    if len(ids) == 1:
        return f"party {ids[0]}"
    return f"parties {', '.join(ids[:-1])} and {ids[-1]}"


def _en(parties: list[Party], one: str, several: str, **values: object) -> str:
    """The English sentence for one party or several (the verb agrees), starting with a capital."""
    text = (one if len(parties) == 1 else several).format(who=_parties_en(parties), **values)
    return text[:1].upper() + text[1:]


PASSED: dict[str, Text] = {
    "two_motor_vehicles": Text("两辆机动车之间的事故", "An accident between two motor vehicles"),
    "no_casualties": Text("无人员伤亡", "Nobody was killed or injured"),
    "no_third_party_property": Text("未造成他人财产或公共设施损失", "No other property or public facility was damaged"),
    "vehicles_drivable": Text("车辆均能自行移动", "Both vehicles can be driven away"),
    "minor_exterior_damage": Text("仅车辆外观轻微损坏", "Only light damage to the body exterior"),
    "plates_valid": Text("号牌均有效", "The number plates are valid"),
    "drivers_fit": Text(
        "驾驶人均持有效驾驶证，无饮酒或药物嫌疑", "The drivers are licensed and show no sign of drink or drugs"
    ),
    "vehicles_inspected": Text("车辆均在检验有效期内", "The vehicles have a valid inspection"),
    "no_dangerous_goods": Text("未载运危险物品", "No dangerous goods involved"),
    "not_intentional": Text("无故意造成事故的嫌疑", "No sign that the accident was caused on purpose"),
    "both_present": Text("各方均在现场", "Every party stayed at the scene"),
    "facts_undisputed": Text("各方对事实及成因无争议", "The parties agree on what happened"),
    "ctpl_both": Text(
        "各方在事故当日均有有效交强险", "Every party has compulsory insurance (交强险) in force on the day"
    ),
    "third_party_both": Text(
        "各方在事故当日均有有效的商业三者险", "Every party has commercial third-party cover in force on the day"
    ),
    "insured_in_region": Text("保单均由陇南或天水的机构承保", "The policies were written in Longnan or Tianshui"),
    "insurer_in_both_cities": Text(
        "承保公司在陇南、天水均设有市级分支机构", "Each insurer has city branches in both Longnan and Tianshui"
    ),
    "scene_evidence_both": Text("各方均已提供现场照片或视频", "Every party sent scene photos or video"),
    "listed_circumstance": Text(
        "事故属于在线快处目录所列情形，责任可在线确定",
        "The accident is a listed circumstance: liability can be decided online",
    ),
}
CODES = tuple(PASSED)

_FIXED_FAILURES: dict[str, Text] = {
    "no_casualties": Text(
        "有人员伤亡：请保护现场并立即报警（122）",
        "Someone was injured or killed: protect the scene and call the police (122)",
    ),
    "no_third_party_property": Text(
        "造成了他人财产或设施损失，不适用快处易赔",
        "Other property or a facility was damaged: quick claims do not apply",
    ),
    "vehicles_drivable": Text("有车辆不能自行移动：请报警处理", "A vehicle cannot be moved: call the police"),
    "no_dangerous_goods": Text(
        "涉及载运危险物品的车辆：须立即报警", "A vehicle carrying dangerous goods is involved: call the police at once"
    ),
    "not_intentional": Text(
        "有故意造成事故的嫌疑：须报警", "The accident may have been caused on purpose: the police must be called"
    ),
    "both_present": Text("有一方当事人离开现场：须报警", "A party left the scene: the police must be called"),
    "facts_undisputed": Text(
        "各方对事实或成因有争议：可申请交警在线定责",
        "The parties disagree on the facts: ask the traffic police to decide online",
    ),
    "listed_circumstance": Text(
        "事故不属于目录第 1–20 项所列情形，责任需协商或由交警认定",
        "The accident is not one of listed items 1–20: liability needs agreement or the police",
    ),
}


def fixed_failure_messages() -> dict[str, Text]:
    """What each condition whose refusal reads the same for every accident tells the driver to do (the public guide
    lists them, R18: one copy of the rules)."""
    return dict(_FIXED_FAILURES)


_COVER_ZH = {"ctpl": "交强险", "third_party": "商业三者险", "own_damage": "车损险"}
_PASSED_CONDITIONS = {code: Condition(code, True, text) for code, text in PASSED.items()}
# Read-only by contract: answers share these dicts, which only ever go out as JSON.
_PASSED_DICTS = {code: condition.as_dict() for code, condition in _PASSED_CONDITIONS.items()}


def _in_region(covers: list[Policy]) -> bool:
    return not covers or any(policy.city in REGION_CITIES for policy in covers)


def _failures(accident: Accident, parties: list[Party], liability: dict[str, str]) -> dict[str, Text]:
    """Only the conditions that fail, each with a message saying who and why."""
    day = accident.date
    failed: dict[str, Text] = {}
    if accident.vehicle_count != 2 or not accident.all_motor_vehicles:
        others_zh = "" if accident.all_motor_vehicles else "，含非机动车或行人"
        others_en = "" if accident.all_motor_vehicles else ", not all motor vehicles"
        failed["two_motor_vehicles"] = Text(
            f"快处易赔只适用于两辆机动车之间的事故（本起：{accident.vehicle_count} 辆{others_zh}）",
            f"Quick claims are only for accidents between exactly two motor vehicles (this one: {accident.vehicle_count}{others_en})",
        )
    for code, failing in (
        ("no_casualties", accident.casualties),
        ("no_third_party_property", accident.third_party_property_damage or accident.facility_damage),
        ("vehicles_drivable", not accident.vehicles_drivable),
        ("no_dangerous_goods", accident.dangerous_goods),
        ("not_intentional", accident.intentional_suspected),
        ("both_present", accident.party_left_scene),
        ("facts_undisputed", accident.facts_disputed),
        ("listed_circumstance", UNDETERMINED in liability.values()),
    ):
        if failing:
            failed[code] = _FIXED_FAILURES[code]
    if accident.damage != "minor_exterior":
        failed["minor_exterior_damage"] = (
            Text("损失不属于外观轻微损坏", "The damage is more than light exterior damage")
            if accident.damage == "major"
            else Text("损坏程度尚未确定", "The extent of the damage is not known yet")
        )

    plates = [check_plate(party.plate) for party in parties]
    bad_plates = [party for party, plate in zip(parties, plates, strict=True) if not plate.valid]
    if bad_plates:
        failed["plates_valid"] = Text(
            f"{_ids(bad_plates, '、')} 方号牌无效",
            _en(bad_plates, "the plate of {who} is not valid", "the plates of {who} are not valid"),
        )
    elif len({plate.normalized for plate in plates}) < len(plates):
        failed["plates_valid"] = Text("双方号牌相同，请核对", "Two parties gave the same plate: check it")

    def per_party(code: str, offenders: list[Party], zh: str, en: tuple[str, str]) -> None:
        if offenders:
            failed[code] = Text(zh.format(who=_ids(offenders, "、"), day=day), _en(offenders, *en, day=day))

    per_party(
        "drivers_fit",
        [p for p in parties if not p.driver_licensed or p.impairment_suspected],
        "{who} 方驾驶人无有效驾驶证或有饮酒、药物嫌疑：须报警",
        (
            "the driver of {who} is unlicensed or may be impaired: the police must be called",
            "the drivers of {who} are unlicensed or may be impaired: the police must be called",
        ),
    )
    per_party(
        "vehicles_inspected",
        [p for p in parties if not p.inspection_valid],
        "{who} 方车辆无有效检验合格标志",
        ("the vehicle of {who} has no valid inspection", "the vehicles of {who} have no valid inspection"),
    )
    ctpl = {p.id: p.cover("ctpl", day) for p in parties}
    third = {p.id: p.cover("third_party", day) for p in parties}
    per_party(
        "ctpl_both",
        [p for p in parties if not ctpl[p.id]],
        "{who} 方在 {day} 没有有效的交强险",
        (
            "{who} has no compulsory insurance (交强险) in force on {day}",
            "{who} have no compulsory insurance (交强险) in force on {day}",
        ),
    )
    per_party(
        "third_party_both",
        [p for p in parties if not third[p.id]],
        "{who} 方在 {day} 没有有效的商业第三者责任险",
        (
            "{who} has no commercial third-party cover in force on {day}",
            "{who} have no commercial third-party cover in force on {day}",
        ),
    )
    per_party(
        "insured_in_region",
        [p for p in parties if not (_in_region(ctpl[p.id]) and _in_region(third[p.id]))],
        "{who} 方的保单不是在陇南或天水承保的",
        ("the policies of {who} were not written in Longnan or Tianshui",) * 2,
    )
    per_party(
        "insurer_in_both_cities",
        [p for p in parties if not p.insurer_city_branches >= BOTH_CITIES],
        "{who} 方的承保公司未在陇南、天水两地均设市级分支机构",
        (
            "the insurer of {who} lacks a city branch in Longnan or in Tianshui",
            "the insurers of {who} lack a city branch in Longnan or in Tianshui",
        ),
    )
    no_evidence = [p for p in parties if p.photos + p.videos < 1]
    photos = sum(p.photos for p in parties)
    if no_evidence:
        per_party(
            "scene_evidence_both",
            no_evidence,
            "{who} 方尚未提供现场照片或视频",
            ("{who} has not sent any scene photo or video", "{who} have not sent any scene photo or video"),
        )
    elif photos < MIN_SCENE_PHOTOS:
        failed["scene_evidence_both"] = Text(
            f"至少需要 {MIN_SCENE_PHOTOS} 张现场照片（侧前方、侧后方、碰撞部位），目前 {photos} 张",
            f"At least {MIN_SCENE_PHOTOS} scene photos are needed (side-front, side-rear, collision point); there are {photos}",
        )
    return failed


def decide_eligibility(accident: Accident, parties: list[Party], catalogue: Catalogue) -> EligibilityDecision:
    liability = liability_grades(accident.circumstances, catalogue)
    failed = _failures(accident, parties, liability)
    conditions = tuple(
        Condition(code, False, failed[code]) if code in failed else _PASSED_CONDITIONS[code] for code in CODES
    )
    unverified = tuple(
        (party.id, kind)
        for party in parties
        for kind in ("ctpl", "third_party")
        if (cover := party.cover(kind, accident.date)) and not any(policy.verified for policy in cover)
    )
    return EligibilityDecision(conditions, liability, catalogue.version, unverified)


def _read_policy(fields: Fields) -> Policy:
    kind = fields.text("type", choices=POLICY_TYPES)
    city = fields.text("city")
    if len(city) != 6 or not city.isdigit():
        raise RuleInputError(
            fields.path("city"), "应为 6 位行政区划代码，如 621200", "must be a 6-digit division code, e.g. 621200"
        )
    start, end = fields.day("start"), fields.day("end")
    if end < start:
        raise RuleInputError(fields.path("end"), "保险止期早于起期", "the policy ends before it starts")
    limit = fields.money("limit") if fields.has("limit") else None
    verified = fields.boolean("verified", default=True)
    fields.done()
    return Policy(kind, city, start, end, limit, verified)


def _read_party(fields: Fields) -> Party:
    party_id = fields.text("id")
    if not party_id.strip():
        raise RuleInputError(fields.path("id"), "不能为空", "cannot be empty")
    branches = []
    for path, code in fields.items("insurer_city_branches"):
        if not isinstance(code, str) or len(code) != 6 or not code.isdigit():
            raise RuleInputError(path, "应为 6 位行政区划代码", "must be a 6-digit division code")
        branches.append(code)
    policies = tuple(_read_policy(Fields(item, path)) for path, item in fields.items("policies"))
    evidence = fields.fields("evidence")
    photos = evidence.integer("photos", low=0, high=10_000)
    videos = evidence.integer("videos", low=0, high=10_000)
    evidence.done()
    party = Party(
        party_id,
        fields.text("plate"),
        fields.boolean("driver_licensed"),
        fields.boolean("impairment_suspected"),
        fields.boolean("inspection_valid"),
        fields.text("insurer"),
        frozenset(branches),
        policies,
        photos,
        videos,
    )
    fields.done()
    return party


def read_eligibility(document: Any) -> tuple[Accident, list[Party], Catalogue]:
    root = Fields(document)
    parties = [_read_party(Fields(item, path)) for path, item in root.items("parties", at_least=1)]
    ids = [party.id for party in parties]
    if len(set(ids)) != len(ids):
        raise RuleInputError("parties", "当事方编号重复", "two parties have the same id")
    fields = root.fields("accident")
    day = fields.day("date")
    catalogue = catalogue_on(day, field="accident.date")
    accident = Accident(
        date=day,
        vehicle_count=fields.integer("vehicle_count", low=1, high=1000),
        all_motor_vehicles=fields.boolean("all_motor_vehicles"),
        casualties=fields.boolean("casualties"),
        third_party_property_damage=fields.boolean("third_party_property_damage"),
        facility_damage=fields.boolean("facility_damage"),
        vehicles_drivable=fields.boolean("vehicles_drivable"),
        damage=fields.text("damage", choices=DAMAGE_LEVELS),
        circumstances=read_circumstances(fields, "circumstances", catalogue, ids),
        facts_disputed=fields.boolean("facts_disputed"),
        dangerous_goods=fields.boolean("dangerous_goods"),
        intentional_suspected=fields.boolean("intentional_suspected"),
        party_left_scene=fields.boolean("party_left_scene"),
    )
    if len(parties) > accident.vehicle_count:
        raise RuleInputError(
            "parties",
            f"当事方（{len(parties)}）多于车辆数（{accident.vehicle_count}）",
            f"there are more parties ({len(parties)}) than vehicles ({accident.vehicle_count})",
        )
    fields.done()
    root.done()
    return accident, parties, catalogue


def eligibility_from_document(document: Any) -> dict[str, Any]:
    """`claimbridge rules eligibility`."""
    return decide_eligibility(*read_eligibility(document)).as_dict()
