"""Small counts hidden in public figures (R19): no cell counting fewer than `MIN_CELL` cases is published, and where
a row or column total is published, a lone hidden cell is joined by its smallest neighbour so that the total cannot
give it away (secondary suppression)."""

from __future__ import annotations

from collections.abc import Sequence

MIN_CELL = 5


def is_small(count: int, *, minimum: int = MIN_CELL) -> bool:
    """A cell of 1 to minimum−1 cases is hidden; zero is published (nobody can be singled out of nobody)."""
    return 0 < count < minimum


def protect_line(counts: Sequence[int], hidden: list[bool], indices: Sequence[int]) -> bool:
    """The one-lone-hidden-cell rule over the line `indices` (its total is published): when exactly one of its cells
    is hidden, hide the smallest other non-zero cell too (in `hidden`). False when the lone cell has no partner (the
    total itself then gives it away, and whoever publishes the total must hide it)."""
    lone = [i for i in indices if hidden[i]]
    if len(lone) != 1:
        return True
    others = [(counts[i], i) for i in indices if not hidden[i] and counts[i] > 0]
    if not others:
        return False
    hidden[min(others)[1]] = True
    return True


def suppress_line(counts: Sequence[int], *, minimum: int = MIN_CELL, total_shown: bool = True) -> list[bool]:
    """Which cells of one line (a row whose total is shown) to hide: every small cell, and — when exactly one is
    hidden and the total is shown — the smallest other non-zero cell too, so that the hidden one cannot be worked out
    by subtraction."""
    hidden = [is_small(count, minimum=minimum) for count in counts]
    if total_shown:
        protect_line(counts, hidden, range(len(counts)))
    return hidden
