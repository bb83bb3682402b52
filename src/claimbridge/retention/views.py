"""The staff page of the retention schedule and the sweep's runs (decision 0028): read-only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from claimbridge.retention import selectors
from claimbridge.web.access import roles_required


@roles_required(selectors.READERS)
@require_GET
def retention_overview(request: HttpRequest) -> HttpResponse:
    return render(request, "retention/overview.html", {
        "rules": selectors.schedule_rows(user=request.user),
        "runs": selectors.retention_runs_for_user(user=request.user),
    })  # fmt: skip
