"""Fraud rings at the platform's scale (issue 16; R20, B5): a full scan of 1,000,000 cases and the update at intake.

    python bench/rings.py --out bench/results/rings.json [--cases 1000000] [--no-networkx] [--platform-cases 3000]

The graph: each case names 3–5 entities (a person's ID number, a phone, a plate, a VIN, a place…) drawn from a
large pool, so most cases link to a few others by chance; planted rings of 3–12 cases share entities among
themselves; a few hundred hubs (a 4S shop, a tow company, a busy junction) are named by thousands of cases each.

- `scan_s`: the kernel's full scan (`fraud.rings.ring_labels`: hubs dropped, weak components of the case→entity
  graph) on one core — the code the rescan job and `claimbridge fraud rings` run. Best of three.
- `networkx_s`, the yardstick on the same graph in the same run: networkx's `connected_components` over the same
  bipartite graph without the hubs (building the graph included, as the kernel's includes building its matrix).
- `intake_p99_ms`: the incremental update at intake, `fraud.rings.Rings.add`, for each of the million cases in turn
  (99th percentile of each add, in milliseconds) — what a new case needs to learn the size of the ring it joins.
- `platform_intake_p99_ms`: the platform's own intake update (`fraud.linking.case_index` in its transaction on
  SQLite: the case's pseudonyms written, the cases sharing them found, rings joined) for `--platform-cases` cases,
  beside the yardstick of one bare case insert in the same loop (`yardstick_case_insert_median_ms`).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import sys
import time
from pathlib import Path

import numpy as np
from results_file import write_results

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from claimbridge.fraud import rings  # noqa: E402


def graph(cases: int, seed: int = 16) -> tuple[np.ndarray, np.ndarray, int, list[list[int]]]:
    """(case of each link, entity of each link, number of entities, the planted rings)."""
    rng = np.random.default_rng(seed)
    per_case = rng.integers(3, 6, size=cases)
    case_of_link = np.repeat(np.arange(cases, dtype=np.int64), per_case)
    pool = cases * 100  # chance links happen (one case in ten shares something by chance); chance rings are rare
    entity_of_link = rng.integers(0, pool, size=case_of_link.size, dtype=np.int64)
    hubs = 300
    hub_links = rng.random(case_of_link.size) < 0.06
    entity_of_link[hub_links] = pool + rng.integers(0, hubs, size=int(hub_links.sum()))
    planted: list[list[int]] = []
    next_entity = pool + hubs
    starts = np.flatnonzero(np.r_[True, case_of_link[1:] != case_of_link[:-1]])
    for members in np.split(
        rng.permutation(cases)[: cases // 100 * 3], np.cumsum(rng.integers(3, 13, size=cases // 100 + 1))
    ):
        if members.size < 3:
            break
        for a, b in itertools.pairwise(members):  # a chain: each shares one entity with the next
            entity_of_link[starts[a]] = next_entity
            entity_of_link[starts[b] + 1] = next_entity
            next_entity += 1
        planted.append(sorted(members.tolist()))
    used, entity_of_link = np.unique(entity_of_link, return_inverse=True)  # entities numbered 0… as the index does
    return case_of_link, entity_of_link.astype(np.int64), int(used.size), planted


def scan_seconds(case_of_link: np.ndarray, entity_of_link: np.ndarray, cases: int, entities: int) -> tuple[float, np.ndarray]:  # fmt: skip
    best, labels = float("inf"), np.empty(0)
    for _ in range(3):
        gc.collect()
        started = time.perf_counter()
        labels = rings.ring_labels(case_of_link, entity_of_link, cases, entities)
        best = min(best, time.perf_counter() - started)
    return best, labels


def networkx_seconds(case_of_link: np.ndarray, entity_of_link: np.ndarray, cases: int) -> tuple[float, int]:
    import networkx as nx  # type: ignore[import-untyped]

    degree = np.bincount(np.unique(np.c_[case_of_link, entity_of_link], axis=0)[:, 1])
    keep = degree[entity_of_link] <= rings.MAX_DEGREE
    gc.collect()
    started = time.perf_counter()
    g = nx.Graph()
    g.add_nodes_from(range(cases))
    g.add_edges_from(zip(case_of_link[keep].tolist(), (entity_of_link[keep] + cases).tolist(), strict=True))
    groups = sum(1 for group in nx.connected_components(g) if sum(1 for node in group if node < cases) >= 3)
    return time.perf_counter() - started, groups


def intake_p99_ms(case_of_link: np.ndarray, entity_of_link: np.ndarray) -> float:
    kept = rings.Rings()
    starts = np.flatnonzero(np.r_[True, case_of_link[1:] != case_of_link[:-1], True])
    entities = entity_of_link.tolist()
    times = np.empty(starts.size - 1)
    clock = time.perf_counter
    for case in range(starts.size - 1):
        chosen = entities[starts[case] : starts[case + 1]]
        started = clock()
        kept.add(case, chosen)
        times[case] = clock() - started
    return float(np.percentile(times, 99) * 1000)


def platform_intake(cases: int) -> dict[str, float]:
    """The platform's update at intake, on a fresh SQLite database (tests.settings), `cases` cases in turn."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django
    from django.conf import settings

    settings.DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0, run_syncdb=True)
    from claimbridge.cases.models import Case, CaseParty
    from claimbridge.fraud import linking

    rng = np.random.default_rng(7)
    times, yardstick = [], []
    for n in range(cases):
        started = time.perf_counter()
        case = Case.objects.create(number=f"B{n:08d}", channel="driver", latitude=33.3 + rng.random() * 0.5,
                                   longitude=104.9 + rng.random() * 0.5)  # fmt: skip
        yardstick.append(time.perf_counter() - started)
        for label in "AB":  # one vehicle in five and one mobile in ten seen before: repeat customers and rings
            CaseParty.objects.create(case=case, label=label, plate=f"甘K{rng.integers(0, cases * 5):05d}",
                                     driver_phone=f"139{rng.integers(0, cases * 10):08d}")  # fmt: skip
        started = time.perf_counter()
        with transaction.atomic():
            linking.case_index(case)
        times.append(time.perf_counter() - started)
    return {"platform_intake_p99_ms": float(np.percentile(times, 99) * 1000),
            "platform_intake_median_ms": float(np.median(times) * 1000), "platform_cases": cases,
            "yardstick_case_insert_median_ms": float(np.median(yardstick) * 1000)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--no-networkx", action="store_true")
    parser.add_argument("--platform-cases", type=int, default=3000)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    case_of_link, entity_of_link, entities, planted = graph(args.cases)
    scan_s, labels = scan_seconds(case_of_link, entity_of_link, args.cases, entities)
    found = rings.rings_of_labels(labels)
    found_sets = {tuple(group.tolist()) for group in found}
    recovered = sum(1 for ring in planted if all(labels[c] == labels[ring[0]] for c in ring))
    results: dict[str, object] = {
        "cases": args.cases, "links": int(case_of_link.size), "entities": entities, "scan_s": round(scan_s, 3),
        "rings_found": len(found_sets), "planted_rings": len(planted), "planted_rings_joined": recovered,
        "target_scan_s": 1.5, "target_intake_p99_ms": 5.0,
    }  # fmt: skip
    if not args.no_networkx:
        networkx_s, groups = networkx_seconds(case_of_link, entity_of_link, args.cases)
        results |= {"networkx_s": round(networkx_s, 3), "networkx_rings": groups,
                    "networkx_over_scan": round(networkx_s / scan_s, 1)}  # fmt: skip
    results["intake_p99_ms"] = round(intake_p99_ms(case_of_link, entity_of_link), 4)
    if args.platform_cases:
        results |= {key: round(value, 3) for key, value in platform_intake(args.platform_cases).items()}
    write_results(args.out, results)


if __name__ == "__main__":
    main()
