"""Retried requests: the same Idempotency-Key from the same caller gets the first answer, never a second object.

The key row is inserted first, inside the transaction that does the work. A concurrent request with the same key
waits on the unique index until that transaction ends, then reads the stored answer; if the first one failed, its
row rolled back with it and the retry does the work itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import connection, models, transaction
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
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Waits on the unique index while a request with the same key is in flight, then skips if it committed.
            cursor.execute(
                f"INSERT INTO {_table()} (scope, key, status, response, created_at) VALUES (%s, %s, 0, %s, %s) "  # noqa: S608 - our table
                "ON CONFLICT (scope, key) DO NOTHING RETURNING id",
                [scope, key, "{}", connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            inserted = cursor.fetchone()
        if inserted is not None:
            status, body = work()
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {_table()} SET status = %s, response = %s WHERE id = %s",  # noqa: S608
                               [status, json.dumps(body, ensure_ascii=False, default=str), inserted[0]])  # fmt: skip
            return status, body, False
    earlier = earlier_answer(scope=scope, key=key)
    if earlier is None:  # cannot happen: the row exists and its transaction committed
        raise RuntimeError(f"idempotency record {scope}/{key} has no answer")
    return earlier[0], earlier[1], True


def earlier_answer(*, scope: str, key: str) -> tuple[int, dict[str, Any]] | None:
    """The stored answer to a finished request with this key, if any: lets a caller skip costly preparation (such
    as drawing a number) for a plain retry. In-flight duplicates are still settled by `run_once`."""
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
