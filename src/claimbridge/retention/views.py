"""The staff page of the retention schedule and the sweep's runs (decision 0028): read-only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from claimbridge.core.errors import reading_english
from claimbridge.retention import selectors
from claimbridge.retention.selectors import ANCHOR_WORDS, counted_from
from claimbridge.web.access import roles_required

# When cron runs `claimbridge retention_sweep` (docs/operations/crontab, machine time kept at Asia/Shanghai): a test
# reads the crontab, so the page cannot say another time than the one that is installed.
SWEEP_AT = "03:20"


@roles_required(selectors.READERS)
@require_GET
def retention_overview(request: HttpRequest) -> HttpResponse:
    english = reading_english()
    rules: list[dict[str, Any]] = selectors.schedule_rows(user=request.user)
    for rule in rules:
        rule["counted_from"] = counted_from(rule["anchor"], english=english)
    return render(request, "retention/overview.html", {
        "rules": rules, "runs": selectors.retention_runs_for_user(user=request.user), "sweep_at": SWEEP_AT,
    })  # fmt: skip


__all__ = ["ANCHOR_WORDS", "SWEEP_AT", "counted_from", "retention_overview"]
