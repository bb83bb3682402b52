"""The reporting adjuster's reward when fraud is confirmed (R11): the underwriting company's ratio in force on the day
of the decision times the amount the clue saved or refused. Pure: no Django.

Rounding: the product is rounded once, to the fen (0.01 yuan), half up (ROUND_HALF_UP, as 人民币 amounts are
rounded in the settlement kernel), never in between; a ratio is a fraction between 0 and 1 with at most four
places (0.0500 = 5 %).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from claimbridge.rules.common import CENT, ZERO


@dataclass(frozen=True)
class Ratio:
    ratio: Decimal
    effective_from: date
    effective_until: date | None = None  # the last day it applies; None: until replaced


class NoRatio(Exception):
    """No ratio of the company was in force that day."""


def ratio_in_force(ratios: Iterable[Ratio], day: date) -> Ratio:
    """The ratio in force on `day`: of those whose dates include it, the one that started last (a revision is a new
    entry with a later start, so a past decision keeps the ratio of its day)."""
    current = [r for r in ratios if r.effective_from <= day and (r.effective_until is None or day <= r.effective_until)]
    if not current:
        raise NoRatio(day)
    return max(current, key=lambda r: r.effective_from)


def reward(amount_saved: Decimal, ratio: Decimal) -> Decimal:
    """ratio × amount, rounded half up to the fen; refuses negative amounts and ratios outside [0, 1]."""
    if amount_saved < ZERO:
        raise ValueError("amount saved is negative")
    if not ZERO <= ratio <= Decimal(1):
        raise ValueError("ratio outside [0, 1]")
    return (amount_saved * ratio).quantize(CENT, rounding=ROUND_HALF_UP)
