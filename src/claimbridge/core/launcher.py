"""`claimbridge serve`: the web server and the task worker as one command (issue 13: `make run` ran no worker, so
policy loads stayed queued under a full progress bar and photo checks never ran).

Each child runs in its own session, so that stopping one stops everything it started (Django's auto-reloader runs
the real server as a grandchild). The first to end, a Ctrl-C or a SIGTERM ends the other: nothing is left running.
For development only; production runs the web server and `claimbridge worker` processes side by side.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from types import FrameType

STOP_GRACE_SECONDS = 10.0


def commands(
    addrport: str, *, reload: bool = True, backend: str = "django_tasks_db.DatabaseBackend"
) -> list[list[str]]:
    """The server and the worker (`claimbridge worker`: the task backend's own), as `claimbridge` commands run by this
    interpreter. The database's worker starts at once and reloads with the code; RQ's has no reloader."""
    me = [sys.executable, "-m", "claimbridge"]
    server = [*me, "runserver", addrport, *([] if reload else ["--noreload"])]
    if backend == "django_tasks_db.DatabaseBackend":
        worker = [*me, "worker", "--no-startup-delay", "--reload" if reload else "--no-reload"]
    else:
        worker = [*me, "worker"]
    return [server, worker]


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the child's whole process group, then SIGKILL if it is still there after the grace period."""
    for sig, wait in ((signal.SIGTERM, STOP_GRACE_SECONDS), (signal.SIGKILL, STOP_GRACE_SECONDS)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):  # the group may outlive its leader (a reloader's child)
        os.killpg(process.pid, signal.SIGKILL)


def supervise(children: Sequence[Sequence[str]], *, poll_seconds: float = 0.2) -> int:
    """Run the commands side by side until one ends or this process is told to stop; stop the rest. Returns 0 when
    stopped by a signal, else the status of the command that ended (never 0 when a helper, not the server, ended:
    the worker dying is a failure)."""
    stopping: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes: list[subprocess.Popen[bytes]] = []
    ended: subprocess.Popen[bytes] | None = None
    try:
        for command in children:
            processes.append(subprocess.Popen(list(command), start_new_session=True))  # noqa: S603 - our own commands
        while not stopping and ended is None:
            ended = next((process for process in processes if process.poll() is not None), None)
            time.sleep(poll_seconds)
    finally:
        for process in processes:
            _stop(process)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if stopping or ended is None:
        return 0
    if ended is processes[0]:
        return ended.returncode
    return ended.returncode or 1
