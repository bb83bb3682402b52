"""Decisions per second of the rules kernel on one core (issue 3): eligibility, a 4-vehicle settlement, county lookup.

Each decision starts from the JSON document already parsed into Python objects (as the API and the command line
hold it) and ends with the JSON-ready answer, so reading, checking, deciding and explaining are all measured.

    make bench      (compiled kernel → bench/results/rules.json, pure Python → rules-pure-python.json)
    python bench/rules.py --out FILE
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from results_file import write_results

from claimbridge.rules import settlement as settlement_module
from claimbridge.rules.eligibility import eligibility_from_document
from claimbridge.rules.geography import CountyIndex
from claimbridge.rules.settlement import settlement_from_document

ROOT = Path(__file__).resolve().parents[1]
COUNTIES = ROOT / "tests" / "data" / "gansu_longnan_tianshui_counties.geojson"


def eligibility_documents(count: int, rng: random.Random) -> list[dict[str, Any]]:
    documents = []
    for _ in range(count):

        def party(pid: str, city: str) -> dict[str, Any]:
            return {
                "id": pid,
                "plate": f"甘{rng.choice('EK')}{rng.randint(10000, 99999)}",
                "driver_licensed": True,
                "impairment_suspected": rng.random() < 0.05,
                "inspection_valid": True,
                "insurer": "某财险",
                "insurer_city_branches": ["621200", "620500"],
                "policies": [
                    {"type": "ctpl", "city": city, "start": "2024-01-01", "end": "2024-12-31"},
                    {
                        "type": "third_party",
                        "city": city,
                        "start": "2024-01-01",
                        "end": "2024-12-31",
                        "limit": "1000000",
                    },
                ],
                "evidence": {"photos": rng.randint(1, 4), "videos": rng.randint(0, 1)},
            }

        documents.append(
            {
                "accident": {
                    "date": "2024-06-01",
                    "vehicle_count": 2,
                    "all_motor_vehicles": True,
                    "casualties": False,
                    "third_party_property_damage": False,
                    "facility_damage": False,
                    "vehicles_drivable": True,
                    "damage": rng.choice(["minor_exterior", "minor_exterior", "major"]),
                    "circumstances": {"A": [rng.randint(1, 20)], "B": rng.choice([[], [], [2]])},
                    "facts_disputed": False,
                    "dangerous_goods": False,
                    "intentional_suspected": False,
                    "party_left_scene": False,
                },
                "parties": [party("A", "621200"), party("B", "620500")],
            }
        )
    return documents


def settlement_documents(count: int, rng: random.Random) -> list[dict[str, Any]]:
    documents = []
    for _ in range(count):
        weights = [rng.randint(0, 4) for _ in range(4)]
        total = sum(weights) or 1
        vehicles = [
            {
                "id": f"V{i}",
                "ratio": str(int(w / total * 10000) / 10000),
                "ctpl_units": rng.choice([1, 1, 1, 2]),
                "third_party_limit": rng.choice(["0", "1000000"]),
                "own_damage": rng.random() < 0.7,
                "losses": {
                    "vehicle": str(rng.randint(0, 4_000_000) / 100),
                    "other_property": "0",
                    "medical": rng.choice(["0", "0", str(rng.randint(0, 3_000_000) / 100)]),
                    "salvage": "0",
                },
            }
            for i, w in enumerate(weights)
        ]
        documents.append(
            {
                "accident_date": "2024-06-01",
                "no_fault_proxy": rng.random() < 0.5,
                "mutual_self_compensation": "auto",
                "vehicles": vehicles,
            }
        )
    return documents


def rate(function: Callable[[Any], Any], inputs: list[Any], seconds: float) -> float:
    for item in inputs[:50]:
        function(item)  # warm caches (catalogue, limits) before timing
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for item in inputs:
            function(item)
        done += len(inputs)
    return done / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="where to write the JSON results")
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    args = parser.parse_args()
    rng = random.Random(2026)
    index = CountyIndex.from_file(COUNTIES)
    points = [(rng.uniform(32.6, 35.2), rng.uniform(104.0, 106.7)) for _ in range(5000)]
    results = {
        "eligibility_per_s": round(rate(eligibility_from_document, eligibility_documents(2000, rng), args.seconds)),
        "settle4_per_s": round(rate(settlement_from_document, settlement_documents(1000, rng), args.seconds)),
        "geo_locate_per_s": round(rate(lambda p: index.locate(p[0], p[1]), points, args.seconds)),
        "kernel": "compiled (mypyc)" if str(settlement_module.__file__).endswith(".so") else "pure Python",
    }
    write_results(args.out, results)


if __name__ == "__main__":
    main()
