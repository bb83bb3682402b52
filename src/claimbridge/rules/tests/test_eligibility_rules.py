"""快处易赔 eligibility (R2, R3) at its boundaries, and what the driver reads for each failed condition.

Issue 12: mutation testing showed untested edges — exactly 3 photos, exactly one day of cover, a commercial policy
written outside the two cities, one party only — and messages that could lose their words unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from claimbridge.rules.common import RuleInputError
from claimbridge.rules.eligibility import Policy, decide_eligibility, eligibility_from_document, read_eligibility


def party(party_id: str, plate: str, city: str = "621200", photos: int = 2, videos: int = 0) -> dict[str, Any]:
    return {
        "id": party_id,
        "plate": plate,
        "driver_licensed": True,
        "impairment_suspected": False,
        "inspection_valid": True,
        "insurer": "某财险",
        "insurer_city_branches": ["621200", "620500"],
        "policies": [
            {"type": "ctpl", "city": city, "start": "2024-01-01", "end": "2024-12-31"},
            {"type": "third_party", "city": city, "start": "2024-01-01", "end": "2024-12-31", "limit": "1000000"},
        ],
        "evidence": {"photos": photos, "videos": videos},
    }


def scrape(*parties: dict[str, Any], vehicle_count: int = 2, circumstances: Any = None) -> dict[str, Any]:
    """A two-car scrape on 2024-06-01 that qualifies, A fully liable (item 1: rear-end)."""
    parties = parties or (party("A", "甘K12345"), party("B", "甘E6789A", city="620500"))
    return {
        "accident": {
            "date": "2024-06-01",
            "vehicle_count": vehicle_count,
            "all_motor_vehicles": True,
            "casualties": False,
            "third_party_property_damage": False,
            "facility_damage": False,
            "vehicles_drivable": True,
            "damage": "minor_exterior",
            "circumstances": circumstances or {p["id"]: [1] if p["id"] == "A" else [] for p in parties},
            "facts_disputed": False,
            "dangerous_goods": False,
            "intentional_suspected": False,
            "party_left_scene": False,
        },
        "parties": list(parties),
    }


def decide(document: dict[str, Any]) -> dict[str, Any]:
    return eligibility_from_document(document)


def message(decision: dict[str, Any], code: str) -> tuple[str, str]:
    condition = next(c for c in decision["conditions"] if c["code"] == code)
    assert condition["passed"] is False
    return condition["message"]["zh"], condition["message"]["en"]


# --- scene evidence: at least 3 photos in all, and every party sent something (R3 (4), 12123 §3.3) --------------


@pytest.mark.parametrize(
    ("photos_a", "photos_b", "videos_b"),
    [(2, 1, 0), (2, 1, 1), (3, 0, 1), (0, 3, 0)],
    ids=["2+1", "2+1-and-a-video", "3+a-video", "all-3-from-B"],
)
def test_exactly_three_photos_in_all_are_enough_when_every_party_sent_something(photos_a, photos_b, videos_b):
    """Issue 12, R3: 3 photos are the minimum (side-front, side-rear, collision point), from either party."""
    a = party("A", "甘K12345", photos=photos_a, videos=0 if photos_a else 1)
    b = party("B", "甘E6789A", city="620500", photos=photos_b, videos=videos_b)
    decision = decide(scrape(a, b))
    assert decision["failed"] == []
    assert decision["eligible"] is True


def test_two_photos_in_all_are_not_enough():
    """R3: one photo short of three; the message says how many are needed and how many there are."""
    a = party("A", "甘K12345", photos=1, videos=0)
    b = party("B", "甘E6789A", city="620500", photos=1, videos=3)
    decision = decide(scrape(a, b))
    assert decision["failed"] == ["scene_evidence_both"]
    assert message(decision, "scene_evidence_both") == (
        "至少需要 3 张现场照片（侧前方、侧后方、碰撞部位），目前 2 张",
        "At least 3 scene photos are needed (side-front, side-rear, collision point); there are 2",
    )


def test_a_party_without_any_photo_or_video_is_named_even_when_the_other_sent_plenty():
    """R3 (4): each party must send scene evidence; 5 photos from A alone do not count for B."""
    a = party("A", "甘K12345", photos=5)
    b = party("B", "甘E6789A", city="620500", photos=0, videos=0)
    decision = decide(scrape(a, b))
    assert decision["failed"] == ["scene_evidence_both"]
    assert message(decision, "scene_evidence_both") == (
        "B 方尚未提供现场照片或视频",
        "Party B has not sent any scene photo or video",
    )


# --- cover on the day of the accident (R3 (3)) -------------------------------------------------------------------


def test_a_policy_of_exactly_one_day_covers_an_accident_on_that_day():
    """Issue 12, R3: a policy starting and ending on the accident's day is in force that day."""
    document = scrape()
    for policy in document["parties"][1]["policies"]:
        policy["start"] = policy["end"] = "2024-06-01"
    assert decide(document)["failed"] == []


def test_a_commercial_policy_written_outside_the_two_cities_fails_the_region_condition():
    """R3 (3): 商业三者险 written in Lanzhou (620100) does not count, even with 交强险 written in Tianshui."""
    document = scrape()
    document["parties"][1]["policies"][1]["city"] = "620100"
    decision = decide(document)
    assert decision["failed"] == ["insured_in_region"]
    assert message(decision, "insured_in_region") == (
        "B 方的保单不是在陇南或天水承保的",
        "The policies of party B were not written in Longnan or Tianshui",
    )


def test_an_own_damage_policy_may_be_listed_and_counts_for_no_condition():
    """R3 (3): 车损险 is read (a party lists what it holds) but neither replaces nor spoils 交强险 or 三者险."""
    document = scrape()
    own = {"type": "own_damage", "city": "110000", "start": "2024-01-01", "end": "2024-12-31", "limit": "80000"}
    document["parties"][0]["policies"].append(own)
    assert decide(document)["failed"] == []
    document["parties"][0]["policies"] = [own]
    assert decide(document)["failed"] == ["ctpl_both", "third_party_both"]


def test_an_unconfirmed_commercial_policy_is_marked_unverified():
    """R3, issue 12: cover a party declared and the register did not confirm is said to be unconfirmed."""
    document = scrape()
    document["parties"][0]["policies"][1]["verified"] = False
    decision = decide(document)
    assert decision["eligible"] is True
    assert decision["unverified"] == [
        {
            "party": "A",
            "type": "third_party",
            "zh": "A 方的商业三者险未经保单库核实",
            "en": "A's third_party policy is not confirmed by the policy register",
        }
    ]
    assert decision["catalogue_version"] == 1


# --- what the driver reads when a condition fails (R3: every reason, in both languages) ----------------------------


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        target: Any = doc
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        target[int(keys[-1]) if keys[-1].isdigit() else keys[-1]] = value

    return change


def _both(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        for index in (0, 1):
            _set(f"parties.{index}.{path}", value)(doc)

    return change


MESSAGES: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    (
        "two_motor_vehicles",
        _set("accident.vehicle_count", 3),
        "快处易赔只适用于两辆机动车之间的事故（本起：3 辆）",
        "Quick claims are only for accidents between exactly two motor vehicles (this one: 3)",
    ),
    (
        "two_motor_vehicles",
        _set("accident.all_motor_vehicles", False),
        "快处易赔只适用于两辆机动车之间的事故（本起：2 辆，含非机动车或行人）",
        "Quick claims are only for accidents between exactly two motor vehicles (this one: 2, not all motor vehicles)",
    ),
    (
        "no_casualties",
        _set("accident.casualties", True),
        "有人员伤亡：请保护现场并立即报警（122）",
        "Someone was injured or killed: protect the scene and call the police (122)",
    ),
    (
        "minor_exterior_damage",
        _set("accident.damage", "major"),
        "损失不属于外观轻微损坏",
        "The damage is more than light exterior damage",
    ),
    (
        "minor_exterior_damage",
        _set("accident.damage", "unknown"),
        "损坏程度尚未确定",
        "The extent of the damage is not known yet",
    ),
    ("plates_valid", _set("parties.1.plate", "甘E12O45"), "B 方号牌无效", "The plate of party B is not valid"),
    ("plates_valid", _both("plate", "甘E12O45"), "A、B 方号牌无效", "The plates of parties A and B are not valid"),
    (
        "plates_valid",
        _set("parties.1.plate", "甘K·12345"),
        "双方号牌相同，请核对",
        "Two parties gave the same plate: check it",
    ),
    (
        "drivers_fit",
        _set("parties.0.driver_licensed", False),
        "A 方驾驶人无有效驾驶证或有饮酒、药物嫌疑：须报警",
        "The driver of party A is unlicensed or may be impaired: the police must be called",
    ),
    (
        "drivers_fit",
        _both("impairment_suspected", True),
        "A、B 方驾驶人无有效驾驶证或有饮酒、药物嫌疑：须报警",
        "The drivers of parties A and B are unlicensed or may be impaired: the police must be called",
    ),
    (
        "vehicles_inspected",
        _set("parties.1.inspection_valid", False),
        "B 方车辆无有效检验合格标志",
        "The vehicle of party B has no valid inspection",
    ),
    (
        "ctpl_both",
        _set("parties.1.policies.0.end", "2024-05-31"),
        "B 方在 2024-06-01 没有有效的交强险",
        "Party B has no compulsory insurance (交强险) in force on 2024-06-01",
    ),
    (
        "third_party_both",
        _set("parties.0.policies.1.limit", "0"),
        "A 方在 2024-06-01 没有有效的商业第三者责任险",
        "Party A has no commercial third-party cover in force on 2024-06-01",
    ),
    (
        "insured_in_region",
        _set("parties.1.policies.0.city", "620100"),
        "B 方的保单不是在陇南或天水承保的",
        "The policies of party B were not written in Longnan or Tianshui",
    ),
    (
        "insurer_in_both_cities",
        _set("parties.1.insurer_city_branches", ["620500"]),
        "B 方的承保公司未在陇南、天水两地均设市级分支机构",
        "The insurer of party B lacks a city branch in Longnan or in Tianshui",
    ),
    (
        "insurer_in_both_cities",
        _set("parties.0.insurer_city_branches", ["621200"]),
        "A 方的承保公司未在陇南、天水两地均设市级分支机构",
        "The insurer of party A lacks a city branch in Longnan or in Tianshui",
    ),
    (
        "listed_circumstance",
        _set("accident.circumstances", {"A": [21], "B": []}),
        "事故不属于目录第 1–20 项所列情形，责任需协商或由交警认定",
        "The accident is not one of listed items 1–20: liability needs agreement or the police",
    ),
]


@pytest.mark.parametrize(
    ("code", "change", "zh", "en"), MESSAGES, ids=[f"{code}-{i}" for i, (code, *_) in enumerate(MESSAGES)]
)
def test_a_failed_condition_tells_the_driver_who_and_why_in_both_languages(code, change, zh, en):
    """R3: each failing condition comes with its own message naming the parties (joined 、 in Chinese, ", " in
    English) and the day where it matters."""
    document = scrape()
    change(document)
    decision = decide(document)
    assert decision["failed"] == [code]
    assert message(decision, code) == (zh, en)


# --- who and what the document may describe ----------------------------------------------------------------------


def test_a_single_vehicle_accident_with_one_party_is_decided_not_refused():
    """R2: one vehicle alone (it hit a wall? it is not quick-claim business): decided, failing that condition only."""
    document = scrape(party("A", "甘K12345", photos=3), vehicle_count=1, circumstances={"A": [1]})
    decision = decide(document)
    assert decision["failed"] == ["two_motor_vehicles"]
    assert message(decision, "two_motor_vehicles")[0] == "快处易赔只适用于两辆机动车之间的事故（本起：1 辆）"


def test_up_to_1000_vehicles_and_10000_photos_are_read():
    document = scrape(party("A", "甘K12345", photos=10_000), party("B", "甘E6789A", videos=10_000, photos=0))
    document["accident"]["vehicle_count"] = 1000
    assert decide(document)["failed"] == ["two_motor_vehicles"]


def _policy(index: int) -> str:
    return f"parties[0].policies[{index}]"


BAD_INPUT: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("accident.vehicle_count", _set("accident.vehicle_count", 1001), "应在 1 到 1000 之间", "must be between 1 and 1000"),
    ("parties[1].evidence.photos", _set("parties.1.evidence.photos", 10_001), "应在 0 到 10000 之间",
     "must be between 0 and 10000"),
    ("parties[0].evidence.videos", _set("parties.0.evidence.videos", 10_001), "应在 0 到 10000 之间",
     "must be between 0 and 10000"),
    ("accident.date", _set("accident.date", "2018-04-30"), "2018-05-01 之前没有在线快处的事故情形目录",
     "no circumstance catalogue is in force before 2018-05-01"),
    ("parties", _set("accident.vehicle_count", 1), "当事方（2）多于车辆数（1）",
     "there are more parties (2) than vehicles (1)"),
    ("parties", _set("parties.1.id", "A"), "当事方编号重复", "two parties have the same id"),
    ("parties[1].id", _set("parties.1.id", " "), "不能为空", "cannot be empty"),
    ("parties[1].insurer_city_branches[0]", _set("parties.1.insurer_city_branches", [621200]),
     "应为 6 位行政区划代码", "must be a 6-digit division code"),
    ("parties[1].insurer_city_branches[1]", _set("parties.1.insurer_city_branches", ["621200", "62050a"]),
     "应为 6 位行政区划代码", "must be a 6-digit division code"),
    ("parties[1].insurer_city_branches[0]", _set("parties.1.insurer_city_branches", ["6205000"]),
     "应为 6 位行政区划代码", "must be a 6-digit division code"),
    (f"{_policy(0)}.city", _set("parties.0.policies.0.city", "62120"), "应为 6 位行政区划代码，如 621200",
     "must be a 6-digit division code, e.g. 621200"),
    (f"{_policy(1)}.end", _set("parties.0.policies.1.end", "2023-12-31"), "保险止期早于起期",
     "the policy ends before it starts"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("field", "change", "zh", "en"), BAD_INPUT, ids=[f"{i}-{f}" for i, (f, *_) in enumerate(BAD_INPUT)]
)
def test_impossible_eligibility_input_is_refused_with_its_field_and_reason(field, change, zh, en):
    """R3, issue 12: the caller reads which value is wrong and why, in Chinese and in English."""
    document = scrape()
    change(document)
    with pytest.raises(RuleInputError) as caught:
        decide(document)
    assert caught.value.field == field
    assert caught.value.text.zh == f"{field}：{zh}"
    assert caught.value.text.en == f"{field}: {en}"


# --- the Python API ----------------------------------------------------------------------------------------------


def test_the_decision_object_says_eligible_and_which_conditions_failed():
    """R3, issue 12: `EligibilityDecision.eligible` and `.failed` (the Python API) agree with the JSON answer."""
    assert decide_eligibility(*read_eligibility(scrape())).eligible is True
    document = scrape()
    document["accident"]["casualties"] = True
    document["parties"][1]["inspection_valid"] = False
    decision = decide_eligibility(*read_eligibility(document))
    assert decision.eligible is False
    assert decision.failed == ["no_casualties", "vehicles_inspected"]


def test_a_policy_built_without_saying_otherwise_counts_as_confirmed_by_the_register():
    """R3: `Policy.verified` defaults to True (the register's own records); only a party's word is unverified."""
    accident_, parties, catalogue = read_eligibility(scrape())
    cover = (
        Policy("ctpl", "620500", date(2024, 1, 1), date(2024, 12, 31), None),
        Policy("third_party", "620500", date(2024, 1, 1), date(2024, 12, 31), None),
    )
    parties[1] = replace(parties[1], policies=cover)
    decision = decide_eligibility(accident_, parties, catalogue)
    assert decision.eligible is True
    assert decision.unverified == ()
