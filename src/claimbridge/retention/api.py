"""`/api/v1/retention/…`: the schedule in force and the sweep's runs, read-only (decision 0028)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.core.errors import forbidden
from claimbridge.core.schemas import responses
from claimbridge.retention import selectors

router = Router(tags=["retention"])


class CountsOut(Schema):
    category: str
    anonymised: int
    deleted: int
    kept: int


class RunOut(Schema):
    id: int
    started_at: datetime
    finished_at: datetime | None
    dry_run: bool
    counts: list[CountsOut]
    errors: list[str]


class RuleOut(Schema):
    category: str
    holder: str
    keep_zh: str
    keep_en: str
    anchor: list[str]
    effective_from: date
    source: str  # why this duration, in English (as source_en)
    source_zh: str
    source_en: str


class RetentionOut(Schema):
    rules: list[RuleOut]
    runs: list[RunOut]


@router.get("/runs", auth=API_AUTH, response=responses({200: RetentionOut}),
            summary="The retention schedule in force and the newest sweeps (insurers, associations, the platform)")  # fmt: skip
def retention_runs(request: HttpRequest) -> dict[str, Any]:
    if not selectors.reads_retention(request.user):
        raise forbidden()
    runs = selectors.retention_runs_for_user(user=request.user)
    return {"rules": selectors.schedule_rows(user=request.user),
            "runs": [{"id": run.pk, "started_at": run.started_at, "finished_at": run.finished_at,
                      "dry_run": run.dry_run, "counts": run.rows, "errors": list(run.errors)} for run in runs]}  # fmt: skip
