"""Retried requests: the same Idempotency-Key from the same caller gets the first answer, never a second object.

The work is done and then the key is recorded with its answer, in one transaction. A request with a key already
recorded, or recorded meanwhile by a concurrent request (it waits on the unique index until that one commits), fails
to record it: its own work is rolled back, never committed, and it answers with the stored answer. If the first
request failed, nothing of it was recorded and the retry does the work itself. Meant for work that is cheap to redo
(reporting a case): a retry repeats it before finding the key, which saves a read on every first attempt.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone


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


def _table() -> str:
    return connection.ops.quote_name(IdempotentRequest._meta.db_table)


def run_once(
    *, scope: str, key: str, work: Callable[[], tuple[int, dict[str, Any]]]
) -> tuple[int, dict[str, Any], bool]:
    """(status, body, replayed). Without a key the work simply runs. Plain SQL: this wraps the hottest writes."""
    if not key:
        status, body = work()
        return status, body, False
    key = key[:120]
    try:
        with transaction.atomic():
            status, body = work()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {_table()} (scope, key, status, response, created_at) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608 - our table
                    [scope, key, status, json.dumps(body, ensure_ascii=False, default=str),
                     connection.ops.adapt_datetimefield_value(timezone.now())],
                )  # fmt: skip
        return status, body, False
    except IntegrityError:
        earlier = earlier_answer(scope=scope, key=key)
        if earlier is None:  # the work itself broke a constraint: not a retry
            raise
        return earlier[0], earlier[1], True


def earlier_answer(*, scope: str, key: str) -> tuple[int, dict[str, Any]] | None:
    """The stored answer to the request made with this key, if any."""
    if not key:
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status, response FROM {_table()} WHERE scope = %s AND key = %s AND status <> 0",  # noqa: S608
                       [scope, key[:120]])  # fmt: skip
        row = cursor.fetchone()
    if row is None:
        return None
    status, response = row
    return status, json.loads(response) if isinstance(response, str) else response
