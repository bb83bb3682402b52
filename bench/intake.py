"""Case intake over HTTP (issue 6): a real server on PostgreSQL with the production settings, driven from another
process through the JSON API, against a bare endpoint on the same server that inserts one row through the ORM.

    python bench/intake.py --out bench/results/intake.json [--seconds 20] [--concurrency 12] [--workers 3]
        [--database postgres://postgres@127.0.0.1:5432/claimbridge_bench_intake]

The bench owns its database (bench_database.py: `claimbridge_bench_intake`, or BENCH_INTAKE_DATABASE_URL) and its
keys: the database is dropped, created and migrated fresh, and the demo world loaded, before the server starts.

Each case creation is what an insurer's hotline system sends: a county, the time, two parties with plates and
insurers, and an Idempotency-Key; the server validates it, looks the plates up in the policy register, routes each
party to its claims unit, numbers the case, writes the parties, the first audit event and the webhook outbox.
The server is Granian (decision 0010; `--server gunicorn` to compare) with the production settings (DEBUG off);
only the bench endpoint is switched on. The two endpoints are driven in alternating rounds, so that a slower spell
of a shared machine weighs on both sides of the ratio alike.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bench_database
from results_file import write_results

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
COUNTIES = ["621202", "621221", "621222", "621223", "621224", "621225", "621226", "621227", "621228",
            "620502", "620503", "620521", "620522", "620523", "620524", "620525"]  # fmt: skip
INSURERS = ["tianlong", "maiji", "fuxi", "bailong"]
SERIAL = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def random_plate(rng: random.Random) -> str:
    return "甘" + rng.choice("EK") + "".join(rng.choice(SERIAL) for _ in range(5))


def case_body(rng: random.Random) -> bytes:
    at = datetime.now(UTC) - timedelta(minutes=rng.randint(5, 600))
    parties = [{"label": label, "plate": random_plate(rng), "insurer": rng.choice(INSURERS)} for label in "AB"]
    return json.dumps({"county": rng.choice(COUNTIES), "accident_at": at.isoformat(), "parties": parties}).encode()


def drive(port: int, path: str, headers: dict[str, str], seconds: float, concurrency: int, with_body: bool,
          queue: multiprocessing.Queue) -> None:  # fmt: skip
    """The client process: `concurrency` threads, each on a kept-alive connection, posting for `seconds`."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        while time.perf_counter() < deadline:
            body = case_body(rng) if with_body else b"{}"
            request_headers = headers | {"Idempotency-Key": uuid.UUID(int=rng.getrandbits(128)).hex}
            started = time.perf_counter()
            for attempt in (1, 2):  # a kept-alive connection the server has just closed is retried once, as browsers do
                try:
                    connection.request("POST", path, body=body, headers=request_headers)
                    response = connection.getresponse()
                    payload = response.read()
                    break
                except (OSError, http.client.HTTPException) as error:
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    if attempt == 2:
                        with lock:
                            failures.append(repr(error))
                        response = None
            if response is None:
                continue
            elapsed = time.perf_counter() - started
            if response.status != 201:
                with lock:
                    failures.append(f"{response.status} {payload[:200]!r}")
                continue
            mine.append(elapsed)
        with lock:
            latencies.extend(mine)

    base = secrets.randbits(64)  # fresh Idempotency-Keys every run: none is a retry
    threads = [threading.Thread(target=worker, args=(base + seed,)) for seed in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put({"elapsed": time.perf_counter() - started, "latencies": latencies, "failures": failures[:5],
               "failure_count": len(failures)})  # fmt: skip


def run_load(port: int, path: str, headers: dict[str, str], seconds: float, concurrency: int, with_body: bool) -> dict:
    queue: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()
    process = multiprocessing.get_context("spawn").Process(
        target=drive, args=(port, path, headers, seconds, concurrency, with_body, queue)
    )
    process.start()
    result = queue.get()
    process.join()
    if result["failure_count"]:
        print(f"{path}: {result['failure_count']} failures, e.g. {result['failures']}", file=sys.stderr)
    return result


def summary(path: str, results: list[dict]) -> dict:
    latencies = sorted(latency for result in results for latency in result["latencies"])
    if not latencies:
        raise SystemExit(f"{path}: no request succeeded")
    return {
        "per_s": round(len(latencies) / sum(result["elapsed"] for result in results), 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 2),
        "requests": len(latencies),
        "failures": sum(result["failure_count"] for result in results),
    }


def server_environment(database: str) -> dict[str, str]:
    return os.environ | bench_database.keys("intake") | {
        "DJANGO_SETTINGS_MODULE": "claimbridge.settings", "DATABASE_URL": database, "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0",
        "BENCH_ENDPOINTS": "1", "CONN_MAX_AGE": "600", "PYTHONPATH": str(ROOT / "src"),
    }  # fmt: skip


def prepare_database(database: str, environment: dict[str, str]) -> str:
    """Create the bench's database fresh and migrate it, load the demo world, and issue the hotline system's key."""
    bench_database.recreate(database)
    claimbridge = str(BIN / "claimbridge")
    subprocess.run([claimbridge, "migrate", "--noinput", "-v", "0"], env=environment, check=True)  # noqa: S603
    subprocess.run([claimbridge, "collectstatic", "--noinput", "-v", "0"], env=environment, check=True)  # noqa: S603
    script = (
        "import django; django.setup()\n"
        "from claimbridge.core.demo import load_demo\n"
        "from claimbridge.accounts.models import User\n"
        "load_demo()\n"
        "from claimbridge.accounts.api_keys import api_key_create\n"
        "key, token = api_key_create(user=User.objects.get(username='tianlong_unit1'), name='bench')\n"
        "print(token)\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [str(BIN / "python"), "-c", script], env=environment, check=True, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1]


def wait_until_up(port: int, server: subprocess.Popen) -> None:
    for _ in range(200):
        if server.poll() is not None:
            raise SystemExit("the server did not start")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("the server did not answer /healthz")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seconds", type=float, default=40, help="per endpoint, split into rounds")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--server", choices=["granian", "gunicorn"], default="granian")
    parser.add_argument("--database", default=bench_database.database_url("intake"))
    args = parser.parse_args()
    environment = server_environment(args.database)
    token = prepare_database(args.database, environment)
    if args.server == "gunicorn":
        command = [str(BIN / "gunicorn"), "claimbridge.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers),
                   "--worker-class", "gthread", "--threads", str(args.threads), "--keep-alive", "30", "--log-level", "warning"]  # fmt: skip
    else:
        command = [str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(args.port),
                   "--workers", str(args.workers), "--blocking-threads", str(args.threads), "--log-level", "warning",
                   "claimbridge.wsgi:application"]  # fmt: skip
    server = subprocess.Popen(command, env=environment, cwd=ROOT)  # noqa: S603
    try:
        wait_until_up(args.port, server)
        api_headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}", "Host": "127.0.0.1"}
        bare_headers = {"Host": "127.0.0.1"}
        run_load(args.port, "/api/v1/cases", api_headers, 3, args.concurrency, True)  # warm-up: imports, connections
        run_load(args.port, "/bench/bare-insert", bare_headers, 3, args.concurrency, False)
        # Alternating rounds, so that a slower spell of a shared machine weighs on both sides of the ratio alike.
        creates_rounds, bare_rounds = [], []
        for _ in range(args.rounds):
            creates_rounds.append(run_load(args.port, "/api/v1/cases", api_headers, args.seconds / args.rounds,
                                           args.concurrency, True))  # fmt: skip
            bare_rounds.append(run_load(args.port, "/bench/bare-insert", bare_headers, args.seconds / args.rounds,
                                        args.concurrency, False))  # fmt: skip
        creates, bare = summary("/api/v1/cases", creates_rounds), summary("/bench/bare-insert", bare_rounds)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    write_results(args.out, {
        "creates_per_s": creates["per_s"], "p50_ms": creates["p50_ms"], "p99_ms": creates["p99_ms"],
        "bare_insert_per_s": bare["per_s"], "bare_p50_ms": bare["p50_ms"], "bare_p99_ms": bare["p99_ms"],
        "ratio_to_bare": round(creates["per_s"] / bare["per_s"], 3),
        "creates": creates["requests"], "failures": creates["failures"] + bare["failures"],
        "seconds": args.seconds, "concurrency": args.concurrency, "server": f"{args.server} {args.workers}x{args.threads}",
        "cores": os.cpu_count(), "database": "postgresql",
    })  # fmt: skip


if __name__ == "__main__":
    main()
