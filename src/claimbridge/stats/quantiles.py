"""Durations kept as counts per bucket, so that medians and 90th percentiles come from roll-ups, never raw rows.

A duration is a whole number of minutes (rounded down). Below `EXACT_MINUTES` every minute is its own bucket, so a
quantile there is exact; above, buckets grow by `GROWTH` (2 %) and each keeps the count and the sum of its minutes:
a quantile is the mean of the bucket holding it — the exact value when the bucket holds one value, within 2 %
otherwise. Quantiles are nearest-rank (the smallest value with at least p of the values at
or below it), the definition that needs no interpolation and stays a value someone actually waited.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal

EXACT_MINUTES = 240  # four hours in whole minutes: every first-contact clock, most surveys
GROWTH = 1.02
_LOG_GROWTH = math.log(GROWTH)


def bucket_of(minutes: int) -> int:
    """The bucket of a duration in minutes (negative durations count as zero: a clock cannot run backwards)."""
    if minutes < EXACT_MINUTES:
        return max(minutes, 0)
    return EXACT_MINUTES + int(math.log(minutes / EXACT_MINUTES) / _LOG_GROWTH + 1e-9)


def bucket_floor(bucket: int) -> int:
    """The smallest duration (minutes) in a bucket."""
    if bucket < EXACT_MINUTES:
        return bucket
    return math.ceil(EXACT_MINUTES * GROWTH ** (bucket - EXACT_MINUTES) - 1e-9)


Counts = Mapping[int, int | tuple[int, int]]  # bucket → count, or (count, sum of its minutes)


def count_of(entry: int | tuple[int, int]) -> int:
    return entry[0] if isinstance(entry, tuple) else entry


def quantile(counts: Counts, p: float) -> int | None:
    """The nearest-rank p-quantile (0 < p ≤ 1) in minutes of durations given as bucket → count (the bucket's lower
    edge is answered) or bucket → (count, sum of minutes) (the bucket's mean, rounded); None when empty."""
    if not 0 < p <= 1:
        raise ValueError("p must be in (0, 1]")
    pairs = sorted(counts.items())
    sizes = [entry[0] if isinstance(entry, tuple) else entry for _, entry in pairs]
    total = sum(sizes)
    if total <= 0:
        return None
    rank = math.ceil(p * total - 1e-9)
    seen = 0
    for (bucket, entry), n in zip(pairs, sizes, strict=True):
        seen += n
        if seen >= rank and n > 0:
            if isinstance(entry, tuple) and bucket >= EXACT_MINUTES:
                return int(Decimal(entry[1]) / Decimal(n) + Decimal("0.5"))
            return bucket_floor(bucket)
    return bucket_floor(pairs[-1][0])  # pragma: no cover - the loop always reaches the rank


def exact_quantile(values: Iterable[int], p: float) -> int | None:
    """The same nearest-rank quantile over raw minutes: what `quantile` answers up to its bucket's width."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(math.ceil(p * len(ordered) - 1e-9), 1) - 1]
