"""Settlement (B2) at its boundaries: 互碰自赔, 无责代赔, own damage, limits by date, the reading of the document.

Every expected amount below is worked out by hand from the rule (domain facts §2.3–§2.6, the 交强险 limits in
rules/data/ctpl-limits.json), not read back from the kernel. Issue 12: these are the cases mutation testing showed
no test looked at (exactly 2,000.00, an injury of one kind only, a car without 车损险, ...).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from claimbridge.rules.common import RuleInputError
from claimbridge.rules.settlement import Accident, Payment, Vehicle, VehicleLosses, settle, settlement_from_document

from .builders import accident, paid, vehicle

# --- 互碰自赔 (§2.4): every party liable, every car's loss within the 2,000 property limit, nobody hurt ---------------


def test_mutual_self_compensation_applies_to_a_loss_of_exactly_2000():
    """Issue 12, B2: "within 2,000" includes 2,000.00 itself; each insurer pays its own car, nothing crosses."""
    document = accident(vehicle("A", "equal", "2000.00"), vehicle("B", "equal", "1999.99"), no_fault_proxy=True)
    result = settlement_from_document(document)
    assert result["mutual_self_compensation"] is True
    assert result["no_fault_proxy"] is False  # nobody is without fault: there is nobody to pay for
    assert paid(result) == {
        ("A", "A", "ctpl", "property", None): "2000.00",
        ("B", "B", "ctpl", "property", None): "1999.99",
    }


def test_mutual_self_compensation_stops_one_fen_over_2000():
    """Issue 12, B2: 2,000.01 is over the limit, so the cars settle across: each 交强险 pays the other car."""
    result = settlement_from_document(accident(vehicle("A", "equal", "2000.01"), vehicle("B", "equal", "1999.99")))
    assert result["mutual_self_compensation"] is False
    assert paid(result) == {
        ("A", "B", "ctpl", "property", None): "1999.99",
        ("B", "A", "ctpl", "property", None): "2000.00",
    }
    assert result["uncovered"] == {"A": "0.01", "B": "0.00"}  # no commercial cover: the last fen is A's own


def test_a_tractor_with_its_trailer_keeps_mutual_self_compensation_up_to_4000():
    """B2: a 交强险-insured trailer gives its tractor a second set of limits (§2.6), for 互碰自赔 too."""
    document = accident(vehicle("T", "primary", "3999.00", ctpl_units=2), vehicle("B", "secondary", "800"))
    result = settlement_from_document(document)
    assert result["mutual_self_compensation"] is True
    assert paid(result) == {
        ("B", "B", "ctpl", "property", None): "800.00",
        ("T", "T", "ctpl", "property", None): "3999.00",
    }


def _minor_scrape(**extra_a):
    return accident(vehicle("A", "equal", "1500", **extra_a), vehicle("B", "equal", "1800"))


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["vehicles"][0]["losses"].update(medical="300"),
        lambda d: d["vehicles"][1]["losses"].update(death_disability="300"),
        lambda d: d.update(other_victims=[{"id": "P", "losses": {"property": "300"}}]),
        lambda d: d.update(other_victims=[{"id": "P", "losses": {"medical": "300"}}]),
        lambda d: d.update(other_victims=[{"id": "P", "losses": {"death_disability": "300"}}]),
    ],
    ids=["medical-in-a-car", "death-in-a-car", "property-outside", "medical-outside", "death-outside"],
)
def test_any_single_kind_of_injury_or_outside_loss_rules_out_mutual_self_compensation(change):
    """Issue 12, B2 (§2.4 condition 2): one injury, of any one kind, or one loss outside the cars is enough."""
    document = _minor_scrape()
    change(document)
    result = settlement_from_document(document)
    assert result["mutual_self_compensation"] is False
    rows = paid(result)
    assert rows[("A", "B", "ctpl", "property", None)] == "1800.00"  # the cars settle across instead
    assert rows[("B", "A", "ctpl", "property", None)] == "1500.00"
    assert not any(payer == payee and cover == "ctpl" for payer, payee, cover, _, _ in rows)


def test_mutual_self_compensation_can_be_refused_even_when_it_would_apply():
    """B2: `"mutual_self_compensation": false` means never (§2.4 condition 4: the parties must agree to it)."""
    document = _minor_scrape()
    document["mutual_self_compensation"] = False
    result = settlement_from_document(document)
    assert result["mutual_self_compensation"] is False
    assert paid(result) == {
        ("A", "B", "ctpl", "property", None): "1800.00",
        ("B", "A", "ctpl", "property", None): "1500.00",
    }


PREFIX_ZH = "mutual_self_compensation：不符合互碰自赔条件："
PREFIX_EN = "mutual_self_compensation: 互碰自赔 (mutual self-compensation) does not apply: "


@pytest.mark.parametrize(
    ("vehicles", "zh", "en"),
    [
        (
            [vehicle("A", "full", "1500")],
            "须两车或多车互碰且各方均投保交强险",
            "every vehicle (two or more) must hold 交强险",
        ),
        (
            [vehicle("A", "equal", "1500", ctpl_units=0), vehicle("B", "equal", "1800")],
            "须两车或多车互碰且各方均投保交强险",
            "every vehicle (two or more) must hold 交强险",
        ),
        (
            [vehicle("A", "full", "1500"), vehicle("B", "none", "1800")],
            "各方均须负有责任（同等或主次责任）",
            "every party must bear some liability",
        ),
        (
            [vehicle("A", "equal", "1500", losses={"medical": "10"}), vehicle("B", "equal", "1800")],
            "不得涉及人员伤亡或车外财产损失",
            "no injury and no loss outside the vehicles",
        ),
        (
            [vehicle("A", "primary", "2500"), vehicle("B", "secondary", "2000.01")],
            "A、B 方车损超过交强险有责财产损失限额",
            "the loss of A, B exceeds the 交强险 property limit",
        ),
        (
            [vehicle("A", "full", "2500", losses={"death_disability": "1"})],
            "须两车或多车互碰且各方均投保交强险；不得涉及人员伤亡或车外财产损失；A 方车损超过交强险有责财产损失限额",
            "every vehicle (two or more) must hold 交强险; no injury and no loss outside the vehicles; "
            "the loss of A exceeds the 交强险 property limit",
        ),
    ],
    ids=["one-vehicle", "no-ctpl", "one-without-fault", "injury", "both-over", "three-reasons"],
)
def test_requiring_mutual_self_compensation_says_every_condition_that_fails(vehicles, zh, en):
    """B2, R3-style: asked for 互碰自赔 where it cannot apply, the answer names each failed condition, both languages."""
    with pytest.raises(RuleInputError) as caught:
        settlement_from_document(accident(*vehicles, mutual_self_compensation=True))
    assert caught.value.field == "mutual_self_compensation"
    assert caught.value.text.zh == PREFIX_ZH + zh
    assert caught.value.text.en == PREFIX_EN + en


# --- 无责代赔 (§2.5) ----------------------------------------------------------------------------------------------


def test_no_fault_proxy_is_shared_only_by_liable_vehicles_that_hold_compulsory_cover():
    """B2: B is liable but uninsured, so A alone pays its own car the no-fault 100 (100 × 1 ÷ 1) for C.

    Then A's 2,000 meets B (3,000) and C (1,000) in proportion: 1,500 and 500. C's own 100 went to the proxy payment,
    and B has no 交强险 at all, so A gets nothing else.
    """
    document = accident(
        vehicle("A", "0.5", "3000"),
        vehicle("B", "0.5", "3000", ctpl_units=0),
        vehicle("C", "none", "1000"),
        no_fault_proxy=True,
    )
    assert paid(settlement_from_document(document)) == {
        ("A", "A", "ctpl", "property", "C"): "100.00",
        ("A", "B", "ctpl", "property", None): "1500.00",
        ("A", "C", "ctpl", "property", None): "500.00",
    }


def test_a_no_fault_tractor_with_its_trailer_owes_200_by_proxy():
    """B2: two sets of no-fault limits (tractor and trailer): 100 × 2 is paid on their behalf."""
    document = accident(vehicle("A", "full", "5000"), vehicle("B", "none", "0", ctpl_units=2), no_fault_proxy=True)
    assert paid(settlement_from_document(document)) == {("A", "A", "ctpl", "property", "B"): "200.00"}


def test_the_proxy_payments_use_up_the_no_fault_limit_they_stand_for():
    """B2: A and B each pay 50 for C; C's 100 is then spent, so C's 交强险 pays the pedestrian nothing.

    P's 1,000 and each car's remaining 2,950 are shared by A's and B's 2,000: A owes B 2,950 and P 500, 3,450 in
    all, scaled to 2,000: 1,710.14 and 289.86 (289.855… has the larger fraction and takes the fen).
    """
    document = accident(
        vehicle("A", "0.5", "3000"),
        vehicle("B", "0.5", "3000"),
        vehicle("C", "none", "0"),
        other_victims=[{"id": "P", "losses": {"property": "1000"}}],
        no_fault_proxy=True,
    )
    result = settlement_from_document(document)
    assert paid(result) == {
        ("A", "A", "ctpl", "property", "C"): "50.00",
        ("A", "B", "ctpl", "property", None): "1710.14",
        ("A", "P", "ctpl", "property", None): "289.86",
        ("B", "A", "ctpl", "property", None): "1710.14",
        ("B", "B", "ctpl", "property", "C"): "50.00",
        ("B", "P", "ctpl", "property", None): "289.86",
    }
    assert result["uncovered"]["P"] == "420.28"


def test_with_the_proxy_a_no_fault_car_pays_no_car_even_with_limit_left():
    """B2 (§2.5: 无责方不再赔付车辆损失): B's loss of 20 uses only 20 of its 50, leaving C 30 it never pays to A.

    A's remaining 2,950 falls on B alone (2,950 + 500 for C > 2,000: 1,710.14 and 289.86); C's remaining 210.14…
    comes from A's unused limit in the second round, so C is paid its 1,000 in full.
    """
    document = accident(
        vehicle("A", "0.5", "3000"), vehicle("B", "0.5", "20"), vehicle("C", "none", "1000"), no_fault_proxy=True
    )
    result = settlement_from_document(document)
    assert paid(result) == {
        ("A", "A", "ctpl", "property", "C"): "50.00",
        ("A", "C", "ctpl", "property", None): "710.14",
        ("B", "A", "ctpl", "property", None): "1710.14",
        ("B", "B", "ctpl", "property", "C"): "20.00",
        ("B", "C", "ctpl", "property", None): "289.86",
    }
    assert result["summary"]["C"] == {"loss": "1000.00", "received": "1000.00", "uncovered": "0.00"}


# --- commercial cover and own damage (§2.3) -------------------------------------------------------------------------


def test_a_car_without_own_damage_cover_gets_nothing_for_its_own_share():
    """Issue 12, B2: example 1 (70/30) with no 车损险 on either car: each keeps its own share of its own loss."""
    document = accident(
        vehicle("A", "primary", "20000", third_party_limit="1000000"),
        vehicle("B", "secondary", "30000", third_party_limit="1000000"),
        day="2019-06-01",
    )
    result = settlement_from_document(document)
    assert paid(result) == {
        ("A", "B", "ctpl", "property", None): "2000.00",
        ("B", "A", "ctpl", "property", None): "2000.00",
        ("A", "B", "third_party", "property", None): "19600.00",  # (30,000 − 2,000) × 70 %
        ("B", "A", "third_party", "property", None): "5400.00",  # (20,000 − 2,000) × 30 %
    }
    assert result["uncovered"] == {"A": "12600.00", "B": "8400.00"}  # 18,000 × 70 %, 28,000 × 30 %


def test_one_fen_beyond_the_compulsory_limit_is_still_paid_by_commercial_cover():
    """B2: B lost 2,000.01; A's 交强险 pays 2,000 and A's 商业三者险 the last fen (no tolerance swallows it)."""
    document = accident(vehicle("A", "full", "0", third_party_limit="1000000"), vehicle("B", "none", "2000.01"))
    result = settlement_from_document(document)
    assert paid(result) == {
        ("A", "B", "ctpl", "property", None): "2000.00",
        ("A", "B", "third_party", "property", None): "0.01",
    }
    assert result["uncovered"]["B"] == "0.00"


def test_the_own_damage_limit_caps_what_own_damage_cover_pays():
    """B2: A's own share is 50,000 − 100 (B's no-fault 交强险) = 49,900; its 车损险 is insured for 10,000 only."""
    document = accident(
        vehicle("A", "full", "50000", own_damage=True, own_damage_limit="10000"), vehicle("B", "none", "0")
    )
    result = settlement_from_document(document)
    assert paid(result) == {
        ("B", "A", "ctpl", "property", None): "100.00",
        ("A", "A", "own_damage", "property", None): "10000.00",
    }
    assert result["uncovered"]["A"] == "39900.00"


def test_own_damage_cover_pays_for_the_car_not_for_the_goods_it_carried():
    """B2: A (70 %) lost 1,000 of car and 3,000 of goods; B's 2,000 (交强险) covers a quarter of the car's part.

    What remains of the car is 1,000 − 2,000 × 1,000 ÷ 4,000 = 500, of which A's own 70 % is 350; the goods are not
    the car, so 车损险 pays nothing for them.
    """
    document = accident(
        vehicle("A", "primary", "1000", own_damage=True, losses={"other_property": "3000"}),
        vehicle("B", "secondary", "0"),
    )
    result = settlement_from_document(document)
    assert paid(result) == {
        ("B", "A", "ctpl", "property", None): "2000.00",
        ("A", "A", "own_damage", "property", None): "350.00",
    }
    assert result["uncovered"]["A"] == "1650.00"
    assert not any("商业三者险" in line["zh"] for line in result["explanation"])  # B has none: nothing to cap


def test_payments_come_in_order_compulsory_then_commercial_then_own_damage():
    """B2: the answer lists 交强险 first, then 商业三者险, then 车损险; within each by payer and payee."""
    document = accident(
        vehicle("A", "primary", "20000", third_party_limit="1000000", own_damage=True),
        vehicle("B", "secondary", "30000", third_party_limit="1000000", own_damage=True),
        day="2019-06-01",
    )
    order = [(p["payer"], p["payee"], p["cover"]) for p in settlement_from_document(document)["payments"]]
    assert order == [
        ("A", "B", "ctpl"),
        ("B", "A", "ctpl"),
        ("A", "B", "third_party"),
        ("B", "A", "third_party"),
        ("A", "A", "own_damage"),
        ("B", "B", "own_damage"),
    ]


# --- 交强险 limits by the accident's date (R21) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "no_fault_property", "liable_death"),
    [
        ("2006-07-01", "400.00", "50000.00"),  # the first limits, on their first day
        ("2008-01-31", "400.00", "50000.00"),
        ("2008-02-01", "100.00", "110000.00"),
        ("2020-09-18", "100.00", "110000.00"),
        ("2020-09-19", "100.00", "180000.00"),
    ],
)
def test_each_accident_uses_the_limits_in_force_on_its_day(day, no_fault_property, liable_death):
    """R21, B2: the no-fault property limit was 400 until 2008-01-31, the liable death limit 50,000 / 110,000 / 180,000."""
    document = accident(
        vehicle("A", "full", "1000"),
        vehicle("B", "none", "0", losses={"death_disability": "500000"}),
        day=day,
    )
    rows = paid(settlement_from_document(document))
    assert rows[("B", "A", "ctpl", "property", None)] == no_fault_property
    assert rows[("A", "B", "ctpl", "death_disability", None)] == liable_death


# --- reading the document ----------------------------------------------------------------------------------------


def test_a_vehicle_may_leave_out_its_losses():
    """B2: a car that lost nothing need not say so: its losses are all zero."""
    document = {
        "accident_date": "2024-06-01",
        "vehicles": [{"id": "A", "liability": "full"}],
        "other_victims": [{"id": "P", "losses": {"medical": "1000"}}],
    }
    result = settlement_from_document(document)
    assert paid(result) == {("A", "P", "ctpl", "medical", None): "1000.00"}
    assert result["summary"]["A"] == {"loss": "0.00", "received": "0.00", "uncovered": "0.00"}


def test_a_deductible_rate_just_below_1_is_accepted():
    document = accident(vehicle("A", "full", "0", third_party_limit="100000", deductible_rate="0.99"),
                        vehicle("B", "none", "3000"))  # fmt: skip
    assert paid(settlement_from_document(document))[("A", "B", "third_party", "property", None)] == "10.00"


def _bad(change):
    document = accident(
        vehicle("A", "primary", "20000", third_party_limit="1000000"), vehicle("B", "secondary", "30000")
    )
    change(document)
    return document


@pytest.mark.parametrize(
    ("document", "field", "zh", "en"),
    [
        (
            _bad(lambda d: d["vehicles"][0].update(deductible_rate="1")),
            "vehicles[0].deductible_rate",
            "免赔率应小于 1",
            "the deductible rate must be below 1",
        ),
        (
            _bad(lambda d: d["vehicles"][1]["losses"].update(salvage="30000.01")),
            "vehicles[1].losses.salvage",
            "残值不能大于车辆损失",
            "salvage cannot exceed the vehicle loss",
        ),
        (
            _bad(lambda d: d.update(other_victims=[{"id": "A", "losses": {"medical": "1"}}])),
            "vehicles",
            "车辆与其他受害方的编号须唯一且非空",
            "vehicle and victim ids must be unique and not empty",
        ),
        (
            _bad(lambda d: d["vehicles"][1].update(liability="full")),
            "vehicles",
            "各车责任比例合计 170%，超过 100%",
            "the liability ratios add up to 170%, over 100%",
        ),
        (
            _bad(lambda d: d.update(mutual_self_compensation="yes")),
            "mutual_self_compensation",
            '应为 true、false 或 "auto"',
            'must be true, false or "auto"',
        ),
        (
            _bad(lambda d: d.update(other_victims=[{"id": "P", "losses": {"medical": "-1"}}])),
            "other_victims[0].losses.medical",
            "金额不能为负数",
            "an amount cannot be negative",
        ),
    ],
    ids=["deductible-1", "salvage", "same-id", "over-100-percent", "mutual-yes", "victim-loss"],
)
def test_impossible_input_is_refused_with_its_field_and_reason_in_both_languages(document, field, zh, en):
    """B2, issue 12: the caller reads which value is wrong and why, in Chinese and in English."""
    with pytest.raises(RuleInputError) as caught:
        settlement_from_document(document)
    assert caught.value.field == field
    assert caught.value.text.zh == f"{field}：{zh}"
    assert caught.value.text.en == f"{field}: {en}"


# --- the Python API: what a Vehicle built with defaults holds ------------------------------------------------------


def test_a_vehicle_built_with_defaults_has_one_set_of_compulsory_limits_and_no_other_cover():
    """Issue 12, B2: the kernel's dataclasses are its Python API; a Vehicle given only its id, liability and losses
    has 交强险 (one set of limits), no commercial third-party cover and no 车损险 — so example 1 pays 2,000 each way
    and nothing else."""
    a = Vehicle("A", Decimal("0.7"), losses=VehicleLosses(vehicle=Decimal(20000)))
    b = Vehicle("B", Decimal("0.3"), losses=VehicleLosses(vehicle=Decimal(30000)))
    settlement = settle(Accident(date(2024, 6, 1), (b, a)))
    assert settlement.payments == (
        Payment("A", "B", "ctpl", "property", Decimal("2000.00")),
        Payment("B", "A", "ctpl", "property", Decimal("2000.00")),
    )
    assert settlement.uncovered == {"A": Decimal(18000), "B": Decimal(28000)}
    assert settlement.mutual_self_compensation is False
    assert settlement.no_fault_proxy is False
