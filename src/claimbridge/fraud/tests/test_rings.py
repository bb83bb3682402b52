"""Rings of cases linked through shared entities, hubs ignored (issue 16; R20, B5): the full scan and the incremental
union–find agree, on planted rings hidden among unrelated cases and hubs."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from claimbridge.fraud.rings import Rings, ring_labels, rings, rings_of_labels


def test_r20_a_planted_ring_is_found_and_a_hub_links_nothing():
    cases = [
        ("c1", [("phone", "p1"), ("plate", "甘K1")]),
        ("c2", [("phone", "p1"), ("shop", "s1")]),
        ("c3", [("shop", "s1"), ("bank", "b1")]),
        ("c4", [("shop", "big4s")]),
        ("c5", [("shop", "big4s")]),
        ("c6", [("shop", "big4s"), ("bank", "b9")]),
        ("c7", [("bank", "b9")]),
    ]
    assert rings(cases, max_degree=2) == [["c1", "c2", "c3"]]  # big4s names 3 cases: a hub
    assert rings(cases, max_degree=3) == [["c4", "c5", "c6", "c7"], ["c1", "c2", "c3"]]
    assert rings(cases[:2], max_degree=3) == []  # two cases are a pair, not a ring


def test_r20_a_case_naming_an_entity_twice_counts_it_once():
    cases = [(f"c{i}", [("shop", "s")] * 5) for i in range(3)]
    assert rings(cases, max_degree=3) == [["c0", "c1", "c2"]]


def _world(seed: int, n: int = 3000, rings_planted: int = 25):
    """Unrelated cases with their own entities, a few hubs every case may name, and planted chains of 3–8 cases."""
    rng = random.Random(seed)
    cases = [(f"x{i}", [("phone", f"own{i}"), ("plate", f"own-plate{i}")] + ([("shop", f"hub{rng.randrange(3)}")]
              if rng.random() < 0.3 else [])) for i in range(n)]  # fmt: skip
    planted = []
    for r in range(rings_planted):
        members = [f"r{r}-{k}" for k in range(rng.randint(3, 8))]
        for k, member in enumerate(members):
            links = [("phone", f"ring{r}-{k}"), ("phone", f"ring{r}-{k + 1}")]  # a chain: k and k+1 share a phone
            cases.append((member, links))
        planted.append(members)
    rng.shuffle(cases)
    return cases, planted


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_r20_planted_rings_are_found_exactly_among_hubs_and_noise(seed):
    cases, planted = _world(seed)
    found = rings(cases, max_degree=50)
    assert sorted(map(sorted, found)) == sorted(map(sorted, planted))


@pytest.mark.parametrize("seed", [4, 5])
def test_r20_the_incremental_groups_are_the_scans_when_no_entity_becomes_a_hub(seed):
    cases, _planted = _world(seed, rings_planted=10)
    cases = [(case, [e for e in entities if e[0] != "shop"]) for case, entities in cases]  # no hubs
    incremental = Rings(max_degree=50)
    sizes = {case: incremental.add(case, entities) for case, entities in cases}
    scanned = {case: len(ring) for ring in rings(cases, min_size=1) for case in ring}
    assert {case: incremental.group_size(case) for case, _ in cases} == scanned
    assert all(size <= scanned[case] for case, size in sizes.items())  # at intake: the group so far


def test_r20_the_array_scan_matches_the_keyed_one():
    rng = np.random.default_rng(7)
    n_cases, n_entities = 2000, 3000
    case_of_link = np.repeat(np.arange(n_cases), 3)
    entity_of_link = rng.integers(0, n_entities, case_of_link.size)
    labels = ring_labels(case_of_link, entity_of_link, n_cases, n_entities, max_degree=50)
    by_arrays = sorted(sorted(g.tolist()) for g in rings_of_labels(labels))
    keyed = [(i, entity_of_link[case_of_link == i].tolist()) for i in range(n_cases)]
    assert by_arrays == sorted(map(sorted, rings(keyed, max_degree=50)))


def _cli(args: list[str], capsys: Any) -> tuple[int, str, str]:
    import pytest

    from claimbridge.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(["fraud", "rings", *args])
    captured = capsys.readouterr()
    return int(stopped.value.code or 0), captured.out, captured.err


def test_r20_the_command_finds_planted_rings_among_noise_and_hubs(tmp_path: Any, capsys: Any) -> None:
    """`claimbridge fraud rings FILE`: three planted rings (chains through a phone, a plate, an account) among 300
    cases of their own, all at one busy 4S shop (a hub) and two at one junction: exactly the planted rings, whatever
    the case ids' types; with `--max-degree` above the shop's degree, the shop joins everything into one."""
    import json
    import random

    rng = random.Random(16)
    lines: list[dict[str, Any]] = []
    planted: list[list[Any]] = [
        [f"r1-{i}" for i in range(4)],
        [f"r2-{i}" for i in range(3)],
        [1001, 1002, 1003, 1004, 1005],
    ]
    kinds = ["phone", "plate", "bank_account"]
    for ring, kind in zip(planted, kinds, strict=True):
        for index, case in enumerate(ring):
            shared = [
                {"kind": kind, "value": f"{ring[0]}-{step}"} for step in (index - 1, index) if 0 <= step < len(ring) - 1
            ]
            lines.append({"case": case, "entities": [*shared, {"kind": "repair_shop", "value": "大型4S店"}]})
    for n in range(300):
        entities = [{"kind": "phone", "value": f"noise-{n}"}, {"kind": "repair_shop", "value": "大型4S店"}]
        if n < 2:
            entities.append({"kind": "place", "value": "busy-junction"})  # a pair: linked, but not a ring
        lines.append({"case": f"n{n}", "entities": entities})
    rng.shuffle(lines)
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", encoding="utf-8")
    status, out, _err = _cli([str(path)], capsys)
    assert status == 0
    found = json.loads(out)["rings"]
    assert sorted(map(sorted, (map(str, ring) for ring in found))) == sorted(sorted(map(str, ring)) for ring in planted)
    assert any(all(isinstance(case, int) for case in ring) for ring in found)  # ids come back as given
    status, out, _err = _cli([str(path), "--max-degree", "1000"], capsys)
    assert [len(ring) for ring in json.loads(out)["rings"]] == [len(lines)]


def test_the_command_refuses_a_bad_line_with_its_number(tmp_path: Any, capsys: Any) -> None:
    import json

    path = tmp_path / "bad.jsonl"
    path.write_text('{"case": 1, "entities": []}\n{"entities": []}\n', encoding="utf-8")
    status, _out, err = _cli([str(path)], capsys)
    assert status == 2
    error = json.loads(err)["error"]
    assert error["field"] == "line 2"
    assert "第 2 行" in error["zh"]
    assert "line 2" in error["en"]
