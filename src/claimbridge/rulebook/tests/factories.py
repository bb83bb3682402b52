"""Builders for the rule pages' tests."""

from __future__ import annotations

from typing import Any


def quick_claim_form(**changes: str | None) -> dict[str, Any]:
    data: dict[str, str | None] = {"accident_date": "2024-06-01", "vehicle_count": "2", "all_motor_vehicles": "on", "damage": "minor_exterior",
            "A_circumstance": "1", "B_circumstance": ""}  # fmt: skip
    for pid, plate, insurer in (("A", "甘K12345", "tianlong"), ("B", "甘E6789A", "maiji")):
        data |= {
            f"{pid}_plate": plate, f"{pid}_insurer": insurer, f"{pid}_driver_licensed": "on",
            f"{pid}_inspection_valid": "on", f"{pid}_ctpl_city": "621200", f"{pid}_ctpl_end": "2024-12-31",
            f"{pid}_third_party_city": "620500", f"{pid}_third_party_end": "2025-03-01", f"{pid}_photos": "2",
            f"{pid}_videos": "0",
        }  # fmt: skip
    data |= changes
    return {key: value for key, value in data.items() if value is not None}
