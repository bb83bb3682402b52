"""`claimbridge worker`: the worker of whichever task backend the settings name (issue 19, decision 0026; B8).

    claimbridge worker [--queues a,b] [any option of the backend's own worker …]

TASKS_BACKEND=database (the default) runs `db_worker --queue-name <queues>`; TASKS_BACKEND=rq runs
`rqworker --job-class claimbridge.core.rq_job.Job --worker-class rq.worker.SimpleWorker <queues>` (django-tasks-rq's job
class: a plain RQ job cannot run a django-tasks task; the simple worker: see RQ_WORKER_CLASS). The queues are TASK_QUEUES unless --queues names some; every other argument goes to that worker
as it is (`claimbridge worker --batch`, `claimbridge worker --burst --with-scheduler`). The same systemd unit, `make
run` and the rehearsal start workers this way, whichever the backend. A backend that runs tasks where they are
enqueued (the immediate one of the tests) has no worker: the command says so and fails.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
RQ_BACKEND = "django_tasks_rq.RQBackend"
RQ_JOB_CLASS = "claimbridge.core.rq_job.Job"  # django-tasks-rq's, closing stale database connections
# RQ's default worker forks a work horse per job: each photo check then rebuilt the in-process reuse index from the
# database (decision 0008) and opened a new connection, 3.5 s a photo against 0.8 s (the rehearsal, issue 19). The
# simple worker runs jobs in its own process, keeping both; a job past its timeout is still stopped (SIGALRM), and a
# worker killed mid-job leaves work that `claimbridge recover` finds. `--worker-class` given overrides it.
RQ_WORKER_CLASS = "rq.worker.SimpleWorker"


def worker_call(extra: list[str], *, backend: str | None = None) -> tuple[str, list[str]]:
    """The management command that works the queues of `backend` (the configured one by default) and its arguments:
    `--queues a,b` taken out of `extra`, the rest passed through after the backend's own."""
    chosen = backend or str(settings.TASKS["default"]["BACKEND"])
    own = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    own.add_argument("--queues", default="")
    known, rest = own.parse_known_args(extra)
    queues = [name.strip() for name in known.queues.split(",") if name.strip()] or list(settings.TASK_QUEUES)
    if chosen == DATABASE_BACKEND:
        return "db_worker", ["--queue-name", ",".join(queues), *rest]
    if chosen == RQ_BACKEND:
        chosen_class = (
            [] if any(arg.startswith("--worker-class") for arg in rest) else ["--worker-class", RQ_WORKER_CLASS]
        )
        return "rqworker", ["--job-class", RQ_JOB_CLASS, *chosen_class, *rest, *queues]
    raise CommandError(f"Tasks run by {chosen}: it has no worker to start (TASKS_BACKEND is `database` or `rq`).")


def has_worker(backend: str | None = None) -> bool:
    return (backend or str(settings.TASKS["default"]["BACKEND"])) in {DATABASE_BACKEND, RQ_BACKEND}


class Command(BaseCommand):
    help = (
        "Run the task worker of the configured backend: db_worker (TASKS_BACKEND=database) or rqworker on Redis "
        "(TASKS_BACKEND=rq). --queues a,b picks queues (default: all of TASK_QUEUES); every other argument goes to "
        "that worker unchanged."
    )
    extra: list[str]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queues", default="", help="comma-separated queue names (default: all)")

    def run_from_argv(self, argv: list[str]) -> None:
        """Everything after `worker` is the backend's worker's, except --help (ours, which says what runs)."""
        self.extra = [arg for arg in argv[2:] if arg not in {"-h", "--help"}]
        super().run_from_argv(argv[:2] + [arg for arg in argv[2:] if arg in {"-h", "--help"}])

    def handle(self, *args: Any, **options: Any) -> None:
        extra = getattr(self, "extra", None)
        if extra is None:  # call_command("worker", queues=…): no pass-through
            extra = ["--queues", options["queues"]] if options["queues"] else []
        name, arguments = worker_call(extra)
        self.stdout.write(f"claimbridge worker: {name} {' '.join(arguments)}")
        self.stdout.flush()
        call_command(name, *arguments)
