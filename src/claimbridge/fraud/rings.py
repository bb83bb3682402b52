"""Fraud rings (issue 16; R20, B5): cases linked through the entities they share — a person's pseudonymised ID
number, a phone, a plate, a VIN, a bank account, a repair shop, a geocell. Pure: no Django.

An entity shared by more than `max_degree` cases (a big 4S shop, a tow company, a busy junction) is a *hub*: it links
nothing by itself. A *ring* is a connected group of at least `min_size` cases in the bipartite graph of cases and the
remaining entities. The full scan is a connected-components pass over that graph (scipy's C implementation); the
incremental form (`Rings`) keeps a union–find at intake, so a new case learns at once which ring it joins, and the
scan rebuilds it (an entity that becomes a hub can only be taken out by a rebuild).
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MAX_DEGREE = 50
MIN_SIZE = 3


def ring_labels(case_of_link: np.ndarray, entity_of_link: np.ndarray, n_cases: int, n_entities: int, *,
                max_degree: int = MAX_DEGREE) -> np.ndarray:  # fmt: skip
    """For each case (0 … n_cases-1), the label of its connected group; the links are pairs (case, entity) given as
    two integer arrays. Entities of more than `max_degree` distinct cases are left out (hubs)."""
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
    from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]

    cases = np.asarray(case_of_link, dtype=np.int64)
    entities = np.asarray(entity_of_link, dtype=np.int64)
    links = csr_matrix((np.ones(cases.size, dtype=np.int8), (cases, entities)), shape=(n_cases, n_entities))
    links.sum_duplicates()  # a case naming an entity twice is one link
    links.data[:] = np.bincount(links.indices, minlength=n_entities)[links.indices] <= max_degree  # hubs: 0
    links.eliminate_zeros()
    # The bipartite graph as one square matrix, case → entity edges only: weak components are the groups.
    indptr = np.r_[links.indptr, np.full(n_entities, links.indptr[-1], dtype=links.indptr.dtype)]
    size = n_cases + n_entities
    graph = csr_matrix((links.data, links.indices + n_cases, indptr), shape=(size, size))
    _count, labels = connected_components(graph, directed=True, connection="weak")
    return labels[:n_cases]


def rings_of_labels(labels: np.ndarray, *, min_size: int = MIN_SIZE) -> list[np.ndarray]:
    """The groups of at least `min_size` cases, each as the sorted indexes of its cases, largest first."""
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1]])
    ends = np.r_[starts[1:], sorted_labels.size]
    groups = [order[start:end] for start, end in zip(starts, ends, strict=True) if end - start >= min_size]
    return sorted((np.sort(group) for group in groups), key=lambda g: (-g.size, int(g[0])))


def rings(cases: Iterable[tuple[Hashable, Iterable[Hashable]]], *, max_degree: int = MAX_DEGREE,
          min_size: int = MIN_SIZE) -> list[list[Hashable]]:  # fmt: skip
    """Rings from cases given as (case id, its entity keys): each ring the list of its case ids in the order first
    given (a case given twice is one case with the entities of both)."""
    case_index: dict[Hashable, int] = {}
    entity_index: dict[Hashable, int] = {}
    case_of_link: list[int] = []
    entity_of_link: list[int] = []
    for case_id, entities in cases:
        index = case_index.setdefault(case_id, len(case_index))
        for entity in entities:
            case_of_link.append(index)
            entity_of_link.append(entity_index.setdefault(entity, len(entity_index)))
    ids = list(case_index)
    labels = ring_labels(np.array(case_of_link, dtype=np.int64), np.array(entity_of_link, dtype=np.int64), len(ids),
                         len(entity_index), max_degree=max_degree)  # fmt: skip
    return [[ids[i] for i in group] for group in rings_of_labels(labels, min_size=min_size)]


@dataclass
class Rings:
    """Ring membership kept incrementally at intake: a union–find over cases, with each entity's cases counted.

    `add(case, entities)` links the case to every case already naming one of its entities (an entity past
    `max_degree` links no more: it has become a hub) and answers the size of the group it is now in. Links made
    through an entity before it became a hub stay until the next full scan (`ring_labels`) rebuilds the groups."""

    max_degree: int = MAX_DEGREE
    parent: dict[Hashable, Hashable] = field(default_factory=dict)
    size: dict[Hashable, int] = field(default_factory=dict)
    first_case: dict[Hashable, Hashable] = field(default_factory=dict)  # entity → a case naming it
    degree: dict[Hashable, int] = field(default_factory=dict)

    def find(self, case: Hashable) -> Hashable:
        root = case
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[case] != root:  # path compression
            self.parent[case], case = root, self.parent[case]
        return root

    def _union(self, a: Hashable, b: Hashable) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]

    def add(self, case: Hashable, entities: Sequence[Hashable]) -> int:
        if case not in self.parent:
            self.parent[case], self.size[case] = case, 1
        for entity in dict.fromkeys(entities):
            count = self.degree.get(entity, 0) + 1
            self.degree[entity] = count
            if entity not in self.first_case:
                self.first_case[entity] = case
            elif count <= self.max_degree:
                self._union(case, self.first_case[entity])
        return self.size[self.find(case)]

    def group_size(self, case: Hashable) -> int:
        return self.size[self.find(case)] if case in self.parent else 0


class RingsInputError(ValueError):
    """A line of the input that is not a case: the message names the line, in both languages."""

    def __init__(self, line: int, zh: str, en: str) -> None:
        super().__init__(f"第 {line} 行：{zh} / line {line}: {en}")
        self.line = line


def read_cases(lines: Iterable[str]) -> Iterator[tuple[Hashable, list[tuple[str, str]]]]:
    """Cases from JSON lines `{"case": ID, "entities": [{"kind": K, "value": V}, …]}` (blank lines skipped); an
    entity is its kind and value together, so a phone and a plate that happen to be written alike never meet."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RingsInputError(number, f"不是 JSON（{exc.msg}）", f"not JSON ({exc.msg})") from exc
        if not isinstance(record, dict) or "case" not in record:
            raise RingsInputError(number, "缺少 case", "no case")
        case = record["case"]
        if not isinstance(case, str | int) or isinstance(case, bool):
            raise RingsInputError(number, "case 须为字符串或整数", "case must be a string or an integer")
        entities = record.get("entities", [])
        if not isinstance(entities, list):
            raise RingsInputError(number, "entities 须为列表", "entities must be a list")
        found: list[tuple[str, str]] = []
        for entity in entities:
            if not isinstance(entity, dict) or not isinstance(entity.get("kind"), str) or "value" not in entity:
                raise RingsInputError(number, "每个 entity 须有 kind 和 value", "every entity needs a kind and a value")
            found.append((entity["kind"], str(entity["value"])))
        yield case, found


def rings_command(path: str, *, max_degree: int = MAX_DEGREE, min_size: int = MIN_SIZE) -> dict[str, list[list[Any]]]:
    """`claimbridge fraud rings FILE`: the rings of the cases in a JSON-lines file ("-": standard input), as the
    platform's rescan finds them (the same `rings` function)."""
    import sys

    if path == "-":
        found = rings(((case, entities) for case, entities in read_cases(sys.stdin)), max_degree=max_degree,
                      min_size=min_size)  # fmt: skip
    else:
        with open(path, encoding="utf-8") as stream:
            found = rings(read_cases(stream), max_degree=max_degree, min_size=min_size)
    return {"rings": [list(ring) for ring in found]}
