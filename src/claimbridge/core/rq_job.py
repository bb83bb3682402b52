"""The RQ job class `claimbridge worker` runs (TASKS_BACKEND=rq; decision 0026).

RQ's simple worker keeps one process, and with it one database connection, for every job. Django closes a broken
or aged connection only at a request's start and end; a worker has no requests, so after a PostgreSQL restart every
later job failed on "the connection is closed" (the rehearsal, issue 19). Each job here starts and ends as a request
does: connections that are unusable or past CONN_MAX_AGE are closed, and the next query opens a fresh one.
"""

from __future__ import annotations

from typing import Any

from django.db import close_old_connections
from django_tasks_rq.backend import Job as TasksJob


class Job(TasksJob):
    def perform(self) -> Any:
        close_old_connections()
        try:
            return super().perform()
        finally:
            close_old_connections()
