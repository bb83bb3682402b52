"""Retried requests: the same Idempotency-Key from the same caller gets the first answer, never a second object.

The work is done and then the key is recorded with its answer, in one transaction. A request with a key already
recorded, or recorded meanwhile by a concurrent request (it waits on the unique index until that one commits), fails
to record it: its own work is rolled back, never committed, and it answers with the stored answer. If the first
request failed, nothing of it was recorded and the retry does the work itself. Meant for work that is cheap to redo
(reporting a case): a retry repeats it before finding the key, which saves a read on every first attempt.

A key names one request: the same key sent again with a different body is a client's mistake, not a retry, and is
refused (`idempotency_key_reused`, 422) rather than answered with the first request's result. The body is compared by
its fingerprint (`fingerprint_of`: SHA-256 of the canonical JSON of what was parsed, so spacing and key order do not
matter).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone


class IdempotentRequest(models.Model):
    scope = models.CharField(max_length=120)  # who and what: e.g. "user:12:cases.create"
    key = models.CharField(max_length=120)
    status = models.PositiveSmallIntegerField(default=0)
    fingerprint = models.CharField(max_length=64, blank=True)  # of the request body: a key names one request
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "core"
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotent_request_once")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


def _table() -> str:
    return connection.ops.quote_name(IdempotentRequest._meta.db_table)


MAX_KEY_LENGTH = 120


def fingerprint_of(value: Any) -> str:
    """SHA-256 of the canonical JSON of a request's parsed body (a Schema, a dict or a list)."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    canonical = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def file_fingerprint(upload: Any) -> str:
    """SHA-256 of an uploaded file's bytes, the fingerprint of a load by file as `fingerprint_of` is of a body (read
    in chunks; the file is left at its start for the reader)."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def key_reused() -> Any:
    from claimbridge.core.errors import AppError

    return AppError(
        "idempotency_key_reused",
        "这个 Idempotency-Key 已用于另一个不同内容的请求：每个新请求请使用新的键",
        "This Idempotency-Key was already used for a request with a different body: use a new key for each new request",
        field="Idempotency-Key",
    )


def bad_key() -> Any:
    from claimbridge.core.errors import AppError

    return AppError(
        "bad_idempotency_key",
        f"Idempotency-Key 须为 1 至 {MAX_KEY_LENGTH} 个可见 ASCII 字符",
        f"An Idempotency-Key is 1 to {MAX_KEY_LENGTH} printable ASCII characters",
        field="Idempotency-Key",
    )


def clean_key(key: str) -> str:
    """The key as sent, or AppError when it cannot be one (too long, or not printable ASCII)."""
    if not key:
        return ""
    if len(key) > MAX_KEY_LENGTH or not all(" " < ch <= "~" for ch in key):
        raise bad_key()
    return key


def run_once(
    *, scope: str, key: str, work: Callable[[], tuple[int, dict[str, Any]]], fingerprint: str = ""
) -> tuple[int, dict[str, Any], bool]:
    """(status, body, replayed). Without a key the work simply runs. Plain SQL: this wraps the hottest writes.

    Only a successful answer (2xx) is kept: a refused request changed nothing, so its retry is simply a new attempt.
    The same key with another `fingerprint` raises the `idempotency_key_reused` AppError."""
    key = clean_key(key)
    if not key:
        status, body = work()
        return status, body, False
    try:
        with transaction.atomic():
            status, body = work()
            if not 200 <= status < 300:
                return status, body, False
            answer_keep(scope=scope, key=key, status=status, body=body, fingerprint=fingerprint)
        return status, body, False
    except IntegrityError:
        earlier = _earlier(scope=scope, key=key)
        if earlier is None:  # the work itself broke a constraint: not a retry
            raise
        status, body, earlier_fingerprint = earlier
        if fingerprint and earlier_fingerprint and fingerprint != earlier_fingerprint:
            raise key_reused() from None
        return status, body, True


def answer_keep(*, scope: str, key: str, status: int, body: dict[str, Any], fingerprint: str = "") -> None:
    """Keep the answer to `key` in the caller's transaction: for work that commits on its own terms (the join, whose
    phone code is spent in its own transaction) and must keep its answer in that same commit, not after it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table()} (scope, key, status, fingerprint, response, created_at) VALUES (%s, %s, %s, %s, %s, %s)",  # noqa: S608 - our table
            [scope, clean_key(key), status, fingerprint, json.dumps(body, ensure_ascii=False, default=str),
             connection.ops.adapt_datetimefield_value(timezone.now())],
        )  # fmt: skip


def _earlier(*, scope: str, key: str, since: datetime | None = None) -> tuple[int, dict[str, Any], str] | None:
    query = f"SELECT status, response, fingerprint FROM {_table()} WHERE scope = %s AND key = %s AND status <> 0"  # noqa: S608
    params: list[Any] = [scope, key]
    if since is not None:
        query += " AND created_at >= %s"
        params.append(connection.ops.adapt_datetimefield_value(since))
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        row = cursor.fetchone()
    if row is None:
        return None
    status, response, fingerprint = row
    return status, json.loads(response) if isinstance(response, str) else response, fingerprint


def answer_once(*, scope: str, key: str, body: Any, work: Callable[[], tuple[int, Any]]) -> tuple[int, Any]:
    """A write that cannot be redone (approving, moving, answering): the stored answer is looked up first, so a retry
    never runs the work again to find out that it is one; otherwise `work` runs once (`run_once`). A retry answers 200
    with the first answer."""
    fingerprint = fingerprint_of(body)
    earlier = earlier_answer(scope=scope, key=key, fingerprint=fingerprint)
    if earlier is not None:
        return 200, earlier[1]
    status, answer, replayed = run_once(scope=scope, key=key, work=work, fingerprint=fingerprint)
    return (200 if replayed else status), answer


def earlier_answer(
    *, scope: str, key: str, fingerprint: str = "", since: datetime | None = None
) -> tuple[int, dict[str, Any]] | None:
    """The stored answer to the request made with this key, if any (`idempotency_key_reused` if its body differed);
    with `since`, only an answer given since then (a retry of a sign-in-like request is honoured only as long as its
    one-time code would have been)."""
    key = clean_key(key)
    if not key:
        return None
    earlier = _earlier(scope=scope, key=key, since=since)
    if earlier is None:
        return None
    status, body, earlier_fingerprint = earlier
    if fingerprint and earlier_fingerprint and fingerprint != earlier_fingerprint:
        raise key_reused()
    return status, body
