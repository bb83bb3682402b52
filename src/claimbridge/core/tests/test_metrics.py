"""/metrics for Prometheus: latency by route pattern, task outcomes, backlogs read when scraped, several processes
added up, and only for the operators (issue 19 item 5; B8, B9, R19)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import task
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from tests.backends import redis_answers

from claimbridge.cases.models import OutboxMessage, WebhookEndpoint
from claimbridge.core import metrics
from claimbridge.evidence.models import MediaKind, StoredObject
from claimbridge.organisations.models import Insurer

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-the-tests-0123456789"


@task()
def always_fails() -> None:
    raise ValueError("this task fails on purpose")


@task()
def does_nothing() -> None:
    return None


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(text: str, name: str, **labels: str) -> float | None:
    return _samples(text).get((name, tuple(sorted(labels.items()))))


def _scrape(client) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN


def test_metrics_do_not_exist_in_production_without_a_token(client, settings):
    """B8: no METRICS_TOKEN and DEBUG off: /metrics is not there (404), even over HTTPS."""
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", secure=True).status_code == 404


def test_metrics_are_open_under_debug_when_no_token_is_set(client, settings):
    """B9: development (DEBUG) without a token reads them freely."""
    settings.METRICS_TOKEN = ""
    settings.DEBUG = True
    assert client.get("/metrics").status_code == 200


def test_a_token_is_wanted_as_a_bearer_and_nothing_else(client, token, settings):
    """B8: with METRICS_TOKEN set (DEBUG or not) only its bearer reads; plain HTTP is not redirected (scraped node by
    node inside the private network)."""
    settings.SECURE_SSL_REDIRECT = True
    missing = client.get("/metrics")
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 401  # the scheme is part of it
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    assert client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


def test_latency_is_labelled_by_route_pattern_never_by_path(client, token):
    """B8, B9: a request is counted under the URL pattern that answered, its method and status; the case number,
    item id or phone number in a path never becomes a label."""
    client.get("/evidence/items/424242/original/", secure=True)  # anonymous: to the login page
    client.get("/api/v1/cases/000000-19990101-00424", secure=True)  # anonymous on the API: 401
    client.get("/no/such/page/13912345678", secure=True)
    text = _scrape(client)
    name = "claimbridge_http_request_duration_seconds_count"
    assert _value(text, name, route="/evidence/items/<int:item_id>/original/", method="GET", status="302") >= 1
    assert _value(text, name, route="/api/v1/cases/<number>", method="GET", status="401") >= 1
    assert _value(text, name, route="unmatched", method="GET", status="404") >= 1
    # In the labels (between the braces), not the samples: a duration's digits once held "00424" by chance.
    labels = "\n".join(line.split("{", 1)[1].split("}", 1)[0] for line in text.splitlines() if "{" in line)
    for secret in ("424242", "00424", "13912345678"):
        assert secret not in labels


def test_task_failures_are_counted_where_tasks_run(client, token):
    """B9: django-tasks' task_finished counts each finished task by outcome, and each failure."""
    name = always_fails.module_path

    def failures() -> float:
        return REGISTRY.get_sample_value("claimbridge_task_failures_total", {"task": name}) or 0.0

    before = failures()
    always_fails.enqueue()  # the test settings run tasks in the request
    always_fails.enqueue()
    does_nothing.enqueue()
    assert failures() == before + 2
    text = _scrape(client)
    assert _value(text, "claimbridge_task_failures_total", task=name) == before + 2
    assert _value(text, "claimbridge_tasks_finished_total", task=does_nothing.module_path, status="SUCCESSFUL") >= 1
    assert _value(text, "claimbridge_task_failures_total", task=does_nothing.module_path) is None


def test_backlogs_are_read_when_scraped(client, token, settings, users):
    """B9, R19: the database queue's ready tasks by queue, the webhook messages still tried and those given up, and
    the photos waiting for processing, as they are in the database at the moment of the scrape."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    endpoint = WebhookEndpoint.objects.create(insurer=Insurer.objects.get(code="tianlong"),
                                              url="http://127.0.0.1:9/hook", secret="s3cret")  # fmt: skip
    now = timezone.now()
    OutboxMessage.objects.create(endpoint=endpoint, event_type="case.created", payload={})
    OutboxMessage.objects.create(endpoint=endpoint, event_type="case.created", payload={}, attempts=2,
                                 next_attempt_at=now + timedelta(minutes=5))  # fmt: skip
    OutboxMessage.objects.create(endpoint=endpoint, event_type="case.created", payload={}, delivered_at=now)
    OutboxMessage.objects.create(endpoint=endpoint, event_type="case.created", payload={}, given_up_at=now)
    for n, processed in enumerate([None, None, now, None]):
        StoredObject.objects.create(sha256=f"{n:064x}", size=1, mime="image/jpeg", kind=MediaKind.IMAGE,
                                    storage_name=f"evidence/originals/{n}", processed_at=processed)  # fmt: skip
    StoredObject.objects.create(sha256="f" * 64, size=1, mime="video/mp4", kind=MediaKind.VIDEO,
                                storage_name="evidence/originals/v")  # fmt: skip  # videos are not processed
    assert _value(_scrape(client), "claimbridge_task_queue_depth", queue="default") == 0  # empty, yet there
    does_nothing.enqueue()
    does_nothing.enqueue()
    text = _scrape(client)
    assert _value(text, "claimbridge_task_queue_depth", queue="default") == 2
    assert _value(text, "claimbridge_webhook_backlog") == 2
    assert _value(text, "claimbridge_webhooks_given_up") == 1
    assert _value(text, "claimbridge_evidence_unprocessed") == 3
    for source in ("task_queue", "webhooks", "evidence"):
        assert _value(text, "claimbridge_metrics_source_up", source=source) == 1


def test_the_unprocessed_photos_are_counted_in_a_window_of_the_newest(db):
    """B9: the evidence figure reads a primary-key range, never every original: older waiting photos fall outside."""
    from claimbridge.evidence.selectors import unprocessed_recent_count

    for n in range(5):
        StoredObject.objects.create(sha256=f"{n:064x}", size=1, mime="image/jpeg", kind=MediaKind.IMAGE,
                                    storage_name=f"evidence/originals/{n}")  # fmt: skip
    assert unprocessed_recent_count() == 5
    assert unprocessed_recent_count(window=2) == 2


def test_a_figure_that_cannot_be_read_is_reported_down_and_the_scrape_still_answers(client, token, monkeypatch):
    """B9: the webhook backlog's source failing is `source_up 0`; the other figures still come."""
    from claimbridge.cases import selectors

    def broken() -> dict[str, int]:
        raise RuntimeError("database gone")

    monkeypatch.setattr(selectors, "webhook_backlog", broken)
    text = _scrape(client)
    assert _value(text, "claimbridge_metrics_source_up", source="webhooks") == 0
    assert _value(text, "claimbridge_metrics_source_up", source="evidence") == 1
    assert _value(text, "claimbridge_webhook_backlog") is None


@pytest.mark.skipif(not redis_answers(), reason="no Redis at 127.0.0.1:6379")
def test_rq_queue_depth_is_each_queues_length(client, token, settings):
    """B9: tasks on RQ: the depth is each RQ queue's length in Redis (a queue of its own, in a database no other
    test uses, removed afterwards)."""
    import django_rq
    from rq import Queue

    name = f"metrics-test-{uuid.uuid4().hex[:8]}"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [name]}}
    settings.RQ_QUEUES = {name: {"URL": "redis://127.0.0.1:6379/14"}}
    queue = Queue(name, connection=django_rq.get_connection(name))  # not django-rq's: it waits for the commit
    try:
        queue.enqueue("os.getcwd")
        queue.enqueue("os.getcwd")
        queue.enqueue("os.getcwd")
        assert _value(_scrape(client), "claimbridge_task_queue_depth", queue=name) == 3
    finally:
        queue.empty()
        queue.delete()


def test_several_processes_are_added_up_in_multiprocess_mode(tmp_path, db):
    """B9: under several server processes (PROMETHEUS_MULTIPROC_DIR), each writes its counts to the shared directory
    and a scrape reports their sum."""
    code = (
        "from claimbridge.core import metrics\n"
        "metrics.REQUEST_SECONDS.labels('/cases/<str:number>/', 'GET', '200').observe(0.05)\n"
        "metrics.TASK_FAILURES.labels('claimbridge.evidence.tasks.process').inc()\n"
    )
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PYTHONPATH": os.pathsep.join(sys.path),
           "DJANGO_SETTINGS_MODULE": "tests.settings"}  # fmt: skip
    for _process in range(3):
        subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    assert len(list(tmp_path.glob("*.db"))) >= 3  # one file set per process
    text = metrics.exposition(multiprocess_dir=str(tmp_path)).decode()
    labels = {"route": "/cases/<str:number>/", "method": "GET", "status": "200"}
    assert _value(text, "claimbridge_http_request_duration_seconds_count", **labels) == 3
    assert _value(text, "claimbridge_task_failures_total", task="claimbridge.evidence.tasks.process") == 3
    assert _value(text, "claimbridge_webhook_backlog") == 0  # the figures read now come with them
