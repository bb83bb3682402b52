"""The dashboards' queries on a million cases (issue 17; R19, B10): every figure read from the roll-ups, never the
raw rows, against the raw GROUP BY over the same cases in the same run as the yardstick.

    python bench/stats.py --out bench/results/stats.json [--cases 1000000] [--repeat 30]
        [--database postgres://postgres@127.0.0.1:5432/claimbridge_bench_stats]

The bench owns its database (bench_database.py: `claimbridge_bench_stats`, or BENCH_DATABASE_URL, or
BENCH_STATS_DATABASE_URL): dropped, created and migrated fresh, the demo world loaded. The cases (three years of
reports in the two cities' counties, two parties each of the four companies, a third by each channel, half agreed
online, one in twenty with the police, four parties in five with a claim at its steps' times, a third insured in
the other city) are written by SQL; `claimbridge reports rebuild` (`rollups.rebuild`) then computes the facts and the
roll-ups from them, as an operator would after a restore. Each dashboard query (`reports.selectors.compute`, what
the pages and the API call) runs `--repeat` times: the market's quarter, by county, by company, twelve months' trend,
a company's own quarter, by county and by claims unit, a county's waits; `dashboard_p99_ms` is the slowest query's
99th percentile. The yardstick is the raw GROUP BY a dashboard would otherwise run: a quarter's cases joined to their
parties and claims, grouped by county and company, counted and summed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import bench_database
from police_match import column_values
from results_file import write_results

ROOT = Path(__file__).resolve().parents[1]


def generate(cases: int) -> None:
    from django.db import connection

    from claimbridge.accounts.models import User
    from claimbridge.cases.models import Case, CaseParty, Claim
    from claimbridge.organisations.models import ClaimsUnit, County, Insurer

    counties = list(County.objects.order_by("pk").values_list("pk", "city_id"))
    county_ids, city_ids = [c for c, _ in counties], [c for _, c in counties]
    insurers = list(Insurer.objects.order_by("pk").values_list("pk", flat=True))
    units = [ClaimsUnit.objects.filter(branch__insurer_id=pk).order_by("pk").values_list("pk", flat=True).first()
             for pk in insurers]  # fmt: skip
    handler = User.objects.get(username="maiji_hq")
    span = 3 * 365 * 24 * 3600 / cases  # three years of reports, 2024 to 2026
    base = "TIMESTAMPTZ '2024-01-01 00:00:00+08'"
    k = len(counties)
    case_columns, case_values, case_params = column_values(Case, {
        "number": "'S' || lpad(n::text, 12, '0')",
        "state": "CASE WHEN n % 20 = 0 THEN 'police' WHEN n % 2 = 0 THEN 'agreed' ELSE 'reported' END",
        "channel": "(ARRAY['driver', 'adjuster', 'hotline'])[(n % 3) + 1]",
        "county_id": f"(ARRAY{county_ids})[((n * 7) % {k}) + 1]",
        "city_id": f"(ARRAY{city_ids})[((n * 7) % {k}) + 1]",
        "created_at": f"{base} + make_interval(secs => n * {span})",
        "accident_at": f"{base} + make_interval(secs => n * {span} - 600)",
        "agreed_at": f"CASE WHEN n % 2 = 0 AND n % 20 <> 0 THEN {base} + make_interval(secs => n * {span} + 900) END",
    })  # fmt: skip
    m = len(insurers)
    party_columns, party_values, party_params = column_values(CaseParty, {
        "case_id": "c.id", "label": "l.label",
        "insurer_id": f"(ARRAY{insurers})[((c.id + l.k) % {m}) + 1]",
        "claims_unit_id": f"(ARRAY{units})[((c.id + l.k) % {m}) + 1]",
        "underwriting_city_code": "CASE WHEN (c.id + l.k) % 3 = 0 THEN '620500' ELSE '621200' END",
        "route": "CASE WHEN c.state = 'agreed' AND l.k = 0 THEN 'online_one_stop' ELSE '' END",
    })  # fmt: skip
    step = "p.created_at + make_interval(mins => ({})::int)"
    claim_columns, claim_values, claim_params = column_values(Claim, {
        "party_id": "p.id", "registered_by_id": str(handler.pk), "state": "'registered'",
        "first_contact_at": step.format("(p.id * 37) % 90"),
        "assessed_at": step.format("(p.id * 53) % 2880"),
        "settled_at": f"CASE WHEN p.id % 4 <> 0 THEN {step.format('2880 + (p.id * 97) % 10000')} END",
        "payable": "CASE WHEN p.id % 4 <> 0 THEN ((p.id * 131) % 900000) / 100.0 + 100 END",
        "paid_at": f"CASE WHEN p.id % 4 = 1 THEN {step.format('8000 + (p.id * 89) % 20000')} END",
        "paid_amount": "CASE WHEN p.id % 4 = 1 THEN ((p.id * 131) % 900000) / 100.0 + 100 END",
    })  # fmt: skip
    case_table, party_table, claim_table = Case._meta.db_table, CaseParty._meta.db_table, Claim._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {case_table} ({case_columns}) SELECT {case_values} "  # noqa: S608 - our tables
                       f"FROM generate_series(1, {cases}) AS n", case_params)  # fmt: skip
        cursor.execute(f"INSERT INTO {party_table} ({party_columns}) SELECT {party_values} FROM {case_table} c "  # noqa: S608
                       "CROSS JOIN (VALUES ('A', 0), ('B', 1)) AS l(label, k)", party_params)  # fmt: skip
        cursor.execute(f"INSERT INTO {claim_table} ({claim_columns}) SELECT {claim_values} FROM "  # noqa: S608
                       f"(SELECT p.id, c.created_at FROM {party_table} p JOIN {case_table} c ON c.id = p.case_id "
                       "WHERE p.id %% 5 <> 0) p", claim_params)  # fmt: skip
        cursor.execute("ANALYZE")


def queries() -> dict[str, Any]:
    from claimbridge.organisations.models import ClaimsUnit, County, Insurer
    from claimbridge.reports.selectors import FigureQuery

    maiji = Insurer.objects.get(code="maiji").pk
    unit = ClaimsUnit.objects.filter(branch__insurer_id=maiji).order_by("pk").values_list("pk", flat=True).first()
    county = County.objects.get(code="621202").pk
    quarter = FigureQuery(first=date(2026, 7, 1), last=date(2026, 9, 1))
    year = FigureQuery(first=date(2025, 10, 1), last=date(2026, 9, 1))
    return {
        "market_quarter": quarter,
        "market_by_county": replace(quarter, by="county"),
        "market_by_insurer": replace(quarter, by="insurer"),
        "market_trend_12_months": replace(year, by="month"),
        "market_by_channel": replace(quarter, by="channel"),
        "insurer_quarter": replace(quarter, insurer=maiji),
        "insurer_by_county": replace(quarter, insurer=maiji, by="county"),
        "insurer_by_claims_unit": replace(quarter, insurer=maiji, by="claims_unit"),
        "insurer_trend_12_months": replace(year, insurer=maiji, by="month"),
        "county_quarter": replace(quarter, county=county),
        "unit_quarter": replace(quarter, insurer=maiji, claims_unit=unit),
        "market_year_by_quarter": FigureQuery(first=date(2026, 1, 1), last=date(2026, 12, 1), by="quarter"),
    }


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(int(len(ordered) * 0.99 + 0.5) - 1, 0))]


def yardstick(repeat: int) -> list[float]:
    """The raw GROUP BY over the same cases: a quarter's cases × parties × claims, by county and company."""
    from django.db import connection

    from claimbridge.cases.models import Case, CaseParty, Claim

    sql = (
        f"SELECT c.county_id, p.insurer_id, count(DISTINCT c.id), count(p.id), count(cl.id), "  # noqa: S608 - ours
        f"sum(cl.paid_amount), sum(CASE WHEN p.underwriting_city_code <> '621200' THEN 1 ELSE 0 END) "
        f"FROM {Case._meta.db_table} c JOIN {CaseParty._meta.db_table} p ON p.case_id = c.id "
        f"LEFT JOIN {Claim._meta.db_table} cl ON cl.party_id = p.id "
        "WHERE c.created_at >= %s AND c.created_at < %s AND c.state <> 'draft' GROUP BY c.county_id, p.insurer_id"
    )
    samples = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            started = time.perf_counter()
            cursor.execute(sql, ["2026-07-01T00:00:00+08:00", "2026-10-01T00:00:00+08:00"])
            cursor.fetchall()
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL")
                        or bench_database.database_url("stats"))  # fmt: skip
    parser.add_argument("--reuse", action="store_true",
                        help="measure the queries again on the database the last run left (no generation, no rebuild)")  # fmt: skip
    args = parser.parse_args()
    if not args.reuse:
        bench_database.recreate(args.database)
    os.environ.update(bench_database.keys("stats"), DATABASE_URL=args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from claimbridge.cases.models import Case
    from claimbridge.core.demo import load_demo
    from claimbridge.reports import rollups
    from claimbridge.reports.models import CaseRollup, DurationCount, PartyFact
    from claimbridge.reports.selectors import compute

    generate_s = rebuild_s = None
    rebuilt: dict[str, int] = {}
    if not args.reuse:
        call_command("migrate", verbosity=0)
        load_demo()
        started = time.perf_counter()
        generate(args.cases)
        generate_s = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        rebuilt = rollups.rebuild()
        rebuild_s = round(time.perf_counter() - started, 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    for query in queries().values():  # warm: the first query of a process pays for its connection and caches
        compute(query)
    timings: dict[str, list[float]] = {}
    for _ in range(args.repeat):  # interleaved, so that a noisy moment falls on every query alike
        for name, query in queries().items():
            started = time.perf_counter()
            compute(query)
            timings.setdefault(name, []).append((time.perf_counter() - started) * 1000)
    raw = yardstick(max(args.repeat // 3, 3))
    per_query = {name: {"p50_ms": round(statistics.median(samples), 2), "p99_ms": round(p99(samples), 2)}
                 for name, samples in timings.items()}  # fmt: skip
    write_results(args.out, {
        "cases": Case.objects.count(), "parties": PartyFact.objects.count(),
        "dashboard_p99_ms": round(max(p99(samples) for samples in timings.values()), 2),
        "raw_groupby_ms": round(statistics.median(raw), 2), "raw_groupby_p99_ms": round(p99(raw), 2),
        "queries": per_query, "repeat": args.repeat, "case_rollup_rows": CaseRollup.objects.count(),
        "wait_count_rows": DurationCount.objects.count(), "generate_s": generate_s,
        "rebuild_s": rebuild_s, "rebuilt": rebuilt, "reused": args.reuse, "target_dashboard_p99_ms": 100,
    })  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
