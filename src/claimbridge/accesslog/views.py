"""The access log's pages (issue 20 item 4): who looked at a case's personal data (`/cases/<number>/access/`), and
an organisation's records with filters (`/access-log/`, desktop)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from claimbridge.accesslog import selectors
from claimbridge.accesslog.models import Action, Purpose
from claimbridge.accounts.roles import ACCESS_LOG_ROLES
from claimbridge.web.access import roles_required


@roles_required(ACCESS_LOG_ROLES)
@require_GET
def case_access(request: HttpRequest, number: str) -> HttpResponse:
    found = selectors.case_access_log_for_user(user=request.user, number=number)
    if found is None:
        raise Http404
    case, entries = found
    return render(request, "accesslog/case.html", {"case": case, "entries": entries})


@roles_required(ACCESS_LOG_ROLES)
@require_GET
def access_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.filters_from(request.GET)
    entries = selectors.access_records_for_user(user=request.user, filters=filters)
    return render(request, "accesslog/list.html", {
        "entries": entries, "filters": filters, "limit": selectors.LIST_LIMIT,
        "actions": Action.choices, "purposes": Purpose.choices,
    })  # fmt: skip
