"""Counting attempts per key in fixed windows, in the database so that every app server counts together (issue 12).

`hit(bucket, limit=, window_seconds=)` counts one attempt and says whether it is within the limit; an upsert with
RETURNING makes the count exact under concurrency on PostgreSQL and SQLite alike. Old windows are pruned now and then.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import connection, models
from django.http import HttpRequest
from django.utils import timezone


class AttemptCounter(models.Model):
    bucket = models.CharField(max_length=120)  # what is counted: "join:client:203.0.113.9", "join:code:ACD347"
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "core"
        constraints = [models.UniqueConstraint(fields=["bucket", "window_start"], name="attempt_counter_once")]

    def __str__(self) -> str:
        return f"{self.bucket} {self.window_start:%Y-%m-%d %H:%M} {self.count}"


def hit(bucket: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt in `bucket`'s current window; False once the window holds more than `limit`."""
    now = timezone.now()
    start = now - timedelta(seconds=now.timestamp() % window_seconds)
    table = connection.ops.quote_name(AttemptCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (bucket, window_start, count) VALUES (%s, %s, 1) "  # noqa: S608 - our table
            f"ON CONFLICT (bucket, window_start) DO UPDATE SET count = {table}.count + 1 RETURNING count",
            [bucket[:120], connection.ops.adapt_datetimefield_value(start.replace(microsecond=0))],
        )
        (count,) = cursor.fetchone()
    if secrets.randbelow(200) == 0:  # prune old windows about once in 200 attempts
        AttemptCounter.objects.filter(window_start__lt=now - timedelta(days=1)).delete()
    return int(count) <= limit


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind PROXY_COUNT trusted proxies the address they saw."""
    proxies = int(getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]
