"""The task queue a setting away (issue 19 item 2, decision 0026; B8): TASKS_BACKEND=database (the default) or rq,
`claimbridge worker` running the chosen backend's worker, and every task on a queue that backend serves."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.base import CommandError
from django_tasks.base import Task

import claimbridge
from claimbridge.core.management.commands.worker import DATABASE_BACKEND, RQ_BACKEND, has_worker, worker_call

SRC = Path(claimbridge.__file__).resolve().parents[1]
SHOW_SETTINGS = """
import json
from claimbridge import settings as s
print(json.dumps({"backend": s.TASKS["default"]["BACKEND"], "queues": s.TASKS["default"].get("QUEUES"),
                  "rq_queues": getattr(s, "RQ_QUEUES", None), "apps": s.INSTALLED_APPS,
                  "rq_admin": getattr(s, "RQ_SHOW_ADMIN_LINK", None)}))
"""


def _settings_under(**env: str) -> dict:
    """claimbridge.settings as a new process reads it from this environment (settings are read once per process)."""
    environment = {key: value for key, value in os.environ.items() if key not in {"TASKS_BACKEND", "REDIS_URL"}}
    environment |= {"DEBUG": "1", "PYTHONPATH": str(SRC), **env}
    answer = subprocess.run([sys.executable, "-c", SHOW_SETTINGS], env=environment, capture_output=True, text=True)
    assert answer.returncode == 0, answer.stderr
    return json.loads(answer.stdout)


def _platform_tasks() -> list[Task]:
    found = []
    for info in pkgutil.walk_packages(claimbridge.__path__, "claimbridge."):
        if info.name.endswith(".tasks"):
            module = importlib.import_module(info.name)
            found += [value for value in vars(module).values() if isinstance(value, Task)]
    return found


def test_the_database_queue_is_the_default_and_rq_is_one_setting_away():
    """B8: with nothing set the queue is a table of the platform's database and nothing of RQ is loaded; with
    TASKS_BACKEND=rq the tasks go to RQ on REDIS_URL, every queue of TASK_QUEUES with the long job timeout."""
    default = _settings_under()
    assert default["backend"] == DATABASE_BACKEND
    assert default["rq_queues"] is None
    assert "django_rq" not in default["apps"]
    assert _settings_under(TASKS_BACKEND="database")["backend"] == DATABASE_BACKEND
    assert _settings_under(TASKS_BACKEND=DATABASE_BACKEND)["backend"] == DATABASE_BACKEND  # the old spelling holds

    rq = _settings_under(TASKS_BACKEND="rq", REDIS_URL="redis://queue.internal:6380/3", RQ_JOB_TIMEOUT_SECONDS="900")
    assert rq["backend"] == RQ_BACKEND
    assert {"django_rq", "django_tasks_rq"} <= set(rq["apps"])
    assert rq["queues"] == ["default"]
    assert rq["rq_queues"] == {"default": {"URL": "redis://queue.internal:6380/3", "DEFAULT_TIMEOUT": 900}}
    assert rq["rq_admin"] is False  # django-rq's dashboard is not in the back office, where associations' staff are


def test_every_task_is_on_a_queue_the_workers_serve(settings):
    """B8: a task on a queue missing from TASK_QUEUES would be refused at enqueue under RQ (or never worked by the
    database's worker): each task of every app names one of them."""
    tasks = _platform_tasks()
    assert len(tasks) >= 14  # evidence, policies, cases, fraud, police, reports, credentials, consultations
    assert {task.name for task in tasks} >= {"process_evidence_item", "run_policy_load", "deliver_webhooks"}
    stray = {task.module_path: task.queue_name for task in tasks if task.queue_name not in settings.TASK_QUEUES}
    assert stray == {}


def test_the_worker_is_the_configured_backends_own():
    """B8: one command for every backend; the arguments after it go to the backend's worker unchanged."""
    assert worker_call([], backend=DATABASE_BACKEND) == ("db_worker", ["--queue-name", "default"])
    assert worker_call(["--batch", "--max-tasks", "3"], backend=DATABASE_BACKEND) == (
        "db_worker",
        ["--queue-name", "default", "--batch", "--max-tasks", "3"],
    )
    simple = ["--worker-class", "rq.worker.SimpleWorker"]
    assert worker_call([], backend=RQ_BACKEND) == (
        "rqworker",
        ["--job-class", "claimbridge.core.rq_job.Job", *simple, "default"],
    )
    assert worker_call(["--queues", "a,b", "--burst", "--name", "w1"], backend=RQ_BACKEND) == (
        "rqworker",
        ["--job-class", "claimbridge.core.rq_job.Job", *simple, "--burst", "--name", "w1", "a", "b"],
    )
    assert worker_call(["--worker-class", "rq.Worker"], backend=RQ_BACKEND)[1] == [
        "--job-class", "claimbridge.core.rq_job.Job", "--worker-class", "rq.Worker", "default"]  # fmt: skip
    assert worker_call(["--queues=a"], backend=DATABASE_BACKEND)[1][:2] == ["--queue-name", "a"]


def test_a_backend_without_a_worker_says_so():
    """The immediate backend runs tasks where they are enqueued: `claimbridge worker` fails, serve serves alone."""
    immediate = "django_tasks.backends.immediate.ImmediateBackend"
    assert not has_worker(immediate)
    assert has_worker(DATABASE_BACKEND)
    assert has_worker(RQ_BACKEND)
    with pytest.raises(CommandError, match="no worker"):
        worker_call([], backend=immediate)


@pytest.mark.django_db(transaction=True)
def test_claimbridge_worker_runs_the_database_queue_to_the_end(settings, capsys):
    """B8: `claimbridge worker --batch` on the database backend works what is queued (a webhook round), then exits."""
    settings.TASKS = {"default": {"BACKEND": DATABASE_BACKEND}}
    from django_tasks_db.models import DBTaskResult

    from claimbridge.cases.tasks import deliver_webhooks
    from claimbridge.core.management.commands.worker import Command

    queued = deliver_webhooks.enqueue()
    assert DBTaskResult.objects.get(pk=queued.id).status == "READY"
    Command().run_from_argv(["claimbridge", "worker", "--batch", "--no-reload", "--no-startup-delay"])
    assert "db_worker --queue-name default --batch --no-reload --no-startup-delay" in capsys.readouterr().out
    assert DBTaskResult.objects.get(pk=queued.id).status == "SUCCESSFUL"
