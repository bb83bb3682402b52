"""Retried requests: the same Idempotency-Key from the same caller gets the first answer, never a second object.

The key row is inserted first, inside the transaction that does the work. A concurrent request with the same key
waits on the unique index until that transaction ends, then reads the stored answer; if the first one failed, its
row rolled back with it and the retry does the work itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, models, transaction


class IdempotentRequest(models.Model):
    scope = models.CharField(max_length=120)  # who and what: e.g. "user:12:cases.create"
    key = models.CharField(max_length=120)
    status = models.PositiveSmallIntegerField(default=0)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "core"
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotent_request_once")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


def run_once(
    *, scope: str, key: str, work: Callable[[], tuple[int, dict[str, Any]]]
) -> tuple[int, dict[str, Any], bool]:
    """(status, body, replayed). Without a key the work simply runs."""
    if not key:
        status, body = work()
        return status, body, False
    key = key[:120]
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(scope=scope, key=key)
        except IntegrityError:  # the same key was used before (waited for, if it was in flight)
            record = None
        if record is not None:
            status, body = work()
            record.status, record.response = status, body
            record.save(update_fields=["status", "response"])
            return status, body, False
    earlier = IdempotentRequest.objects.get(scope=scope, key=key)
    return earlier.status, earlier.response, True


def earlier_answer(*, scope: str, key: str) -> tuple[int, dict[str, Any]] | None:
    """The stored answer to a finished request with this key, if any: lets a caller skip costly preparation (such
    as drawing a number) for a plain retry. In-flight duplicates are still settled by `run_once`."""
    if not key:
        return None
    earlier = IdempotentRequest.objects.filter(scope=scope, key=key[:120]).exclude(status=0).first()
    return (earlier.status, earlier.response) if earlier else None
