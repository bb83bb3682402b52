"""/readyz: each dependency checked and timed, safe to show anyone (issue 19 item 5; B8, B9)."""

from __future__ import annotations

import socket

import pytest
from django.core.files.storage import default_storage
from tests.backends import redis_answers

from claimbridge.core import health

pytestmark = pytest.mark.django_db

SECRET_URL = "redis://ops:hunter2-very-secret@127.0.0.1:{port}/0"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_ready_when_every_dependency_answers_over_plain_http_without_sign_in(client, settings):
    """B9: an orchestrator probes each node over plain HTTP, signed in as nobody; every check passes and is timed."""
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "storage", "tasks", "cache"}
    for check in body["checks"].values():
        assert check["ok"] is True
        assert isinstance(check["ms"], float)
        assert "error" not in check
    assert response["Cache-Control"].startswith("max-age=0")  # never kept by a cache on the way


def test_the_storage_probe_leaves_nothing_behind(client):
    """B9: the probe object is written, read back and deleted through the configured storage."""
    assert client.get("/readyz").json()["checks"]["storage"]["ok"] is True
    assert not default_storage.exists(health.PROBE_ROOT) or default_storage.listdir(health.PROBE_ROOT) == ([], [])


def test_a_failing_dependency_makes_it_not_ready_and_names_no_secret(client, monkeypatch):
    """B8, B9: storage down → 503 with the others still checked; the error is the exception's class, never its text
    (which may carry a host, a user or a password)."""

    def broken(*args, **kwargs):
        raise OSError("cannot reach s3://AKIAEXAMPLE:topsecret@bucket for 13912345678")

    monkeypatch.setattr(default_storage, "save", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert body["checks"]["storage"] == {"ok": False, "error": "OSError", "ms": body["checks"]["storage"]["ms"]}
    assert body["checks"]["database"]["ok"]
    assert body["checks"]["cache"]["ok"]
    assert body["checks"]["tasks"]["ok"]
    text = response.content.decode()
    assert "topsecret" not in text
    assert "AKIA" not in text
    assert "13912345678" not in text


def test_the_database_queue_is_checked_through_its_table(client, settings, monkeypatch):
    """B9: with the database task queue the check reads its table; a table that cannot be read fails it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert health.uses_database_queue()
    assert not health.uses_rq()
    assert client.get("/readyz").json()["checks"]["tasks"]["ok"] is True

    from django_tasks_db.models import DBTaskResult

    def gone(*args, **kwargs):
        raise DBTaskResult.DoesNotExist("relation django_tasks_database_dbtaskresult does not exist")

    monkeypatch.setattr(DBTaskResult.objects, "order_by", gone)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["tasks"]["error"] == "DoesNotExist"


def test_an_unreachable_redis_fails_the_rq_queue_without_showing_its_url(client, settings):
    """B8, B9: tasks on RQ → Redis is pinged (REDIS_URL); a Redis that does not answer is not ready, quickly, and
    the password in its URL is never shown."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.REDIS_URL = SECRET_URL.format(port=_closed_port())
    settings.RQ_QUEUES = {}  # REDIS_URL's Redis, not the suite's RQ queues (make test-production-backends sets them)
    response = client.get("/readyz")
    assert response.status_code == 503
    tasks = response.json()["checks"]["tasks"]
    assert tasks["ok"] is False
    assert tasks["error"] == "ConnectionError"
    assert tasks["ms"] < 5000
    assert "hunter2" not in response.content.decode()


def test_rq_without_any_redis_configured_says_so(client, settings):
    """B9: RQ chosen but neither RQ_QUEUES nor REDIS_URL set: not ready, and the reason is given."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.REDIS_URL = ""
    settings.RQ_QUEUES = {}
    tasks = client.get("/readyz").json()["checks"]["tasks"]
    assert tasks["ok"] is False
    assert "no Redis configured" in tasks["error"]


@pytest.mark.skipif(not redis_answers(), reason="no Redis at 127.0.0.1:6379")
def test_the_rq_queues_redis_is_pinged(client, settings):
    """B9: the Redis of each RQ queue (RQ_QUEUES, through django-rq) answers: ready; one queue on a closed port is
    enough to be not ready."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/0"}}
    assert client.get("/readyz").json()["checks"]["tasks"]["ok"] is True
    settings.RQ_QUEUES = {
        "default": {"URL": "redis://127.0.0.1:6379/0"},
        "other": {"URL": f"redis://127.0.0.1:{_closed_port()}/0"},
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["tasks"]["error"] == "ConnectionError"


def test_only_reads_are_taken(client):
    """B9: the probe changes nothing a caller could ask for: a POST is refused."""
    assert client.post("/readyz").status_code == 405
