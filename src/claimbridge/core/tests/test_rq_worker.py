"""A task through a real RQ queue on a real Redis, worked by RQ's own worker (issue 19 item 2, decision 0026; B8, R13).

The suite's other tests run RQ's queues synchronously (`make test-production-backends`); this one enqueues for real
(the job waits in Redis, nothing runs) and then has rq's SimpleWorker work the queue in burst mode, as `claimbridge
worker` (rqworker with claimbridge.core.rq_job.Job) does in production, and checks the effect. Without a reachable
Redis it is skipped, saying why; with REQUIRE_REDIS=1 (make test-production-backends) it fails instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from tests import backends

pytestmark = pytest.mark.django_db


@pytest.fixture
def rq_queue(settings: Any) -> Iterator[str]:
    """An RQ backend whose one queue, of this test alone, holds its jobs in Redis until a worker takes them."""
    client = redis.Redis.from_url(backends.REDIS_URL, socket_connect_timeout=1, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is required here (REQUIRE_REDIS=1) but {backends.REDIS_URL} does not answer: {error}")
        pytest.skip(f"no Redis answers at {backends.REDIS_URL} (TEST_REDIS_URL): {type(error).__name__}")
    name = f"test-{uuid.uuid4().hex[:12]}"
    if "django_rq" not in settings.INSTALLED_APPS:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "django_rq", "django_tasks_rq"]
    queues = {queue: {"URL": backends.REDIS_URL, "ASYNC": False} for queue in settings.TASK_QUEUES}  # as the suite's
    settings.RQ_QUEUES = queues | {name: {"URL": backends.REDIS_URL, "ASYNC": True, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [*settings.TASK_QUEUES, name]}}
    yield name
    for key in client.scan_iter(f"rq:*{name}*"):
        client.delete(key)
    # Installing django_rq ran the admin's autodiscovery, which registered its table-less model; left registered it
    # would outlive the setting and break /admin/ for the worker's later tests ("No installed app 'django_rq'").
    from django.contrib import admin

    for model in [model for model in admin.site._registry if model._meta.app_label in ("django_rq", "django_tasks_rq")]:
        admin.site.unregister(model)


def test_a_task_waits_in_redis_until_an_rq_worker_runs_it(rq_queue: str, users: Any, monkeypatch: Any) -> None:
    """R13 through RQ: the customer's text about an answered question is enqueued, waits in Redis (not sent), and
    is sent once rq's worker has worked the queue; the task's result is SUCCESSFUL as RQ recorded it."""
    import django_rq
    from django_tasks import default_task_backend
    from rq import SimpleWorker

    from claimbridge.consultations import services
    from claimbridge.consultations.tasks import text_answered
    from claimbridge.core.rq_job import Job  # the job class `claimbridge worker` gives rqworker
    from claimbridge.core.sms import MemorySmsBackend

    # The job class closes connections as a request's end would; inside the test's transaction that would close the
    # test's own connection on PostgreSQL (not transactional instead: a flushed database would follow this test
    # into the worker's later tests). Its closing is what rq_job's own docstring promises, not this test's subject.
    monkeypatch.setattr("claimbridge.core.rq_job.close_old_connections", lambda: None)
    asked = services.consultation_ask(phone="13700009999", question="需要什么材料？", insurer_code="tianlong")
    MemorySmsBackend.outbox.clear()

    result = text_answered.using(queue_name=rq_queue).enqueue(consultation_id=asked.pk)
    queue = django_rq.get_queue(rq_queue, job_class=Job)
    assert queue.job_ids == [result.id]  # waiting in Redis
    assert MemorySmsBackend.outbox == []  # and nothing ran yet
    assert default_task_backend.get_result(result.id).status == "READY"

    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    assert worker.work(burst=True) is True  # it worked at least one job, then stopped: the queue was empty

    assert queue.job_ids == []
    assert [(phone, asked.number in text) for phone, text in MemorySmsBackend.outbox] == [("13700009999", True)]
    done = default_task_backend.get_result(result.id)
    assert done.status == "SUCCESSFUL"
    assert done.worker_ids == [worker.name]
