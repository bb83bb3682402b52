"""The access log's pages (issue 20 item 4): who looked at a case's personal data (`/cases/<number>/access/`), and
an organisation's records with filters (`/access-log/`, desktop)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from claimbridge.accesslog import selectors
from claimbridge.accesslog.models import Action
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
    """The organisation's records with filters; a wrong filter is said next to its field (the list is not shown
    then: it would not be what was asked for), 400 for htmx."""
    filters, problems = selectors.read_filters(request.GET)
    entries = [] if problems else selectors.access_records_for_user(user=request.user, filters=filters)
    field_errors = {problem.field: problem.message for problem in problems}
    status = 400 if problems and request.headers.get("HX-Request") else 200
    return render(request, "accesslog/list.html", {
        "entries": entries, "filters": filters, "limit": selectors.LIST_LIMIT, "field_errors": field_errors,
        "actions": Action.choices, "purposes": selectors.purpose_choices(), "typed": request.GET,
    }, status=status)  # fmt: skip
