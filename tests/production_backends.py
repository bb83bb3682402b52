"""`make test-production-backends`: the whole suite on RQ and S3, the backends production runs (issue 19 item 3; B8).

    python tests/production_backends.py [--workers N] [pytest arguments …]

Starts moto's S3 server (`moto_server`, from the dev extras) on a free port of 127.0.0.1 and creates the bucket;
uses the Redis at TEST_REDIS_URL (redis://127.0.0.1:6379/5 by default), or, when nothing answers there and
`redis-server` is installed, starts a private one on a free port (no persistence) and uses its database 5; empties
that database; uses PostgreSQL at DATABASE_URL (default: a database of its own on 127.0.0.1:5432; SQLite, saying so,
when none answers and neither DATABASE_URL nor REQUIRE_POSTGRES=1 is set); runs `pytest -n N` with
TEST_TASKS_BACKEND=rq, TEST_S3_ENDPOINT and REQUIRE_REDIS=1 (tests/backends.py,
tests/settings.py); then stops what it started and empties the database again. Exit status: pytest's, or 2 when a
service could not be had.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BUCKET = "claimbridge-test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"
# Production's database too: the browser tests' live server shares one connection between threads on in-memory
# SQLite, and RQ's synchronous queues run jobs inside the request, so two threads' transactions crossed there
# ("on_commit() cannot be used in manual transaction management"). Its own name, so a PostgreSQL pass of `make test`
# running beside it keeps its test databases.
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/claimbridge_prodbackends"


def say(message: str) -> None:
    print(f"[production backends] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(ready: object, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(ready) and ready():
            return
        time.sleep(0.2)
    raise SystemExit(f"{what} did not come up in {seconds:.0f} s")


def s3_answers(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(endpoint + "/", timeout=2):  # noqa: S310 - our own server on 127.0.0.1
            return True
    except urllib.error.HTTPError:
        return True  # an S3 error document is an answer
    except OSError:
        return False


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def postgres_answers(url: str) -> bool:
    """The server answers (its maintenance database: the test databases are made from there, NAME need not exist)."""
    import psycopg

    try:
        psycopg.connect(url, dbname="postgres", connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def create_bucket(endpoint: str) -> None:
    import boto3  # type: ignore[import-untyped]

    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                      aws_secret_access_key="test-secret")  # fmt: skip
    s3.create_bucket(Bucket=BUCKET)


def flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", default=os.environ.get("PYTEST_WORKERS", "2"))
    options, pytest_args = parser.parse_known_args()
    started: list[subprocess.Popen[bytes]] = []
    logs = ROOT / "var" / "production-backends"
    logs.mkdir(parents=True, exist_ok=True)
    redis_url = os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS_URL)
    try:
        port = free_port()
        endpoint = f"http://127.0.0.1:{port}"
        moto = BIN / "moto_server"
        if not moto.exists():
            say(f"{moto} is missing: install the dev extras (moto[server])")
            return 2
        with open(logs / "moto.log", "wb") as log:
            started.append(subprocess.Popen([str(moto), "-H", "127.0.0.1", "-p", str(port)], stdout=log,
                                            stderr=subprocess.STDOUT))  # fmt: skip
        wait_until(lambda: s3_answers(endpoint), f"moto_server on {endpoint}")
        create_bucket(endpoint)
        say(f"S3: moto_server on {endpoint}, bucket {BUCKET}")

        if not redis_answers(redis_url):
            server = shutil.which("redis-server")
            if server is None or "TEST_REDIS_URL" in os.environ:
                say(f"no Redis answers at {redis_url} (and no redis-server to start): apt-get install redis-server")
                return 2
            redis_port = free_port()
            with open(logs / "redis.log", "wb") as log:
                started.append(subprocess.Popen([server, "--bind", "127.0.0.1", "--port", str(redis_port),
                                                 "--save", "", "--appendonly", "no"], stdout=log,
                                                stderr=subprocess.STDOUT))  # fmt: skip
            redis_url = f"redis://127.0.0.1:{redis_port}/5"
            wait_until(lambda: redis_answers(redis_url), f"redis-server on port {redis_port}")
            say(f"Redis: started a private redis-server at {redis_url}")
        else:
            say(f"Redis: {redis_url}")
        flush(redis_url)

        database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
        if postgres_answers(database_url):
            say(f"database: PostgreSQL at {database_url} (pytest-django makes its test databases beside it)")
        elif "DATABASE_URL" in os.environ or os.environ.get("REQUIRE_POSTGRES") == "1":
            say(f"PostgreSQL does not answer at {database_url}")
            return 2
        else:
            say(f"database: SQLite (no PostgreSQL answers at {database_url})")
            database_url = ""

        env = os.environ | {
            "DATABASE_URL": database_url,
            "TEST_TASKS_BACKEND": "rq",
            "TEST_REDIS_URL": redis_url,
            "TEST_S3_ENDPOINT": endpoint,
            "TEST_S3_BUCKET": BUCKET,
            "REQUIRE_REDIS": "1",
        }
        command = [str(BIN / "pytest"), "-n", str(options.workers), "-p", "no:cacheprovider", *pytest_args]
        say("pytest on RQ (synchronous queues) and S3: " + " ".join(command[1:]))
        began = time.perf_counter()
        status = subprocess.run(command, env=env, cwd=ROOT).returncode
        say(f"pytest ended with status {status} after {time.perf_counter() - began:.0f} s")
        return status
    finally:
        if redis_answers(redis_url):
            flush(redis_url)
        for process in reversed(started):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


if __name__ == "__main__":
    sys.exit(main())
