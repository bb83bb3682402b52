"""The suite's file storage and task queue (issue 19 item 3; B8, B9).

By default: files in memory and tasks run inline where they are enqueued. Under `make test-production-backends`
(tests/production_backends.py) the same suite runs on what production runs: S3 (`TEST_S3_ENDPOINT`, moto's server,
bucket `TEST_S3_BUCKET`) through the production settings' own storage configuration, and RQ on Redis
(`TEST_TASKS_BACKEND=rq`, `TEST_REDIS_URL`; queues run synchronously, so every test still sees its task's effect).
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from claimbridge.settings import s3_storage

S3_ENDPOINT = os.environ.get("TEST_S3_ENDPOINT", "")
S3_BUCKET = os.environ.get("TEST_S3_BUCKET", "claimbridge-test")
S3_REGION = "us-east-1"
S3_ACCESS_KEY, S3_SECRET_KEY = "test", "test-secret"  # moto's server takes any
TASKS_BACKEND = os.environ.get("TEST_TASKS_BACKEND", "immediate")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
if TASKS_BACKEND not in {"immediate", "rq"}:
    raise ValueError("TEST_TASKS_BACKEND is `immediate` or `rq`")


def file_storage() -> dict[str, Any]:
    """A new, empty file storage: a fresh one in memory, or a key prefix of its own in the S3 bucket."""
    if not S3_ENDPOINT:
        return {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    return s3_storage(bucket=S3_BUCKET, endpoint_url=S3_ENDPOINT, region=S3_REGION, access_key=S3_ACCESS_KEY,
                      secret_key=S3_SECRET_KEY, location=f"test-{uuid.uuid4().hex[:12]}")  # fmt: skip


def finished(result: Any) -> Any:
    """The task's result once it ran: the immediate backend's enqueue answers it; RQ's (its queues synchronous in the
    suite) answers what it enqueued, and the outcome is read back from Redis."""
    return result if result.is_finished else result.task.get_backend().get_result(result.id)


def redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    """Whether a Redis listens here (tests that need a real one skip, with the reason, when none does)."""
    import socket

    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False
