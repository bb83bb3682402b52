"""The RQ job class reconnects after a database restart (issue 19; B8). With one worker process for every job, the
rehearsal's PostgreSQL restart left each later job failing on "the connection is closed"."""

from __future__ import annotations

import pytest
from django_tasks_rq.backend import Job as TasksJob

from claimbridge.core import rq_job


def test_each_job_closes_stale_connections_before_and_after(monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(rq_job, "close_old_connections", lambda: calls.append("close"))
    monkeypatch.setattr(TasksJob, "perform", lambda self: calls.append("job") or "done")
    assert rq_job.Job.perform(object.__new__(rq_job.Job)) == "done"
    assert calls == ["close", "job", "close"]


def test_a_failing_job_still_leaves_no_broken_connection(monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(rq_job, "close_old_connections", lambda: calls.append("close"))

    def broken(self):
        raise RuntimeError("the connection is closed")

    monkeypatch.setattr(TasksJob, "perform", broken)
    with pytest.raises(RuntimeError):
        rq_job.Job.perform(object.__new__(rq_job.Job))
    assert calls == ["close", "close"]
