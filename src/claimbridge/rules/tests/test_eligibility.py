"""快处易赔 eligibility (R2, R3): eighteen conditions, each failing alone, every reason shown at once."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from claimbridge.rules.common import RuleInputError
from claimbridge.rules.eligibility import eligibility_from_document

CODES = [
    "two_motor_vehicles",
    "no_casualties",
    "no_third_party_property",
    "vehicles_drivable",
    "minor_exterior_damage",
    "plates_valid",
    "drivers_fit",
    "vehicles_inspected",
    "no_dangerous_goods",
    "not_intentional",
    "both_present",
    "facts_undisputed",
    "ctpl_both",
    "third_party_both",
    "insured_in_region",
    "insurer_in_both_cities",
    "scene_evidence_both",
    "listed_circumstance",
]


def party(party_id: str, plate: str, city: str = "621200") -> dict[str, Any]:
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
        "evidence": {"photos": 2, "videos": 0},
    }


def quick_claim() -> dict[str, Any]:
    return {
        "accident": {
            "date": "2024-06-01",
            "vehicle_count": 2,
            "all_motor_vehicles": True,
            "casualties": False,
            "third_party_property_damage": False,
            "facility_damage": False,
            "vehicles_drivable": True,
            "damage": "minor_exterior",
            "circumstances": {"A": [1], "B": []},
            "facts_disputed": False,
            "dangerous_goods": False,
            "intentional_suspected": False,
            "party_left_scene": False,
        },
        "parties": [party("A", "甘K12345"), party("B", "甘E6789A", city="620500")],
    }


def test_r3_a_clean_two_car_scrape_qualifies_and_every_condition_is_listed():
    decision = eligibility_from_document(quick_claim())
    assert decision["eligible"] is True
    assert decision["failed"] == []
    assert [c["code"] for c in decision["conditions"]] == CODES
    assert all(c["passed"] and c["message"]["zh"] and c["message"]["en"] for c in decision["conditions"])
    assert decision["liability"] == {"A": "full", "B": "none"}


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        target: Any = doc
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        target[int(keys[-1]) if keys[-1].isdigit() else keys[-1]] = value

    return change


def _drop_policy(kind: str, index: int = 1) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        doc["parties"][index]["policies"] = [p for p in doc["parties"][index]["policies"] if p["type"] != kind]

    return change


FAILING_ALONE: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("two_motor_vehicles", _set("accident.vehicle_count", 3)),
    ("two_motor_vehicles", _set("accident.all_motor_vehicles", False)),
    ("no_casualties", _set("accident.casualties", True)),
    ("no_third_party_property", _set("accident.third_party_property_damage", True)),
    ("no_third_party_property", _set("accident.facility_damage", True)),
    ("vehicles_drivable", _set("accident.vehicles_drivable", False)),
    ("minor_exterior_damage", _set("accident.damage", "major")),
    ("minor_exterior_damage", _set("accident.damage", "unknown")),
    ("plates_valid", _set("parties.1.plate", "甘E12O45")),  # letter O is never used in a serial
    ("plates_valid", _set("parties.1.plate", "甘K·12345")),  # the same plate as A, written differently
    ("drivers_fit", _set("parties.0.driver_licensed", False)),
    ("drivers_fit", _set("parties.1.impairment_suspected", True)),
    ("vehicles_inspected", _set("parties.1.inspection_valid", False)),
    ("no_dangerous_goods", _set("accident.dangerous_goods", True)),
    ("not_intentional", _set("accident.intentional_suspected", True)),
    ("both_present", _set("accident.party_left_scene", True)),
    ("facts_undisputed", _set("accident.facts_disputed", True)),
    ("ctpl_both", _drop_policy("ctpl")),
    ("ctpl_both", _set("parties.1.policies.0.end", "2024-05-31")),  # expired the day before
    ("third_party_both", _drop_policy("third_party")),
    ("third_party_both", _set("parties.0.policies.1.start", "2024-06-02")),  # starts the day after
    ("third_party_both", _set("parties.0.policies.1.limit", "0")),
    ("insured_in_region", _set("parties.1.policies.0.city", "620100")),  # written in Lanzhou
    ("insurer_in_both_cities", _set("parties.1.insurer_city_branches", ["620500"])),
    ("scene_evidence_both", _set("parties.1.evidence", {"photos": 0, "videos": 0})),
    ("scene_evidence_both", _set("parties.1.evidence", {"photos": 0, "videos": 1})),  # 2 photos in all: 3 needed
    ("listed_circumstance", _set("accident.circumstances", {"A": [], "B": []})),
    ("listed_circumstance", _set("accident.circumstances", {"A": [21], "B": []})),
]


@pytest.mark.parametrize(
    ("code", "change"), FAILING_ALONE, ids=[f"{code}-{i}" for i, (code, _) in enumerate(FAILING_ALONE)]
)
def test_r3_each_condition_fails_alone(code, change):
    document = quick_claim()
    change(document)
    decision = eligibility_from_document(document)
    assert decision["eligible"] is False
    assert decision["failed"] == [code]
    failed = next(c for c in decision["conditions"] if c["code"] == code)
    assert failed["passed"] is False
    assert failed["message"]["zh"] != ""
    assert failed["message"]["en"] != ""


def test_every_condition_code_has_a_failing_case():
    assert {code for code, _ in FAILING_ALONE} == set(CODES)


def test_r3_all_reasons_are_given_at_once():
    document = quick_claim()
    document["accident"]["casualties"] = True
    document["accident"]["facts_disputed"] = True
    document["parties"][1]["policies"] = []
    decision = eligibility_from_document(document)
    assert decision["failed"] == ["no_casualties", "facts_undisputed", "ctpl_both", "third_party_both"]


def test_policy_days_count_inclusively():
    for start, end in (("2024-06-01", "2025-05-31"), ("2023-06-02", "2024-06-01")):
        document = quick_claim()
        for policy in document["parties"][1]["policies"]:
            policy["start"], policy["end"] = start, end
        assert eligibility_from_document(document)["eligible"] is True


def test_failure_messages_name_the_party_and_the_date():
    document = quick_claim()
    _drop_policy("ctpl")(document)
    failed = next(c for c in eligibility_from_document(document)["conditions"] if c["code"] == "ctpl_both")
    assert "B" in failed["message"]["zh"]
    assert "2024-06-01" in failed["message"]["en"]


def test_a_policy_in_region_counts_even_beside_one_written_elsewhere():
    document = quick_claim()
    document["parties"][0]["policies"].append(
        {"type": "ctpl", "city": "110000", "start": "2024-01-01", "end": "2024-12-31"}
    )
    assert eligibility_from_document(document)["eligible"] is True


def _without(path: str) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        target: Any = doc
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        del target[keys[-1]]

    return change


BAD_INPUT = [
    ("accident.date", _set("accident.date", "2024-02-30")),
    ("accident.date", _without("accident.date")),
    ("accident.casualties", _set("accident.casualties", "no")),
    ("accident.vehicle_count", _set("accident.vehicle_count", 0)),
    ("accident.vehicle_count", _set("accident.vehicle_count", 2.5)),
    ("accident.damage", _set("accident.damage", "scratched")),
    ("accident.weather", _set("accident.weather", "rain")),
    ("accident.circumstances.C", _set("accident.circumstances", {"A": [1], "C": []})),
    ("accident.circumstances.A[0]", _set("accident.circumstances", {"A": [22], "B": []})),
    ("parties[0].policies[0].end", _set("parties.0.policies.0.end", "2023-12-31")),
    ("parties[0].policies[0].type", _set("parties.0.policies.0.type", "life")),
    ("parties[0].policies[0].city", _set("parties.0.policies.0.city", "6212")),
    ("parties[1].evidence.photos", _set("parties.1.evidence", {"photos": -1, "videos": 0})),
    ("parties[1].evidence", _without("parties.1.evidence")),
    ("parties", _set("parties.1.id", "A")),
    ("parties", _set("parties", [])),
]


@pytest.mark.parametrize(("field", "change"), BAD_INPUT, ids=[field for field, _ in BAD_INPUT])
def test_bad_input_is_refused_with_the_field_named_in_both_languages(field, change):
    document = quick_claim()
    change(document)
    before = copy.deepcopy(document)
    with pytest.raises(RuleInputError) as caught:
        eligibility_from_document(document)
    error = caught.value.as_dict()["error"]
    assert error["field"] == field
    assert error["zh"].startswith(field)
    assert error["en"].startswith(field)
    assert document == before


def test_a_policy_the_register_could_not_confirm_is_marked_unverified():
    document = quick_claim()
    document["parties"][1]["policies"][0]["verified"] = False
    decision = eligibility_from_document(document)
    assert decision["eligible"] is True
    assert decision["unverified"] == [
        {
            "party": "B",
            "type": "ctpl",
            "zh": "B 方的交强险未经保单库核实",
            "en": "B's ctpl policy is not confirmed by the policy register",
        }
    ]
    assert eligibility_from_document(quick_claim())["unverified"] == []
