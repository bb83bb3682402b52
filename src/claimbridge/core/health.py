"""Readiness (issue 19, B9): whether this process can serve, dependency by dependency.

`/healthz` (web/views.py) answers whether the process and its database are alive — what a load balancer needs to keep
sending traffic. `/readyz` asks every dependency a request may need: the database (`SELECT 1`), the file storage (a
probe object written, read back and deleted through the configured storage, local disk or S3 alike), the task queue
(the database queue's table, or Redis when the tasks go through RQ) and the cache. Each check is timed; the answer is
200 when all pass and 503 otherwise, so an orchestrator holds a new process back until it is ready.

What it says is safe to show anyone who can reach it: no personal data, and an error is named only by its exception
class (a connection error's text may carry a host name, a user or a password from a URL).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

PROBE_ROOT = "health"  # outside evidence/: the orphan sweep and the backups never meet a probe
REDIS_TIMEOUT_SECONDS = 2.0


class CheckFailed(Exception):
    """A check's own finding; its text is written here, so it may be shown (other errors show their class only)."""


def tasks_backend() -> str:
    return str(settings.TASKS["default"]["BACKEND"])


def uses_rq() -> bool:
    return "rq" in tasks_backend().lower()


def uses_database_queue() -> bool:
    return tasks_backend().startswith("django_tasks_db.")


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise CheckFailed("unexpected answer")


def check_storage() -> None:
    from django.core.files.storage import default_storage

    payload = uuid.uuid4().hex.encode()
    name = default_storage.save(f"{PROBE_ROOT}/probe-{uuid.uuid4().hex}", ContentFile(payload))
    try:
        with default_storage.open(name, "rb") as stored:
            if stored.read() != payload:
                raise CheckFailed("read back differs")
    finally:
        default_storage.delete(name)


def redis_connections() -> list[Any]:
    """One client per distinct Redis the RQ queues use (RQ_QUEUES, through django-rq), else REDIS_URL's; each with
    short socket timeouts, so that a Redis that does not answer fails the check instead of hanging it."""
    queues = getattr(settings, "RQ_QUEUES", None) or {}
    if queues:
        from django_rq.connection_utils import get_redis_connection, get_unique_connection_configs

        clients = [get_redis_connection(config) for config in get_unique_connection_configs(queues)]
    else:
        url = getattr(settings, "REDIS_URL", "") or ""
        if not url:
            raise CheckFailed("no Redis configured (RQ_QUEUES or REDIS_URL)")
        import redis

        clients = [redis.Redis.from_url(url)]
    for client in clients:
        kwargs = client.connection_pool.connection_kwargs  # a new client's own pool: nothing shared is changed
        kwargs["socket_timeout"] = kwargs.get("socket_timeout") or REDIS_TIMEOUT_SECONDS
        kwargs["socket_connect_timeout"] = kwargs.get("socket_connect_timeout") or REDIS_TIMEOUT_SECONDS
    return clients


def check_tasks() -> None:
    if uses_rq():
        for client in redis_connections():
            if not client.ping():
                raise CheckFailed("no answer")
        return
    if uses_database_queue():
        from django_tasks_db.models import DBTaskResult

        list(DBTaskResult.objects.order_by().values_list("pk", flat=True)[:1])
    # Any other backend (immediate, dummy) runs tasks in the request: nothing to reach.


def check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    try:
        if cache.get(key) != "1":
            raise CheckFailed("value not kept")
    finally:
        cache.delete(key)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "storage": check_storage,
    "tasks": check_tasks,
    "cache": check_cache,
}


def readiness() -> dict[str, Any]:
    """Every check run once, in order, each timed; one failing does not stop the others."""
    checks: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        result: dict[str, Any] = {"ok": True}
        try:
            check()
        except CheckFailed as error:
            result = {"ok": False, "error": str(error)}
        except Exception as error:  # any failure means not ready; only its class is said (no secrets)
            result = {"ok": False, "error": type(error).__name__}
        result["ms"] = round((time.perf_counter() - started) * 1000, 2)
        checks[name] = result
    ready = all(check["ok"] for check in checks.values())
    return {"status": "ready" if ready else "not_ready", "checks": checks}


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when every dependency answers, 503 otherwise; plain HTTP and no sign-in, like /healthz."""
    body = readiness()
    return JsonResponse(body, status=200 if body["status"] == "ready" else 503)
