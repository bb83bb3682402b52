"""Policy register speed on PostgreSQL (issue 5): import of a CSV of N policies, and plate lookups at an instant.

    python bench/policies.py --out bench/results/policies.json [--policies 1000000]
        [--database postgres://postgres@127.0.0.1:5432/claimbridge_bench_policies]

The bench owns its database (bench_database.py: `claimbridge_bench_policies`, or BENCH_POLICIES_DATABASE_URL) and
its keys: the database is dropped, created and migrated fresh, the demo world loaded and emptied of policies, then
the register is loaded through the same service the web upload and the management command use (parsing and
checking every row, encrypting personal data, upserting by policy number). Lookups ask for the policies in force for
a random loaded plate at a random instant.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import bench_database
from results_file import write_results

ROOT = Path(__file__).resolve().parents[1]
CST = timezone(timedelta(hours=8))
SERIAL = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def plate_for(index: int) -> str:
    letter = "EK"[index % 2]
    serial = ""
    value = index // 2
    for _ in range(5):
        serial += SERIAL[value % len(SERIAL)]
        value //= len(SERIAL)
    return f"甘{letter}{serial}"


def write_csv(path: Path, count: int, rng: random.Random) -> None:
    branches = ["621200", "620500"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["policy_number", "branch", "cover_type", "plate", "start", "end", "limit", "holder_name", "holder_phone"]
        )
        for index in range(count):
            year = 2023 + index % 3
            third_party = index % 2 == 1
            writer.writerow([
                f"B{index:09d}", branches[index % 2], "third_party" if third_party else "ctpl", plate_for(index // 2),
                f"{year}-{1 + index % 12:02d}-01", f"{year + 1}-{1 + index % 12:02d}-01" if index % 12 else f"{year}-12-31",
                "1000000" if third_party else "", f"车主{index % 9973}", f"139{index % 100_000_000:08d}",
            ])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--policies", type=int, default=1_000_000)
    parser.add_argument("--database", default=bench_database.database_url("policies"))
    args = parser.parse_args()

    bench_database.recreate(args.database)
    os.environ.update(bench_database.keys("policies"), DATABASE_URL=args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from claimbridge.accounts.models import User
    from claimbridge.core.demo import load_demo
    from claimbridge.policies import services
    from claimbridge.policies.models import Policy, PolicyLoad, PolicyVersion
    from claimbridge.policies.selectors import in_force_versions
    from claimbridge.policies.tables import read_rows

    load_demo()
    PolicyVersion.objects.all().delete()
    Policy.objects.all().delete()
    PolicyLoad.objects.all().delete()
    rng = random.Random(2026)
    csv_path = ROOT / "var" / f"bench-policies-{args.policies}.csv"
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(csv_path, args.policies, rng)

    user = User.objects.get(username="tianlong_hq")
    assert user.insurer is not None
    load, _ = services.policy_load_start(insurer=user.insurer, user=user, source="command", file_name=csv_path.name)
    started = time.perf_counter()
    with csv_path.open("rb") as stream:
        load = services.policy_rows_load(load=load, rows=read_rows(stream, csv_path.name), total=args.policies)
    import_seconds = time.perf_counter() - started
    assert load.rows_rejected == 0, load.errors[:3]

    timings = []
    for _ in range(2000):
        plate = plate_for(rng.randrange(args.policies // 2))
        instant = datetime(2023, 1, 1, tzinfo=CST) + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
        begin = time.perf_counter()
        list(in_force_versions(plate=plate, at=instant))
        timings.append((time.perf_counter() - begin) * 1000)
    timings.sort()
    results = {
        "import_rows_per_s": round(args.policies / import_seconds),
        "import_seconds": round(import_seconds, 1),
        "lookup_p99_ms": round(timings[int(len(timings) * 0.99)], 2),
        "lookup_p50_ms": round(timings[len(timings) // 2], 2),
        "policies": args.policies,
        "database": "PostgreSQL",
    }
    csv_path.unlink()
    write_results(args.out, results)


if __name__ == "__main__":
    main()
