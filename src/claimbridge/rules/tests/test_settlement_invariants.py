"""Properties every settlement keeps, whatever the accident (B2), checked on generated accidents with hypothesis."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimbridge.rules.ctpl import ctpl_limits_on
from claimbridge.rules.settlement import settlement_from_document

CENT = Decimal("0.01")
cents = st.integers(min_value=0, max_value=30_000_000).map(lambda n: str(Decimal(n) / 100))
small_cents = st.integers(min_value=0, max_value=400_000).map(lambda n: str(Decimal(n) / 100))
loss_amount = st.one_of(small_cents, cents, st.just("0"))


@st.composite
def accidents(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(min_value=1, max_value=5))
    weights = draw(st.lists(st.integers(min_value=0, max_value=10), min_size=count, max_size=count))
    unit = draw(st.sampled_from([Decimal(0), Decimal("0.5"), Decimal(1)]))  # fraction of blame on the vehicles
    total = sum(weights)
    ratios = [
        (Decimal(w) / total * unit).quantize(Decimal("0.0001"), rounding="ROUND_DOWN") if total else Decimal(0)
        for w in weights
    ]
    vehicles = []
    for index, ratio in enumerate(ratios):
        vehicle_loss = Decimal(draw(loss_amount))
        salvage = min(vehicle_loss, Decimal(draw(st.sampled_from(["0", "0", "300", "5000"]))))
        vehicle: dict[str, Any] = {
            "id": f"V{index}",
            "ratio": str(ratio),
            "ctpl_units": draw(st.sampled_from([0, 1, 1, 1, 2])),
            "third_party_limit": draw(st.sampled_from(["0", "50000", "1000000"])),
            "own_damage": draw(st.booleans()),
            "deductible_rate": draw(st.sampled_from(["0", "0", "0.05", "0.15"])),
            "losses": {
                "vehicle": str(vehicle_loss),
                "salvage": str(salvage),
                "other_property": draw(loss_amount),
                "medical": draw(st.one_of(st.just("0"), loss_amount)),
                "death_disability": draw(st.one_of(st.just("0"), st.just("0"), cents)),
            },
        }
        if draw(st.booleans()):
            vehicle["own_damage_limit"] = draw(st.sampled_from(["10000", "300000"]))
        vehicles.append(vehicle)
    victims = [
        {
            "id": f"P{index}",
            "losses": {
                "property": draw(loss_amount),
                "medical": draw(loss_amount),
                "death_disability": draw(loss_amount),
            },
        }
        for index in range(draw(st.integers(min_value=0, max_value=2)))
    ]
    day = draw(st.dates(min_value=date(2008, 2, 1), max_value=date(2027, 12, 31)))
    return {
        "accident_date": day.isoformat(),
        "no_fault_proxy": draw(st.booleans()),
        "mutual_self_compensation": draw(st.sampled_from(["auto", False])),
        "vehicles": vehicles,
        "other_victims": victims,
    }


def _losses(document: dict[str, Any]) -> dict[str, Decimal]:
    totals = {}
    for v in document["vehicles"]:
        losses = {k: Decimal(x) for k, x in v["losses"].items()}
        totals[v["id"]] = (
            losses["vehicle"]
            - losses["salvage"]
            + losses["other_property"]
            + losses["medical"]
            + losses["death_disability"]
        )
    for p in document["other_victims"]:
        totals[p["id"]] = sum((Decimal(x) for x in p["losses"].values()), Decimal(0))
    return totals


COMMON = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@COMMON
@given(accidents())
def test_no_payer_exceeds_a_limit(document):
    result = settlement_from_document(document)
    limits = ctpl_limits_on(date.fromisoformat(document["accident_date"]))
    by_id = {v["id"]: v for v in document["vehicles"]}
    spent: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for p in result["payments"]:
        spent[
            (
                p["payer"],
                p["cover"] + ("-proxy" if p["on_behalf_of"] else ""),
                p["head"] if p["cover"] == "ctpl" else "",
            )
        ] += Decimal(p["amount"])
    liable = [v for v in document["vehicles"] if Decimal(v["ratio"]) > 0 and v["ctpl_units"]]
    no_fault = [v for v in document["vehicles"] if Decimal(v["ratio"]) == 0 and v["ctpl_units"]]
    for (payer, cover, head), amount in spent.items():
        v = by_id[payer]
        if cover == "ctpl":
            assert amount <= limits.limit(head, liable=Decimal(v["ratio"]) > 0) * v["ctpl_units"]
        elif cover == "ctpl-proxy":
            pool = sum(limits.limit("property", liable=False) * n["ctpl_units"] for n in no_fault)
            assert amount <= (pool / len(liable)).quantize(CENT, rounding="ROUND_HALF_UP")
        elif cover == "third_party":
            assert amount <= Decimal(v["third_party_limit"])
        elif "own_damage_limit" in v:
            assert amount <= Decimal(v["own_damage_limit"])


@COMMON
@given(accidents())
def test_no_victim_receives_more_than_its_loss(document):
    result = settlement_from_document(document)
    losses = _losses(document)
    received: dict[str, Decimal] = defaultdict(Decimal)
    for p in result["payments"]:
        assert Decimal(p["amount"]) > 0
        received[p["payee"]] += Decimal(p["amount"])
    for victim, loss in losses.items():
        assert received[victim] <= loss
        assert Decimal(result["uncovered"][victim]) == loss - received[victim]


@COMMON
@given(accidents())
def test_a_liable_payers_ctpl_is_used_up_before_any_commercial_payment_to_that_victim(document):
    result = settlement_from_document(document)
    limits = ctpl_limits_on(date.fromisoformat(document["accident_date"]))
    ctpl_spent: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for p in result["payments"]:
        if p["cover"] == "ctpl" and not p["on_behalf_of"]:
            ctpl_spent[(p["payer"], p["head"])] += Decimal(p["amount"])
    rows = len(result["payments"]) + 1
    for p in result["payments"]:
        if p["cover"] != "third_party":
            continue
        for v in document["vehicles"]:
            if v["id"] == p["payee"] or not v["ctpl_units"] or Decimal(v["ratio"]) == 0:
                continue
            capacity = limits.limit(p["head"], liable=True) * v["ctpl_units"]
            assert ctpl_spent[(v["id"], p["head"])] >= capacity - CENT * rows, (v["id"], p)


@COMMON
@given(accidents(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_of_vehicles(document, rng: random.Random):
    shuffled = {
        **document,
        "vehicles": rng.sample(document["vehicles"], len(document["vehicles"])),
        "other_victims": rng.sample(document["other_victims"], len(document["other_victims"])),
    }
    first, second = settlement_from_document(document), settlement_from_document(shuffled)
    assert first["payments"] == second["payments"]
    assert first["uncovered"] == second["uncovered"]
