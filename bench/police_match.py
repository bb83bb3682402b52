"""Matching traffic-police records to cases on PostgreSQL (issue 15, R20): N records against M cases.

    python bench/police_match.py --out bench/results/police_match.json [--records 100000] [--cases 1000000]
        [--database postgres://postgres@127.0.0.1:5432/claimbridge_bench_police_match]

The bench owns its database (bench_database.py: `claimbridge_bench_police_match`, or BENCH_DATABASE_URL, or
BENCH_POLICE_MATCH_DATABASE_URL): dropped, created and migrated fresh, the demo world loaded. The cases (two parties
each, a year of accidents in the two cities' counties, half of them agreed online, one in twenty sent to the police)
and the records (nine in ten of a case — its plates, a time up to an hour off, a point nearby, the police's liability
sometimes not the agreement's — the rest of vehicles no case knows) are written by SQL. `match_s` is one whole run of
the service the task runs (`police.services.police_match_run`): the candidate cases found by three bulk joins, the
kernel's sorted merge, and the matches and signals stored.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import bench_database
from results_file import write_results

ROOT = Path(__file__).resolve().parents[1]
SERIAL = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def plate_sql(n: str) -> str:
    """A valid ordinary plate from an integer expression, in SQL: 甘E/甘K and five serial characters."""
    digits = " || ".join(f"substr('{SERIAL}', (({n}) / {34**k} % 34)::int + 1, 1)" for k in range(5))
    return f"'甘' || (CASE WHEN ({n}) % 2 = 0 THEN 'E' ELSE 'K' END) || {digits}"


def column_values(model: Any, overrides: dict[str, str]) -> tuple[str, str, list[Any]]:
    """Columns of `model`'s table and a SELECT list: an SQL expression for the overridden, the field's default else."""
    from django.db import connection

    columns: list[str] = []
    values: list[str] = []
    params: list[Any] = []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in overrides:
            values.append(overrides[field.column].replace("%", "%%"))  # modulo, not a placeholder
            continue
        default = field.get_default() if field.has_default() else (None if field.null else "")
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            values.append("now()")
            continue
        values.append("%s")
        params.append(field.get_db_prep_save(default, connection))
    return ", ".join(columns), ", ".join(values), params


def generate(records: int, cases: int) -> None:
    from django.db import connection

    from claimbridge.accounts.models import User
    from claimbridge.cases.models import Case, CaseParty
    from claimbridge.organisations.models import County, Insurer, TrafficPoliceUnit
    from claimbridge.police.models import PoliceLoad, PoliceRecord, PoliceVehicle

    counties = list(County.objects.values_list("pk", flat=True))
    insurers = list(Insurer.objects.values_list("pk", flat=True))
    unit = TrafficPoliceUnit.objects.get(city__code="621200", county=None)
    police = User.objects.get(username="police_ln")
    load = PoliceLoad.objects.create(unit=unit, loaded_by=police, source="api", status="done")
    # case n: at base + n × (a year / M); a point scattered over a degree of south-east Gansu; county and insurers by n
    span = 365 * 24 * 3600 / cases
    base = "TIMESTAMPTZ '2025-01-01 00:00:00+08'"
    case_columns, case_values, case_params = column_values(Case, {
        "number": "'B' || lpad(n::text, 12, '0')",
        "state": "CASE WHEN n % 20 = 0 THEN 'police' WHEN n % 2 = 0 THEN 'agreed' ELSE 'reported' END",
        "channel": "'hotline'",
        "county_id": f"(ARRAY{counties})[(n % {len(counties)}) + 1]",
        "accident_at": f"{base} + make_interval(secs => n * {span})",
        "latitude": "33.0 + ((n::bigint * 7919) % 1000) / 1000.0", "longitude": "104.5 + ((n::bigint * 104729) % 997) / 997.0",
        "circumstances": "CASE WHEN n % 2 = 0 AND n % 20 <> 0 THEN '{\"A\": [1], \"B\": []}'::jsonb ELSE '{}'::jsonb END",
        "agreed_at": f"CASE WHEN n % 2 = 0 AND n % 20 <> 0 THEN {base} + make_interval(secs => n * {span} + 600) END",
    })  # fmt: skip
    party_columns, party_values, party_params = column_values(CaseParty, {
        "case_id": "c.id", "label": "l.label",
        "plate": plate_sql("c.id * 2 + l.k"),
        "insurer_id": f"(ARRAY{insurers})[((c.id + l.k) % {len(insurers)}) + 1]",
    })  # fmt: skip
    # record i is of case 10·i (nine in ten: i % 10 < 9) or of vehicles no case has (plates beyond every case's)
    record_columns, record_values, record_params = column_values(PoliceRecord, {
        "unit_id": str(unit.pk), "number": "'P' || lpad(i::text, 10, '0')",
        "accident_at": f"{base} + make_interval(secs => (i * 10) * {span} + ((i % 120) - 60) * 60)",
        "latitude": "33.0 + ((i::bigint * 10 * 7919) % 1000) / 1000.0 + 0.002",
        "longitude": "104.5 + ((i::bigint * 10 * 104729) % 997) / 997.0",
        "county_id": f"(ARRAY{counties})[((i * 10) % {len(counties)}) + 1]",
        "accident_type": "'property'", "load_id": str(load.pk), "loaded_by_id": str(police.pk),
        "content_digest": "md5(i::text)",
    })  # fmt: skip
    vehicle_columns, vehicle_values, vehicle_params = column_values(PoliceVehicle, {
        "record_id": "r.id", "position": "l.k + 1",
        "plate": f"CASE WHEN r.i % 10 < 9 THEN {plate_sql('(r.i * 10) * 2 + l.k')} ELSE {plate_sql(f'{cases * 2 + 10} + r.i * 2 + l.k')} END",
        "liability": "CASE WHEN l.k = 0 THEN (CASE WHEN r.i % 7 = 0 THEN 'none' ELSE 'full' END) ELSE 'none' END",
    })  # fmt: skip
    case_table, party_table = Case._meta.db_table, CaseParty._meta.db_table
    record_table, vehicle_table = PoliceRecord._meta.db_table, PoliceVehicle._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {case_table} ({case_columns}) SELECT {case_values} "  # noqa: S608
                       f"FROM generate_series(1, {cases}) AS n", case_params)  # fmt: skip
        cursor.execute(f"INSERT INTO {party_table} ({party_columns}) SELECT {party_values} FROM {case_table} c "  # noqa: S608
                       "CROSS JOIN (VALUES ('A', 0), ('B', 1)) AS l(label, k)", party_params)  # fmt: skip
        cursor.execute(f"INSERT INTO {record_table} ({record_columns}) SELECT {record_values} "  # noqa: S608
                       f"FROM generate_series(1, {records}) AS i", record_params)  # fmt: skip
        cursor.execute(
            f"INSERT INTO {vehicle_table} ({vehicle_columns}) SELECT {vehicle_values} "  # noqa: S608
            f"FROM (SELECT id, substr(number, 2)::int AS i FROM {record_table}) r CROSS JOIN (VALUES (0), (1)) AS l(k)",
            vehicle_params,
        )
        cursor.execute("ANALYZE")


def yardstick() -> float:
    """A yardstick timed in the same run (the machine is shared and noisy): the bare join the matching starts from —
    every police record's plates against every case party's plate, counted, nothing decided or stored."""
    from django.db import connection

    from claimbridge.cases.models import CaseParty
    from claimbridge.police.models import PoliceVehicle

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {PoliceVehicle._meta.db_table} v "  # noqa: S608 - our tables
            f"JOIN {CaseParty._meta.db_table} p ON p.plate = v.plate"
        )
        cursor.fetchone()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL")
                        or bench_database.database_url("police_match"))  # fmt: skip
    args = parser.parse_args()
    if args.records > args.cases // 10:
        parser.error("--records at most a tenth of --cases (record i is of case 10·i)")
    bench_database.recreate(args.database)
    os.environ.update(bench_database.keys("police_match"), DATABASE_URL=args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from claimbridge.core.demo import load_demo
    from claimbridge.police.matching import police_match_run

    call_command("migrate", verbosity=0)
    load_demo()
    started = time.perf_counter()
    generate(args.records, args.cases)
    generate_s = time.perf_counter() - started
    yardstick_s = yardstick()
    started = time.perf_counter()
    figures = police_match_run(as_of=timezone.now())
    match_s = time.perf_counter() - started
    write_results(args.out, {
        "records": args.records, "cases": args.cases, "match_s": round(match_s, 2), "generate_s": round(generate_s, 2),
        "yardstick_s": round(yardstick_s, 2), "matches": figures["matches"], "signals": figures["signals"],
        "candidate_cases": figures["cases"], "target_s": 30,
    })  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
