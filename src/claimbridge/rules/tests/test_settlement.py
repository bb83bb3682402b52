"""Settlement (B2): the worked examples of domain-facts §2.7 to the fen, the §2.6 algorithm, 无责代赔, 互碰自赔."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from claimbridge.rules.common import RuleInputError
from claimbridge.rules.settlement import settlement_from_document


def paid(result: dict[str, Any]) -> dict[tuple[str, str, str, str, str | None], str]:
    return {(p["payer"], p["payee"], p["cover"], p["head"], p["on_behalf_of"]): p["amount"] for p in result["payments"]}


def vehicle(vid: str, liability: str, loss: str = "0", **extra: Any) -> dict[str, Any]:
    losses = {"vehicle": loss, **extra.pop("losses", {})}
    return {"id": vid, "liability": liability, "ctpl_units": 1, "losses": losses, **extra}


def example_1(deductible_b: str) -> dict[str, Any]:
    return {
        "accident_date": "2019-06-01",
        "no_fault_proxy": True,
        "mutual_self_compensation": "auto",
        "vehicles": [
            vehicle("A", "primary", "20000", third_party_limit="1000000", own_damage=True),
            vehicle(
                "B", "secondary", "30000", third_party_limit="1000000", own_damage=True, deductible_rate=deductible_b
            ),
        ],
    }


def test_example_1_two_cars_70_30_with_the_legacy_5_percent_deductible():
    result = settlement_from_document(example_1("0.05"))
    assert paid(result) == {
        ("A", "B", "ctpl", "property", None): "2000.00",
        ("B", "A", "ctpl", "property", None): "2000.00",
        ("A", "B", "third_party", "property", None): "19600.00",
        ("B", "A", "third_party", "property", None): "5130.00",
        ("A", "A", "own_damage", "property", None): "12600.00",
        ("B", "B", "own_damage", "property", None): "7980.00",
    }
    assert result["uncovered"] == {"A": "270.00", "B": "420.00"}  # what B's deductible leaves each side


def test_example_1_without_deductible_pays_every_loss_in_full():
    result = settlement_from_document(example_1("0"))
    assert paid(result)[("B", "A", "third_party", "property", None)] == "5400.00"
    assert paid(result)[("B", "B", "own_damage", "property", None)] == "8400.00"
    assert result["summary"]["A"] == {"loss": "20000.00", "received": "20000.00", "uncovered": "0.00"}
    assert result["summary"]["B"] == {"loss": "30000.00", "received": "30000.00", "uncovered": "0.00"}


def example_3(proxy: bool) -> dict[str, Any]:
    return {
        "accident_date": "2021-03-10",
        "no_fault_proxy": proxy,
        "vehicles": [
            vehicle(
                "甲",
                "full",
                "120000",
                third_party_limit="250000",
                own_damage=True,
                own_damage_limit="300000",
                losses={"salvage": "5000", "medical": "9000"},
            ),
            vehicle("乙", "none", "80000", losses={"salvage": "3000", "other_property": "20000", "medical": "6000"}),
        ],
    }


def test_example_3_full_against_no_liability_with_injuries_2020_limits():
    result = settlement_from_document(example_3(proxy=False))
    assert paid(result) == {
        ("甲", "乙", "ctpl", "property", None): "2000.00",
        ("甲", "乙", "ctpl", "medical", None): "6000.00",
        ("乙", "甲", "ctpl", "property", None): "100.00",
        ("乙", "甲", "ctpl", "medical", None): "1800.00",
        ("甲", "乙", "third_party", "property", None): "95000.00",
        ("甲", "甲", "own_damage", "property", None): "114900.00",
    }
    assert result["uncovered"] == {"乙": "0.00", "甲": "7200.00"}  # 甲's driver: no 车上人员险
    assert result["limits"]["liable"] == {"property": "2000.00", "medical": "18000.00", "death_disability": "180000.00"}


def test_example_3_with_no_fault_proxy_the_liable_insurer_pays_the_100_itself():
    result = settlement_from_document(example_3(proxy=True))
    rows = paid(result)
    assert rows[("甲", "甲", "ctpl", "property", "乙")] == "100.00"
    assert ("乙", "甲", "ctpl", "property", None) not in rows
    assert rows[("乙", "甲", "ctpl", "medical", None)] == "1800.00"  # injuries are never proxied
    assert rows[("甲", "甲", "own_damage", "property", None)] == "114900.00"
    assert result["no_fault_proxy"] is True


def test_example_8_mutual_self_compensation_each_insurer_pays_its_own_car():
    document = {
        "accident_date": "2024-06-01",
        "mutual_self_compensation": "auto",
        "vehicles": [vehicle("A", "equal", "1500"), vehicle("B", "equal", "1800")],
    }
    result = settlement_from_document(document)
    assert result["mutual_self_compensation"] is True
    assert paid(result) == {
        ("A", "A", "ctpl", "property", None): "1500.00",
        ("B", "B", "ctpl", "property", None): "1800.00",
    }


def test_example_8_over_2000_falls_back_to_cross_settlement():
    document = {
        "accident_date": "2024-06-01",
        "mutual_self_compensation": "auto",
        "vehicles": [
            vehicle("A", "equal", "1500", third_party_limit="500000", own_damage=True),
            vehicle("B", "equal", "2100", third_party_limit="500000", own_damage=True),
        ],
    }
    result = settlement_from_document(document)
    assert result["mutual_self_compensation"] is False
    assert paid(result) == {
        ("A", "B", "ctpl", "property", None): "2000.00",
        ("B", "A", "ctpl", "property", None): "1500.00",
        ("A", "B", "third_party", "property", None): "50.00",
        ("B", "B", "own_damage", "property", None): "50.00",
    }


def test_requiring_mutual_self_compensation_when_it_cannot_apply_is_an_error():
    document = {
        "accident_date": "2024-06-01",
        "mutual_self_compensation": True,
        "vehicles": [vehicle("A", "full", "1500"), vehicle("B", "none", "1800")],
    }
    with pytest.raises(RuleInputError) as caught:
        settlement_from_document(document)
    assert caught.value.field == "mutual_self_compensation"
    assert "责任" in caught.value.text.zh
    assert "liability" in caught.value.text.en


def test_the_limits_follow_the_accident_date():
    document = {
        "accident_date": "2020-09-18",
        "vehicles": [
            vehicle("A", "full", "0", losses={"medical": "30000"}),
            vehicle("B", "none", "0", losses={"medical": "30000"}),
        ],
    }
    result = settlement_from_document(document)
    assert paid(result)[("A", "B", "ctpl", "medical", None)] == "10000.00"
    assert paid(result)[("B", "A", "ctpl", "medical", None)] == "1000.00"
    document["accident_date"] = "2020-09-19"
    result = settlement_from_document(document)
    assert paid(result)[("A", "B", "ctpl", "medical", None)] == "18000.00"
    assert paid(result)[("B", "A", "ctpl", "medical", None)] == "1800.00"


def test_before_compulsory_insurance_existed_is_an_error():
    with pytest.raises(RuleInputError) as caught:
        settlement_from_document({"accident_date": "2005-01-01", "vehicles": [vehicle("A", "full")]})
    assert caught.value.field == "accident_date"


def test_three_cars_share_each_loss_in_proportion_to_limits_then_cap_each_payer():
    """§2.6 steps 1–2: A 60 % and B 40 % liable (2 000 each), C not liable (100)."""
    document = {
        "accident_date": "2024-06-01",
        "vehicles": [
            {"id": "A", "ratio": "0.6", "losses": {"vehicle": "3000"}},
            {"id": "B", "ratio": "0.4", "losses": {"vehicle": "1500"}},
            {"id": "C", "ratio": "0", "losses": {"vehicle": "4000"}},
        ],
    }
    rows = {k: v for k, v in paid(settlement_from_document(document)).items() if k[2] == "ctpl"}
    assert rows == {
        ("A", "B", "ctpl", "property", None): "833.33",  # 1500×2000/2100, scaled by 2000/3428.57
        ("A", "C", "ctpl", "property", None): "1166.67",
        ("B", "A", "ctpl", "property", None): "1176.47",
        ("B", "C", "ctpl", "property", None): "823.53",
        ("C", "A", "ctpl", "property", None): "66.67",
        ("C", "B", "ctpl", "property", None): "33.33",
    }


def test_an_unmet_victim_is_topped_up_from_limits_left_unused():
    """§2.6 step 3: after the first round C still lacks 10.78 while B has limit left, so B pays it."""
    document = {
        "accident_date": "2024-06-01",
        "vehicles": [
            {"id": "A", "ratio": "0.3", "losses": {"vehicle": "0"}},
            {"id": "B", "ratio": "0.4", "losses": {"vehicle": "5000"}},
            {"id": "C", "ratio": "0.3", "losses": {"vehicle": "100"}},
        ],
    }
    rows = paid(settlement_from_document(document))
    assert rows[("A", "C", "ctpl", "property", None)] == "39.22"  # 50 × 2000/2550
    assert rows[("B", "C", "ctpl", "property", None)] == "60.78"  # 50, then the 10.78 top-up
    assert rows[("C", "B", "ctpl", "property", None)] == "2000.00"
    assert rows[("A", "B", "ctpl", "property", None)] == "1960.78"


def test_no_fault_proxy_with_one_liable_and_two_no_fault_vehicles():
    document = {
        "accident_date": "2024-06-01",
        "no_fault_proxy": True,
        "vehicles": [vehicle("A", "full", "5000"), vehicle("B", "none", "800"), vehicle("C", "none", "600")],
    }
    rows = paid(settlement_from_document(document))
    assert rows[("A", "A", "ctpl", "property", "B")] == "100.00"
    assert rows[("A", "A", "ctpl", "property", "C")] == "100.00"
    assert not any(k[0] in {"B", "C"} and k[1] in {"A", "B", "C"} for k in rows)  # no-fault cars pay no car damage
    assert rows[("A", "B", "ctpl", "property", None)] == "800.00"
    assert rows[("A", "C", "ctpl", "property", None)] == "600.00"


def test_no_fault_proxy_shares_the_100_among_liable_vehicles():
    document = {
        "accident_date": "2024-06-01",
        "no_fault_proxy": True,
        "vehicles": [
            {"id": "A", "ratio": "0.5", "losses": {"vehicle": "3000"}},
            {"id": "B", "ratio": "0.5", "losses": {"vehicle": "20"}},
            {"id": "C", "ratio": "0", "losses": {"vehicle": "1000"}},
        ],
    }
    rows = paid(settlement_from_document(document))
    assert rows[("A", "A", "ctpl", "property", "C")] == "50.00"  # 100 × 1 ÷ 2
    assert rows[("B", "B", "ctpl", "property", "C")] == "20.00"  # never more than the car's own loss


def test_a_tractor_with_an_insured_trailer_has_double_limits():
    document = {
        "accident_date": "2024-06-01",
        "vehicles": [vehicle("T", "full", "0", ctpl_units=2), vehicle("car", "none", "10000")],
    }
    assert paid(settlement_from_document(document))[("T", "car", "ctpl", "property", None)] == "4000.00"


def test_a_pedestrian_is_paid_by_every_vehicle_by_limit_then_by_liability():
    document = {
        "accident_date": "2024-06-01",
        "vehicles": [
            vehicle("A", "primary", third_party_limit="1000000"),
            vehicle("B", "secondary", third_party_limit="1000000"),
        ],
        "other_victims": [{"id": "P1", "losses": {"property": "400", "medical": "40000"}}],
    }
    result = settlement_from_document(document)
    rows = paid(result)
    assert rows[("A", "P1", "ctpl", "medical", None)] == "18000.00"
    assert rows[("B", "P1", "ctpl", "medical", None)] == "18000.00"
    assert rows[("A", "P1", "ctpl", "property", None)] == "200.00"
    assert rows[("A", "P1", "third_party", "medical", None)] == "2800.00"  # 4000 × 70 %
    assert rows[("B", "P1", "third_party", "medical", None)] == "1200.00"
    assert result["uncovered"]["P1"] == "0.00"


def test_a_third_party_limit_caps_what_its_insurer_pays():
    document = {
        "accident_date": "2024-06-01",
        "vehicles": [vehicle("A", "full", "0", third_party_limit="50000"), vehicle("B", "none", "102000")],
    }
    result = settlement_from_document(document)
    assert paid(result)[("A", "B", "third_party", "property", None)] == "50000.00"
    assert result["uncovered"]["B"] == "50000.00"


def test_rounding_never_makes_a_payer_exceed_its_limit():
    document = {
        "accident_date": "2024-06-01",
        "vehicles": [
            vehicle("A", "full", "0"),
            vehicle("B", "none", "1000"),
            vehicle("C", "none", "1000"),
            vehicle("D", "none", "1000"),
        ],
    }
    rows = paid(settlement_from_document(document))
    a_pays = [Decimal(v) for k, v in rows.items() if k[0] == "A" and k[2] == "ctpl" and k[4] is None]
    assert sum(a_pays) == Decimal("2000.00")
    assert sorted(a_pays) == [
        Decimal("666.66"),
        Decimal("666.67"),
        Decimal("666.67"),
    ]


def test_the_explanation_is_bilingual_and_states_the_limits_used():
    result = settlement_from_document(example_3(proxy=False))
    first = result["explanation"][0]
    assert "2020-09-19" in first["zh"]
    assert "180000.00" in first["en"]
    assert all(line["zh"] and line["en"] for line in result["explanation"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["vehicles"][0].update(liability="most"), "vehicles[0].liability"),
        (lambda d: d["vehicles"][0].update(ratio="0.5"), "vehicles[0].ratio"),
        (lambda d: d["vehicles"][0].update(ctpl_units=3), "vehicles[0].ctpl_units"),
        (lambda d: d["vehicles"][0]["losses"].update(vehicle="-5"), "vehicles[0].losses.vehicle"),
        (lambda d: d["vehicles"][0]["losses"].update(vehicle="12.345"), "vehicles[0].losses.vehicle"),
        (lambda d: d["vehicles"][0]["losses"].update(vehicle="abc"), "vehicles[0].losses.vehicle"),
        (lambda d: d["vehicles"][0]["losses"].update(salvage="30000"), "vehicles[0].losses.salvage"),
        (lambda d: d["vehicles"][0]["losses"].update(tyres="1"), "vehicles[0].losses.tyres"),
        (lambda d: d["vehicles"][0].update(deductible_rate="1.5"), "vehicles[0].deductible_rate"),
        (lambda d: d["vehicles"][1].update(id="A"), "vehicles"),
        (lambda d: d["vehicles"][1].update(liability="full"), "vehicles"),  # 170 %
        (lambda d: d.update(mutual_self_compensation="yes"), "mutual_self_compensation"),
        (lambda d: d.update(accident_date="01/06/2024"), "accident_date"),
        (lambda d: d.update(extra=1), "extra"),
    ],
)
def test_impossible_settlement_input_is_refused(change, field):
    document = example_1("0")
    change(document)
    with pytest.raises(RuleInputError) as caught:
        settlement_from_document(document)
    assert caught.value.field == field


def test_money_may_be_given_as_numbers_or_strings():
    as_numbers = example_1("0")
    for v in as_numbers["vehicles"]:
        v["losses"]["vehicle"] = int(v["losses"]["vehicle"])
        v["third_party_limit"] = Decimal(v["third_party_limit"])
    assert paid(settlement_from_document(as_numbers)) == paid(settlement_from_document(example_1("0")))
