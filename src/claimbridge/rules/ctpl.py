"""交强险 (compulsory third-party) limits by effective date, as data (R21, B2)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from claimbridge.rules.common import money, version_on

HEADS = ("property", "medical", "death_disability")
HEAD_NAMES = {
    "property": ("财产损失", "property"),
    "medical": ("医疗费用", "medical expenses"),
    "death_disability": ("死亡伤残", "death and disability"),
}


@dataclass(frozen=True, slots=True)
class CtplLimits:
    effective_from: date
    source: str
    liable: dict[str, Decimal]
    not_liable: dict[str, Decimal]

    def limit(self, head: str, *, liable: bool) -> Decimal:
        return (self.liable if liable else self.not_liable)[head]

    def as_dict(self) -> dict[str, Any]:
        return {
            "effective_from": self.effective_from.isoformat(),
            "source": self.source,
            "liable": {head: money(self.liable[head]) for head in HEADS},
            "not_liable": {head: money(self.not_liable[head]) for head in HEADS},
        }


@cache
def ctpl_versions() -> tuple[CtplLimits, ...]:
    raw = json.loads(
        resources.files("claimbridge.rules").joinpath("data", "ctpl-limits.json").read_text(encoding="utf-8")
    )
    versions = (
        CtplLimits(
            date.fromisoformat(entry["effective_from"]),
            entry["source"],
            {head: Decimal(entry["liable"][head]) for head in HEADS},
            {head: Decimal(entry["not_liable"][head]) for head in HEADS},
        )
        for entry in raw["versions"]
    )
    return tuple(sorted(versions, key=lambda version: version.effective_from))


def ctpl_limits_on(day: date, *, field: str = "accident_date") -> CtplLimits:
    return version_on(ctpl_versions(), day, field=field, zh="{first} 之前没有交强险",
                      en="there was no compulsory insurance (交强险) before {first}")  # fmt: skip
