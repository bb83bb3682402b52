"""`make rehearse`: production as it will run, on one machine, under load and faults (issue 19; B8, B9, B7, R19).

Starts PostgreSQL (the machine's server, a database of the rehearsal's own), an S3-compatible server (moto's server
mode), Redis (the machine's, a database number of its own), three application processes (Granian, production
settings) reached round-robin by the client as a load balancer would, two task workers and the webhook loop
(`claimbridge deliver_webhooks --loop`, a systemd unit in production); drives the traffic of deploy/load.py for --seconds; kills an
application process and a worker with SIGKILL and starts them again, and restarts PostgreSQL once; waits for the
queues to drain; then judges the promises (deploy/rehearsal_django.py) and writes var/rehearsal.json:

    {"requests", "errors", "lost", "duplicated", "orphans", "webhooks_undelivered", "creates_per_s", "p99_ms", …}

Exit status 1 when a promise is broken. Options: --seconds (load, default 120), --threads (default 6),
--tasks rq|db (default rq), --keep (leave the database for a look afterwards), --no-faults (load only),
--seed, --out.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402

APP_PORTS = [8311, 8312, 8313]
RECEIVER_PORT = 8320
S3_PORT = 8321
DATABASE = os.environ.get("REHEARSAL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/claimbridge_rehearsal")
REDIS_URL = os.environ.get("REHEARSAL_REDIS_URL", "redis://127.0.0.1:6379/7")
BUCKET = "claimbridge-rehearsal"


def say(message: str) -> None:
    print(f"[rehearse {time.strftime('%H:%M:%S')}] {message}", flush=True)


def keys() -> dict[str, str]:
    seed = hashlib.sha256(b"claimbridge rehearsal: throwaway data only").digest()
    return {
        "SECRET_KEY": f"rehearsal-only-{seed.hex()}",
        "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(seed).decode(),
        "AUDIT_CHAIN_KEYS": f"rehearsal-chain-{seed.hex()}",
        "AUDIT_CHECKPOINT_KEY": base64.b64encode(seed).decode(),
        "LINK_INDEX_KEYS": f"1:rehearsal-links-{seed.hex()}",
    }


def environment(var: Path, tasks: str) -> dict[str, str]:
    env = os.environ | keys() | {
        "DJANGO_SETTINGS_MODULE": "claimbridge.settings", "DATABASE_URL": DATABASE, "DEBUG": "0",
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT / 'deploy'}", "CLAIMBRIDGE_VAR_DIR": str(var),
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0", "PROXY_COUNT": "1", "CONN_MAX_AGE": "60",
        "SITE_URL": f"http://127.0.0.1:{APP_PORTS[0]}",
        "COUNTY_BOUNDARIES_FILE": str(ROOT / "tests/data/gansu_longnan_tianshui_counties.geojson"),
        "S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": f"http://127.0.0.1:{S3_PORT}", "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "rehearsal", "S3_SECRET_ACCESS_KEY": "rehearsal-secret",
        "SMS_BACKEND": "claimbridge.core.sms.HttpSmsBackend", "SMS_GATEWAY_URL": f"http://127.0.0.1:{RECEIVER_PORT}/sms",
        "WEBHOOK_FIRST_RETRY_SECONDS": "3", "WEBHOOK_LEASE_SECONDS": "15", "LOG_LEVEL": "WARNING",
        "REDIS_URL": REDIS_URL, "TASKS_BACKEND": "rq" if tasks == "rq" else "database",
        "EVIDENCE_ORPHAN_GRACE_HOURS": "24",
    }  # fmt: skip
    return env


class Stack:
    """The processes of the rehearsal, each with its log under var/rehearsal/."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.processes: dict[str, subprocess.Popen] = {}
        self.commands: dict[str, list[str]] = {}
        self.restarts: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.stopping = False

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - kept open for the process's life
        process = subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
        with self.lock:
            self.processes[name], self.commands[name] = process, command
        return process

    def kill(self, name: str) -> None:
        """SIGKILL to the process group: Granian's workers and RQ's work horses die with their parent. The supervisor
        leaves it down until `start` is called again."""
        with self.lock:
            process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def supervise(self, began: float) -> None:
        """What systemd's `Restart=always` does in production (deploy/systemd/): a process that exits on its own is
        started again after a second, and the restart is reported."""
        while not self.stopping:
            time.sleep(0.5)
            with self.lock:
                exited = [(name, p) for name, p in self.processes.items() if p.poll() is not None]
            for name, process in exited:
                if self.stopping:
                    return
                time.sleep(1)
                self.restarts.append({"process": name, "exit_code": process.returncode,
                                      "at_s": round(time.perf_counter() - began, 1)})  # fmt: skip
                say(f"{name} exited with {process.returncode}: started again")
                self.start(name, self.commands[name])

    def stop_all(self) -> None:
        self.stopping = True
        for process in self.processes.values():
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        deadline = time.monotonic() + 15
        for name in list(self.processes):
            process = self.processes[name]
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.kill(name)


def app_command(port: int) -> list[str]:
    return [str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
            "--blocking-threads", "4", "--log-level", "warning", "claimbridge.wsgi:application"]  # fmt: skip


def worker_command() -> list[str]:
    """`claimbridge worker`: the worker of whichever task backend the settings name (RQ or the database's)."""
    return [
        str(BIN / "claimbridge"),
        "worker" if (ROOT / "src/claimbridge/core/management/commands/worker.py").exists() else "db_worker",
    ]


def wait_http(port: int, path: str = "/healthz", seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path, headers={"Host": "127.0.0.1"})
            if connection.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"nothing answered on port {port}{path}")


def run(command: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, cwd=ROOT, check=True, **kwargs)


def recreate_database() -> None:
    import psycopg
    from psycopg import sql

    name = DATABASE.rsplit("/", 1)[1]
    if "rehearsal" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the rehearsal's database has 'rehearsal' in its name")
    with psycopg.connect(DATABASE.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def redis_flush() -> None:
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    connection.ping()
    connection.flushdb()


def create_bucket() -> None:
    import boto3  # type: ignore[import-untyped]

    s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{S3_PORT}", region_name="us-east-1",
                      aws_access_key_id="rehearsal", aws_secret_access_key="rehearsal-secret")  # fmt: skip
    s3.create_bucket(Bucket=BUCKET)


def ensure_services() -> None:
    """PostgreSQL and Redis are this machine's (started before each session); start them if they are not running."""
    import psycopg
    import redis

    try:
        psycopg.connect(DATABASE.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
    except psycopg.OperationalError:
        versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
        if not versions:
            raise SystemExit(
                f"PostgreSQL does not answer at {DATABASE.rsplit('@', 1)[-1]} and is not installed here"
            ) from None
        say("starting PostgreSQL")
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"], check=True)
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.ConnectionError:
        if not shutil.which("redis-server"):
            raise SystemExit(f"Redis does not answer at {REDIS_URL} and redis-server is not installed") from None
        say("starting Redis")
        subprocess.run(["redis-server", "--port", REDIS_URL.rsplit(":", 1)[1].split("/")[0], "--daemonize", "yes"],
                       check=True)  # fmt: skip
        time.sleep(1)


def restart_postgres() -> float:
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    started = time.perf_counter()
    if versions and shutil.which("pg_ctlcluster"):
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "restart"], check=True)
    else:
        raise SystemExit("PostgreSQL restart: no pg_ctlcluster here (set up for Debian's PostgreSQL)")
    return time.perf_counter() - started


def backlog(env: dict[str, str]) -> dict[str, int]:
    import psycopg

    def count(connection: psycopg.Connection, query: str) -> int:
        row = connection.execute(query).fetchone()
        return int(row[0]) if row else 0

    with psycopg.connect(DATABASE, connect_timeout=5) as connection:
        webhooks = count(
            connection,
            "SELECT count(*) FROM cases_outboxmessage m JOIN cases_webhookendpoint e "
            "ON e.id = m.endpoint_id WHERE e.active AND m.delivered_at IS NULL AND m.given_up_at IS NULL",
        )
        pending = count(
            connection,
            "SELECT count(*) FROM evidence_evidenceitem i JOIN evidence_storedobject s "
            "ON s.id = i.stored_id WHERE s.kind = 'image' AND i.searched_at IS NULL",
        )
        queued = 0
        if env["TASKS_BACKEND"] != "rq":
            queued = count(connection, "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'")
    if env["TASKS_BACKEND"] == "rq":
        import redis
        import rq

        store = redis.Redis.from_url(REDIS_URL)
        queued = sum(len(queue) for queue in rq.Queue.all(connection=store))
    return {"webhooks": webhooks, "tasks": queued, "pending": pending}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--tasks", choices=["rq", "db"], default="rq")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--out", default=str(ROOT / "var/rehearsal.json"))
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--no-faults", action="store_true", help="load only: the capacity figures of docs/capacity.md")
    args = parser.parse_args()
    began = time.perf_counter()
    var = ROOT / "var/rehearsal"
    shutil.rmtree(var, ignore_errors=True)
    (var / "logs").mkdir(parents=True)
    env = environment(var, args.tasks)
    stack = Stack(env, var / "logs")
    faults: list[dict[str, Any]] = []
    try:
        say(f"PostgreSQL {DATABASE.rsplit('@', 1)[-1]}, Redis {REDIS_URL}, S3 on {S3_PORT}, tasks: {args.tasks}")
        ensure_services()
        recreate_database()
        redis_flush()
        stack.start("s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(S3_PORT)])
        wait_http(S3_PORT, "/")
        create_bucket()
        run([str(BIN / "claimbridge"), "migrate", "--noinput", "-v", "0"], env)
        run([str(BIN / "claimbridge"), "collectstatic", "--noinput", "-v", "0"], env)
        secrets_file = var / "hooks.json"
        done = run([str(BIN / "python"), str(ROOT / "deploy/rehearsal_django.py"), "setup",
                    f"http://127.0.0.1:{RECEIVER_PORT}"], env, capture_output=True, text=True)  # fmt: skip
        setup = json.loads(done.stdout.strip().splitlines()[-1])
        secrets_file.write_text(json.dumps(setup["hooks"]))
        stack.start(
            "receiver", [str(BIN / "python"), str(ROOT / "deploy/receiver.py"), str(RECEIVER_PORT), str(secrets_file)]
        )
        for index, port in enumerate(APP_PORTS, 1):
            stack.start(f"app{index}", app_command(port))
        for index in (1, 2):
            stack.start(f"worker{index}", worker_command())
        stack.start("scheduler", [str(BIN / "claimbridge"), "deliver_webhooks", "--loop", "--every", "2"])
        for port in APP_PORTS:
            wait_http(port)
        wait_http(RECEIVER_PORT, "/hooks")
        say(f"up in {time.perf_counter() - began:.0f} s: 3 app processes {APP_PORTS}, 2 workers, scheduler")
        threading.Thread(target=stack.supervise, args=(began,), daemon=True).start()

        measured = load.yardstick(APP_PORTS, 5, args.threads)
        say(f"yardstick: {measured['healthz_per_s']} GET /healthz per s over the 3 processes")
        client_log = var / "accepted.jsonl"
        result: dict[str, Any] = {}
        traffic = threading.Thread(target=lambda: result.update(load.run(
            APP_PORTS, setup, RECEIVER_PORT, args.seconds, args.threads, str(client_log), args.seed)))  # fmt: skip
        traffic.start()
        plan = [] if args.no_faults else [(0.2, "kill app2"), (0.4, "kill worker1"), (0.6, "restart postgresql")]
        load_began = time.monotonic()
        for fraction, fault in plan:
            time.sleep(max(0.0, load_began + fraction * args.seconds - time.monotonic()))
            at = round(time.monotonic() - load_began, 1)
            if fault == "kill app2":
                stack.kill("app2")
                time.sleep(3)
                stack.start("app2", app_command(APP_PORTS[1]))
                wait_http(APP_PORTS[1])
                faults.append({"at_s": at, "fault": "SIGKILL app process 2, started again",
                               "back_after_s": round(time.monotonic() - load_began - at, 1)})  # fmt: skip
            elif fault == "kill worker1":
                stack.kill("worker1")
                time.sleep(3)
                stack.start("worker1", worker_command())
                faults.append({"at_s": at, "fault": "SIGKILL worker 1, started again"})
            else:
                took = restart_postgres()
                faults.append({"at_s": at, "fault": "PostgreSQL restarted", "took_s": round(took, 1)})
            say(f"{faults[-1]['fault']} at {at} s")
        traffic.join()
        say(f"load done: {result.get('requests')} requests, {result.get('errors')} failed journeys; draining")
        drain_began, recovered_at = time.monotonic(), 0.0
        while time.monotonic() - drain_began < 480:
            left = backlog(env)
            if not any(left.values()):
                break
            # What cron's `claimbridge recover` finds: photos still waiting once the queue is empty lost their task.
            if left["pending"] and not left["tasks"] and time.monotonic() - recovered_at > 20:
                run([str(BIN / "claimbridge"), "recover", "--older-than-minutes", "0.25"], env, capture_output=True)
                recovered_at = time.monotonic()
            time.sleep(2)
        left = backlog(env)
        drained_s = round(time.monotonic() - drain_began, 1)
        checked = run([str(BIN / "python"), str(ROOT / "deploy/rehearsal_django.py"), "check", str(client_log)], env,
                      capture_output=True, text=True)  # fmt: skip
        promises = json.loads(checked.stdout.strip().splitlines()[-1])
        connection = http.client.HTTPConnection("127.0.0.1", RECEIVER_PORT, timeout=10)
        connection.request("GET", "/hooks")
        received = json.loads(connection.getresponse().read())
        got = {f"{code}:{delivery}" for code, deliveries in received["received"].items() for delivery in deliveries}
        not_received = sorted(set(promises.pop("delivered")) - got)
        repeats = sum(n - 1 for deliveries in received["received"].values() for n in deliveries.values())
    finally:
        stack.stop_all()
    report = {
        "requests": result.get("requests"), "errors": result.get("errors"),
        "lost": promises["lost"], "duplicated": promises["duplicated"], "orphans": promises["orphans"],
        "webhooks_undelivered": promises["webhooks_undelivered"] + len(not_received),
        "creates_per_s": result.get("creates_per_s"), "p99_ms": result.get("p99_ms"), "p50_ms": result.get("p50_ms"),
        "audit_verify": promises["audit_verify"], "evidence_verify": promises["evidence_verify"],
        "photos_unprocessed": left["pending"], "yardstick": measured, "load": result, "faults": faults, "restarts": stack.restarts, "drained_s": drained_s,
        "webhooks": {"messages": promises["webhook_messages"], "delivered_not_received": not_received[:10],
                     "repeat_deliveries": repeats, "bad_signatures": received["bad_signatures"]},
        "detail": {k: v for k, v in promises.items() if k not in {"lost", "duplicated", "orphans", "webhooks_undelivered"}},
        "setup": {"app_processes": len(APP_PORTS), "workers": 2, "tasks": args.tasks, "storage": promises["storage"],
                  "database": "postgresql", "cores": os.cpu_count(), "seconds": args.seconds, "threads": args.threads,
                  "seed": args.seed, "faults": not args.no_faults},
        "took_s": round(time.perf_counter() - began, 1),
    }  # fmt: skip
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    broken = [name for name in ("lost", "duplicated", "orphans", "webhooks_undelivered", "photos_unprocessed")
              if report[name]]  # fmt: skip
    broken += [name for name in ("audit_verify", "evidence_verify") if report[name] != "clean"]
    if report["detail"].get("problems"):
        broken.append("problems")
    say(json.dumps({k: report[k] for k in ("requests", "errors", "lost", "duplicated", "orphans",
                                           "webhooks_undelivered", "creates_per_s", "p99_ms")}))  # fmt: skip
    say(f"written {args.out}; " + ("every promise kept" if not broken else f"BROKEN: {broken}"))
    if not args.keep:
        recreate_database_quietly()
    return 1 if broken else 0


def recreate_database_quietly() -> None:
    try:
        recreate_database()
    except Exception as error:
        say(f"could not empty the rehearsal database: {error}")


if __name__ == "__main__":
    sys.exit(main())
