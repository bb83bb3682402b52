"""The catalogue of accident circumstances for online quick handling, and liability decided from it.

The catalogue is data (`data/circumstances-v*.json`) with an effective date: a revision is a new file, and an
accident is always judged by the version in force on its date (R21). Liability follows the online framing of the
list: one party with a listed circumstance bears full liability and the other none; when every party has one,
liability is equal. Item 21 ("other circumstances in which the law puts full liability on one party") never decides
alone: it counts only once all parties confirm it or the police determine it online.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from itertools import product
from typing import Any

from claimbridge.rules.common import LIABILITY_NAMES_ZH, RuleInputError, Text, version_on
from claimbridge.rules.inputs import Fields, day_from, integer_in

UNDETERMINED = "undetermined"


@dataclass(frozen=True, slots=True)
class Circumstance:
    number: int
    text: Text
    at_fault: Text
    decides_alone: bool


@dataclass(frozen=True, slots=True)
class Catalogue:
    version: int
    effective_from: date
    title: Text
    rule: Text
    source: str
    items: dict[int, Circumstance]

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "title": self.title.as_dict(),
            "rule": self.rule.as_dict(),
            "source": self.source,
            "items": [
                {
                    "number": item.number,
                    **item.text.as_dict(),
                    "at_fault": item.at_fault.as_dict(),
                    "decides_alone": item.decides_alone,
                }
                for item in self.items.values()
            ],
        }


def _load(name: str) -> Catalogue:
    raw = json.loads(resources.files("claimbridge.rules").joinpath("data", name).read_text(encoding="utf-8"))
    items = {
        entry["number"]: Circumstance(
            entry["number"], Text(entry["zh"], entry["en"]), Text(**entry["at_fault"]), entry["decides_alone"]
        )
        for entry in raw["items"]
    }
    return Catalogue(
        raw["version"],
        date.fromisoformat(raw["effective_from"]),
        Text(**raw["title"]),
        Text(**raw["rule"]),
        raw["source"],
        items,
    )


@cache
def catalogues() -> tuple[Catalogue, ...]:
    """Every version, oldest first."""
    files = sorted(
        (
            entry.name
            for entry in resources.files("claimbridge.rules").joinpath("data").iterdir()
            if entry.name.startswith("circumstances-v")
        ),
        key=lambda name: int(name.removeprefix("circumstances-v").removesuffix(".json")),
    )
    return tuple(sorted((_load(name) for name in files), key=lambda catalogue: catalogue.effective_from))


def catalogue_on(day: date | None = None, *, field: str = "date") -> Catalogue:
    """The version in force on `day` (today when not given)."""
    return version_on(catalogues(), day or date.today(), field=field, zh="{first} 之前没有在线快处的事故情形目录",
                      en="no circumstance catalogue is in force before {first}")  # fmt: skip


@dataclass(frozen=True, slots=True)
class LiabilityDecision:
    liability: dict[str, str]  # party → full | equal | none | undetermined
    basis: tuple[Text, ...]
    catalogue: Catalogue

    @property
    def determined(self) -> bool:
        return UNDETERMINED not in self.liability.values()

    def as_dict(self) -> dict[str, Any]:
        return {
            "liability": self.liability,
            "determined": self.determined,
            "basis": [text.as_dict() for text in self.basis],
            "catalogue": {
                "version": self.catalogue.version,
                "effective_from": self.catalogue.effective_from.isoformat(),
            },
        }


def _grades(with_listed: set[str], parties: list[str]) -> dict[str, str]:
    if not with_listed:
        return dict.fromkeys(parties, UNDETERMINED)
    if len(with_listed) == 1:
        return {party: "full" if party in with_listed else "none" for party in parties}
    return {party: "equal" if party in with_listed else "none" for party in parties}


def _parties_with(circumstances: dict[str, list[int]], catalogue: Catalogue) -> tuple[set[str], set[str]]:
    """Parties with a circumstance that decides alone (items 1–20), and parties with one that does not (item 21)."""
    deciding: set[str] = set()
    other: set[str] = set()
    for party, numbers in circumstances.items():
        for number in numbers:
            (deciding if catalogue.items[number].decides_alone else other).add(party)
    return deciding, other


def liability_grades(
    circumstances: dict[str, list[int]], catalogue: Catalogue, *, item_21_confirmed: bool = False
) -> dict[str, str]:
    """Each party's grade: full, equal, none or undetermined (the fast path, without the explanation)."""
    parties = list(circumstances)
    deciding, other = _parties_with(circumstances, catalogue)
    grades = _grades(deciding, parties)
    if other:
        counted = _grades(deciding | other, parties)
        if item_21_confirmed:
            return counted
        if counted != grades:
            return dict.fromkeys(parties, UNDETERMINED)
    return grades


DETERMINED, STILL_OPEN = "determined", "open"


def liability_outlook(
    answered: dict[str, list[int]],
    unanswered: Collection[str],
    catalogue: Catalogue,
    *,
    item_21_confirmed: bool = False,
) -> str:
    """While some parties have not chosen their circumstance yet (issue 13): `determined` when every party has
    answered and the list decides liability, `open` when an answer still to come could decide it, `undetermined`
    when no answer of theirs could. "None of these" (an empty list) is an answer; a party missing from `answered` has
    not answered. Each unanswered party is tried with no circumstance, one that decides alone and one that does not:
    liability depends only on which of these three a party has, so this is exact."""
    waiting = [party for party in unanswered if party not in answered]
    if not waiting:
        grades = liability_grades(answered, catalogue, item_21_confirmed=item_21_confirmed)
        return DETERMINED if UNDETERMINED not in grades.values() else UNDETERMINED
    deciding = next((n for n, item in catalogue.items.items() if item.decides_alone), None)
    other = next((n for n, item in catalogue.items.items() if not item.decides_alone), None)
    options: list[list[int]] = [[]] + [[n] for n in (deciding, other) if n is not None]
    for answers in product(options, repeat=len(waiting)):
        grades = liability_grades(answered | dict(zip(waiting, answers, strict=True)), catalogue,
                                  item_21_confirmed=item_21_confirmed)  # fmt: skip
        if UNDETERMINED not in grades.values():
            return STILL_OPEN
    return UNDETERMINED


def decide_liability(
    circumstances: dict[str, list[int]], catalogue: Catalogue, *, item_21_confirmed: bool = False
) -> LiabilityDecision:
    """Liability of each party from the circumstance numbers each party has (already checked against `catalogue`)."""
    grades = liability_grades(circumstances, catalogue, item_21_confirmed=item_21_confirmed)
    deciding, other = _parties_with(circumstances, catalogue)
    basis: list[Text] = []
    for party, numbers in circumstances.items():
        for number in sorted(set(numbers)):
            item = catalogue.items[number]
            basis.append(
                Text(f"{party} 方：第 {number} 项「{item.text.zh}」", f"Party {party}: item {number}, “{item.text.en}”")
            )
    if other and item_21_confirmed:
        basis.append(
            Text(
                "第 21 项已经各方确认或交警在线认定，计入责任判断。",
                "Item 21 was confirmed by all parties or by the police online, so it counts.",
            )
        )
    elif other and UNDETERMINED in grades.values() and deciding:
        basis.append(
            Text(
                "第 21 项不能单独确定责任：需各方确认或申请交警在线定责。",
                "Item 21 cannot decide liability by itself: all parties must confirm it, or the police "
                "must determine liability online.",
            )
        )
    if UNDETERMINED in grades.values():
        basis.append(
            Text(
                "责任无法依目录在线确定：请各方协商一致，或报警由交警认定。",
                "Liability cannot be decided online from the list: the parties must agree on it, or call "
                "the police to determine it.",
            )
        )
    elif "equal" in grades.values():
        basis.append(
            Text("各方均有所列情形，负同等责任。", "Every party at fault has a listed circumstance: equal liability.")
        )
    else:
        liable = next(party for party, grade in grades.items() if grade == "full")
        basis.append(
            Text(
                f"仅 {liable} 方有所列情形，{liable} 方负全部责任，其他方无责任。",
                f"Only party {liable} has a listed circumstance: {liable} is fully liable, the others are not.",
            )
        )
    summary = "；".join(f"{party} {LIABILITY_NAMES_ZH[grade]}" for party, grade in grades.items())
    basis.append(
        Text(f"结论：{summary}", "Result: " + "; ".join(f"{party} {grade}" for party, grade in grades.items()))
    )
    return LiabilityDecision(grades, tuple(basis), catalogue)


def read_circumstances(
    fields: Fields, key: str, catalogue: Catalogue, party_ids: list[str] | None = None
) -> dict[str, list[int]]:
    """`{"A": [1], "B": []}`: circumstance numbers by party, checked against the catalogue."""
    result: dict[str, list[int]] = {}
    for party, path, numbers in fields.mapping(key):
        if party_ids is not None and party not in party_ids:
            raise RuleInputError(path, "不是本起事故的当事方", "is not a party to this accident")
        if not isinstance(numbers, list):
            raise RuleInputError(path, "应为情形编号的数组", "must be an array of circumstance numbers")
        checked = []
        for index, number in enumerate(numbers):
            value = integer_in(number, f"{path}[{index}]", 1, 10_000)
            if value not in catalogue.items:
                raise RuleInputError(
                    f"{path}[{index}]",
                    f"目录（第 {catalogue.version} 版）中没有第 {value} 项",
                    f"item {value} is not in the catalogue (version {catalogue.version})",
                )
            checked.append(value)
        result[party] = checked
    for party in party_ids or []:
        result.setdefault(party, [])
    if party_ids is None and len(result) < 2:
        raise RuleInputError(fields.path(key), "至少需要两方当事人", "needs at least two parties")
    return result


def liability_from_document(document: Any) -> dict[str, Any]:
    """`claimbridge rules liability`: `{"circumstances": {"A": [1], "B": []}, "date"?, "item_21_confirmed"?}`."""
    fields = Fields(document)
    day = day_from(fields.raw("date"), "date") if fields.has("date") else None
    catalogue = catalogue_on(day)
    circumstances = read_circumstances(fields, "circumstances", catalogue)
    confirmed = fields.boolean("item_21_confirmed", default=False)
    fields.done()
    return decide_liability(circumstances, catalogue, item_21_confirmed=confirmed).as_dict()


def circumstances_document(document: Any = None) -> dict[str, Any]:
    """`claimbridge rules circumstances`: the catalogue in force on `date` (default today), or every version."""
    fields = Fields(document or {})
    day = day_from(fields.raw("date"), "date") if fields.has("date") else None
    fields.done()
    return catalogue_on(day).as_dict()
