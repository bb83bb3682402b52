"""`claimbridge serve` (make run): the server and the task worker start together and stop together (issue 13)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from claimbridge.core.launcher import commands

# A child that starts a grandchild (as Django's auto-reloader does) and writes both pids, then waits.
CHILD = """
import os, subprocess, sys, time
grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
with open(sys.argv[1], "w") as out:
    out.write(f"{os.getpid()} {grandchild.pid}")
time.sleep(120)
"""
SUPERVISOR = """
import sys
from claimbridge.core.launcher import supervise
sys.exit(supervise([[sys.executable, "-c", sys.argv[1], sys.argv[2]], [sys.executable, "-c", sys.argv[3], *sys.argv[4:]]], poll_seconds=0.05))
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its parent counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _pids(path: Path) -> list[int]:
    for _ in range(400):
        if path.exists() and path.read_text().strip():
            return [int(pid) for pid in path.read_text().split()]
        time.sleep(0.05)
    raise AssertionError(f"{path} was never written")


def _gone(pids: list[int]) -> bool:
    for _ in range(200):
        if not any(_alive(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


def test_serve_runs_the_server_and_the_configured_worker():
    """`claimbridge worker` is the worker of whichever backend is configured (issue 19): the database's starts at once
    and reloads with the code, RQ's has no reloader."""
    server, worker = commands("127.0.0.1:8010")
    assert server[-2:] == ["runserver", "127.0.0.1:8010"]
    assert worker[-3:] == ["worker", "--no-startup-delay", "--reload"]
    server, worker = commands("0.0.0.0:9000", reload=False)
    assert server[-1] == "--noreload"
    assert worker[-1] == "--no-reload"
    assert commands("127.0.0.1:8010", backend="django_tasks_rq.RQBackend")[1][-1] == "worker"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stopping_serve_stops_both_and_what_they_started(tmp_path, signum):
    """Nothing is left running: not the server, not the worker, not a reloader's child of either."""
    first, second = tmp_path / "server", tmp_path / "worker"
    supervisor = subprocess.Popen([sys.executable, "-c", SUPERVISOR, CHILD, str(first), CHILD, str(second)])
    pids = _pids(first) + _pids(second)
    assert all(_alive(pid) for pid in pids)
    supervisor.send_signal(signum)
    assert supervisor.wait(timeout=30) == 0
    assert _gone(pids), "a child of serve outlived it"


def test_a_worker_that_dies_stops_the_server_and_fails(tmp_path):
    first = tmp_path / "server"
    dies = "import os, sys, time\nwhile not os.path.getsize(sys.argv[1]) if os.path.exists(sys.argv[1]) else True:\n    time.sleep(0.05)\n"
    supervisor = subprocess.Popen([sys.executable, "-c", SUPERVISOR, CHILD, str(first), dies, str(first)])
    pids = _pids(first)
    assert supervisor.wait(timeout=30) == 1  # the worker ended (even "successfully"): serve is not serving any more
    assert _gone(pids)
