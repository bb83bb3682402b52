"""Prometheus metrics (issue 19 item 5; B9): request latency by route, task outcomes, and the platform's backlogs.

What is measured where:

- `claimbridge_http_request_duration_seconds{route, method, status}`: every request, timed by `MetricsMiddleware`
  (the outermost middleware). `route` is the URL *pattern* that answered (`/cases/<str:number>/`,
  `/api/v1/cases/<number>`), never the path itself: a path carries case numbers and references, and one series per
  case would grow without end.
- `claimbridge_tasks_finished_total{task, status}` and `claimbridge_task_failures_total{task}`: counted where the tasks
  run, from django-tasks' `task_finished` signal (the database worker, RQ's worker and the immediate backend all send
  it).
- Computed when scraped, from the database or Redis (so every process reports the same figure):
  `claimbridge_task_queue_depth{queue}` (tasks ready to run: the database queue's rows, or the RQ queues' lengths),
  `claimbridge_webhook_backlog` (messages not delivered and still tried), `claimbridge_webhooks_given_up`,
  `claimbridge_evidence_unprocessed` (photos among the newest 10,000 still waiting for their processing), and
  `claimbridge_metrics_source_up{source}` (0 when a figure could not be read; the scrape still answers).

With several server processes (Granian's workers) set `PROMETHEUS_MULTIPROC_DIR` to an empty directory the processes
share (and the task workers of that machine, so their counts are seen too): each process writes its counts there and
a scrape of any of them adds them up (prometheus-client's multiprocess mode). Empty the directory when the service
starts, never while it runs.

`/metrics` is for the operators' Prometheus: with `METRICS_TOKEN` set it wants `Authorization: Bearer <token>`;
without it, it does not exist (404) unless DEBUG is on. Nothing in it is personal: numbers, route patterns, task names.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from claimbridge.core.health import uses_database_queue, uses_rq

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"  # no URL pattern answered: a 404, a redirect to HTTPS, a static file

REQUEST_SECONDS = Histogram(
    "claimbridge_http_request_duration_seconds",
    "Time to answer a request, by URL pattern, method and status.",
    ["route", "method", "status"],
)
TASKS_FINISHED = Counter(
    "claimbridge_tasks_finished", "Background tasks that finished, by task and outcome.", ["task", "status"]
)
TASK_FAILURES = Counter("claimbridge_task_failures", "Background tasks that failed, by task.", ["task"])

Handler = Callable[[HttpRequest], HttpResponse]


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered, as written in the URLconf, or "static" / "unmatched"; never the path."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route is not None:
        return "/" + match.route.lstrip("^").replace("$", "")
    if request.path.startswith(settings.STATIC_URL or "/static/"):
        return "static"
    return UNMATCHED


def method_of(request: HttpRequest) -> str:
    method = (request.method or "").upper()
    return method if method in METHODS else "other"


class MetricsMiddleware:
    """Times every request, outermost, so that what the middlewares do (sessions, security checks) is counted too."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        REQUEST_SECONDS.labels(route_of(request), method_of(request), str(response.status_code)).observe(
            time.perf_counter() - started
        )
        return response


def count_finished_task(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """django-tasks' `task_finished`: one more finished task of its kind, and one more failure if it failed."""
    from django_tasks import TaskResultStatus

    name = task_result.task.module_path
    status = str(task_result.status.value if hasattr(task_result.status, "value") else task_result.status)
    TASKS_FINISHED.labels(name, status).inc()
    if status == TaskResultStatus.FAILED:
        TASK_FAILURES.labels(name).inc()


def queue_depths() -> dict[str, int]:
    """Tasks ready to run, by queue: the database queue's ready rows (a partial index covers them), or the length of
    each RQ queue. Backends that run tasks in the request have no queue."""
    if uses_rq():
        import django_rq

        return {name: int(django_rq.get_queue(name).count) for name in getattr(settings, "RQ_QUEUES", {}) or {}}
    if uses_database_queue():
        from django_tasks_db.models import DBTaskResult

        depths = dict.fromkeys(settings.TASKS["default"].get("QUEUES") or ["default"], 0)  # an empty queue says 0
        rows = DBTaskResult.objects.ready().order_by().values("queue_name").annotate(n=Count("pk"))
        depths.update({row["queue_name"]: row["n"] for row in rows})
        return depths
    return {}


class PlatformCollector(Collector):
    """The figures read when scraped. Each source is read on its own: one that fails is reported as down, the others
    still answer."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("claimbridge_metrics_source_up", "Whether a figure could be read (1) or not (0).",
                               labels=["source"])  # fmt: skip
        try:
            depths = queue_depths()
        except Exception:  # the scrape still answers; the source is down
            up.add_metric(["task_queue"], 0)
        else:
            up.add_metric(["task_queue"], 1)
            depth = GaugeMetricFamily("claimbridge_task_queue_depth", "Background tasks ready to run, by queue.",
                                      labels=["queue"])  # fmt: skip
            for queue, count in sorted(depths.items()):
                depth.add_metric([queue], count)
            yield depth
        try:
            from claimbridge.cases.selectors import webhook_backlog

            backlog = webhook_backlog()
        except Exception:
            up.add_metric(["webhooks"], 0)
        else:
            up.add_metric(["webhooks"], 1)
            yield GaugeMetricFamily("claimbridge_webhook_backlog", "Webhook messages not delivered yet and still tried.",
                                    value=backlog["pending"])  # fmt: skip
            yield GaugeMetricFamily("claimbridge_webhooks_given_up", "Webhook messages given up after every attempt.",
                                    value=backlog["given_up"])  # fmt: skip
        try:
            from claimbridge.evidence.selectors import UNPROCESSED_WINDOW, unprocessed_recent_count

            unprocessed = unprocessed_recent_count()
        except Exception:
            up.add_metric(["evidence"], 0)
        else:
            up.add_metric(["evidence"], 1)
            yield GaugeMetricFamily(
                "claimbridge_evidence_unprocessed",
                f"Photos among the newest {UNPROCESSED_WINDOW} stored still waiting for their processing.",
                value=unprocessed,
            )
        yield up


class _Scrape(Collector):
    """What one scrape reports: every process's counts (the multiprocess directory) or this process's, then the
    figures read now."""

    def __init__(self, sources: Iterable[Collector]) -> None:
        self.sources = list(sources)

    def collect(self) -> Iterator[Metric]:
        for source in self.sources:
            yield from source.collect()


def exposition(multiprocess_dir: str | None = None) -> bytes:
    """The text Prometheus reads."""
    directory = multiprocess_dir if multiprocess_dir is not None else os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    counts: Collector = MultiProcessCollector(None, path=directory) if directory else REGISTRY
    return generate_latest(_Scrape([counts, PlatformCollector()]))


def _authorised(request: HttpRequest) -> bool | None:
    """True: let through; False: a token is wanted and this is not it; None: metrics are off here."""
    token = getattr(settings, "METRICS_TOKEN", "") or ""
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    return True if settings.DEBUG else None


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    allowed = _authorised(request)
    if allowed is None:
        raise Http404
    if not allowed:
        return HttpResponse(status=401, headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
