"""Small counts hidden in public figures (R19): no cell counting fewer than `MIN_CELL` cases is published, and where
a row or column total is published, a lone hidden cell is joined by its smallest neighbour so that the total cannot
give it away (secondary suppression)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MIN_CELL = 5


@dataclass(frozen=True)
class Cell:
    """A published cell: its case count and the value shown (a count, a share, a duration); hidden when suppressed."""

    count: int
    value: object
    hidden: bool = False


def is_small(count: int, *, minimum: int = MIN_CELL) -> bool:
    """A cell of 1 to minimum−1 cases is hidden; zero is published (nobody can be singled out of nobody)."""
    return 0 < count < minimum


def suppress_line(counts: Sequence[int], *, minimum: int = MIN_CELL, total_shown: bool = True) -> list[bool]:
    """Which cells of one line (a row whose total is shown) to hide: every small cell, and — when exactly one is
    hidden and the total is shown — the smallest other non-zero cell too, so that the hidden one cannot be worked out
    by subtraction."""
    hidden = [is_small(count, minimum=minimum) for count in counts]
    if total_shown and sum(hidden) == 1:
        others = [(count, index) for index, count in enumerate(counts) if not hidden[index] and count > 0]
        if others:
            hidden[min(others)[1]] = True
    return hidden


def suppress_table(counts: Sequence[Sequence[int]], *, minimum: int = MIN_CELL, totals_shown: bool = True
                   ) -> list[list[bool]]:  # fmt: skip
    """Hide small cells of a table whose row and column totals are shown, repeating the one-hidden-in-a-line rule
    over rows and columns until no line has a lone hidden cell."""
    hidden = [[is_small(count, minimum=minimum) for count in row] for row in counts]
    if not totals_shown:
        return hidden
    rows, columns = len(counts), max((len(row) for row in counts), default=0)
    changed = True
    while changed:
        changed = False
        lines = [[(r, c) for c in range(len(counts[r]))] for r in range(rows)]
        lines += [[(r, c) for r in range(rows) if c < len(counts[r])] for c in range(columns)]
        for line in lines:
            lone = [(r, c) for r, c in line if hidden[r][c]]
            if len(lone) != 1:
                continue
            others = [(counts[r][c], r, c) for r, c in line if not hidden[r][c] and counts[r][c] > 0]
            if others:
                _, r, c = min(others)
                hidden[r][c] = True
                changed = True
    return hidden


def public_cells(values: Mapping[str, tuple[int, object]], *, minimum: int = MIN_CELL, total_shown: bool = True
                 ) -> dict[str, Cell]:  # fmt: skip
    """Named cells of one line (key → (case count, value)) as published: small ones hidden with their neighbour."""
    keys = list(values)
    hidden = suppress_line([values[key][0] for key in keys], minimum=minimum, total_shown=total_shown)
    return {
        key: Cell(values[key][0], None if hide else values[key][1], hide)
        for key, hide in zip(keys, hidden, strict=True)
    }
