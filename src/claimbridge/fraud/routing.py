"""Where a clue goes (R11, R20): to the anti-fraud committee of the city where it happened, and shared with the
committee of every other city it involves — the city that wrote a party's policy, a person's ID region, a vehicle's
plate prefix (the cross-region mechanism). Pure: the shell gathers the facts, this decides.

A city may be covered by several committees (a joint committee of both associations, or one per city): the city's own
committee is the most specific one, the one covering the fewest cities (ties by id, so the answer never depends on
the order of the facts). A clue is shared with another city's committee only where that is a different committee:
a joint committee that covers both cities already has it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Involvement:
    """One reason a city is involved: `kind` is "policy", "person" or "vehicle"; `what` names the thing (a party
    label, a plate, a person's role) for the record, never personal data."""

    city_code: str
    kind: str
    what: str = ""


@dataclass(frozen=True)
class Facts:
    accident_city_code: str | None
    involvements: tuple[Involvement, ...] = ()
    committees: Mapping[int, frozenset[str]] = field(default_factory=dict)  # committee id → city codes it covers


@dataclass(frozen=True)
class Route:
    committee_id: int
    primary: bool
    reasons: tuple[Involvement, ...]  # for a shared route: why the other city is involved


@dataclass(frozen=True)
class Decision:
    routes: tuple[Route, ...]
    cross_region: bool  # another city than the accident's is involved

    @property
    def primary(self) -> int | None:
        return next((route.committee_id for route in self.routes if route.primary), None)


def committee_of(city_code: str, committees: Mapping[int, frozenset[str]]) -> int | None:
    covering = [(len(cities), committee_id) for committee_id, cities in committees.items() if city_code in cities]
    return min(covering)[1] if covering else None


def route(facts: Facts) -> Decision:
    """The committees a clue goes to: the accident city's first (none when no committee covers it), then each other
    involved city's, in city-code order, each with the involvements that bring it in."""
    home = facts.accident_city_code
    others: dict[str, list[Involvement]] = {}
    for involvement in facts.involvements:
        if involvement.city_code and involvement.city_code != home:
            others.setdefault(involvement.city_code, []).append(involvement)
    routes: list[Route] = []
    primary = committee_of(home, facts.committees) if home else None
    if primary is not None:
        routes.append(Route(committee_id=primary, primary=True, reasons=()))
    taken = {primary}
    shared: dict[int, list[Involvement]] = {}
    for city_code in sorted(others):
        committee_id = committee_of(city_code, facts.committees)
        if committee_id is None or committee_id in taken:
            continue
        shared.setdefault(committee_id, []).extend(others[city_code])
    routes.extend(Route(committee_id=cid, primary=False, reasons=tuple(_unique(reasons)))
                  for cid, reasons in shared.items())  # fmt: skip
    return Decision(routes=tuple(routes), cross_region=bool(others))


def _unique(items: Iterable[Involvement]) -> list[Involvement]:
    return list(dict.fromkeys(items))


def city_of_plate(plate: str, prefixes: Mapping[str, str]) -> str | None:
    """The city whose plate prefix (甘K, 甘E) the normalised plate starts with; `prefixes` maps prefix → city code."""
    return prefixes.get(plate[:2]) if len(plate) >= 2 else None


def city_of_id_number(id_number: str, city_codes: Iterable[str]) -> str | None:
    """The city of an ID number's region (its first four digits are the prefecture: 6212 Longnan, 6205 Tianshui)."""
    region = id_number[:4]
    return next((code for code in city_codes if len(region) == 4 and code.startswith(region)), None)
