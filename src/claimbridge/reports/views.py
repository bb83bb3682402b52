"""The statistics dashboard and its exports, as pages (issue 17). Thin: the query is read by `inputs`, the tables
come from `dashboard` (the selectors, within the reader's scope: 403 for what they may not see), the files from
`exports`."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from claimbridge.accesslog.services import Action, access_record, download_purpose
from claimbridge.accounts.roles import REPORT_ROLES
from claimbridge.accounts.scope import scope_for
from claimbridge.core.errors import AppError
from claimbridge.reports import dashboard, exports, inputs
from claimbridge.reports.dashboard import DEFAULT_FIGURE
from claimbridge.stats.figures import BY_CODE
from claimbridge.web.access import roles_required


def _read(request: HttpRequest) -> tuple[Any, str, dict[str, AppError]]:
    query, errors = inputs.read_query(request.GET)
    figure = (request.GET.get("figure") or "").strip() or DEFAULT_FIGURE
    if figure not in BY_CODE:
        errors["figure"] = AppError.translated("unknown_figure", _("There is no figure with this code."),
                                               field="figure")  # fmt: skip
    return query, figure, errors


@roles_required(REPORT_ROLES)
@require_GET
def figures_dashboard(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    query, figure, errors = _read(request)
    board = None
    if query is not None and not errors:
        try:
            board = dashboard.build(scope, query, figure_code=figure)
        except AppError as error:
            if error.status == 403:  # another company's figures: said so, not "your role may not"
                return render(request, "refused.html", {"error": error}, status=403)
            errors[error.field or "period"] = error
    period = inputs.period_code(inputs.Period(query.first, query.last)) if query is not None else ""
    fields = dashboard.picker(scope, request.GET, errors, period=period)
    shown = {field.error for field in fields if field.error is not None}
    context = {"board": board, "fields": fields, "errors": list(errors.values()),
               "other_errors": [error for error in errors.values() if error not in shown],
               "query_string": request.GET.urlencode()}  # fmt: skip
    return render(request, "reports/dashboard.html", context, status=422 if board is None else 200)


@roles_required(REPORT_ROLES)
@require_GET
def figures_export(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ("xlsx", "csv"):
        raise Http404
    scope = scope_for(request.user)
    query, _figure, errors = _read(request)
    if query is None or errors:
        error = next(iter(errors.values()))
        return render(request, "refused.html", {"error": error}, status=error.status)
    try:
        found = dashboard.tables(scope, query)
    except AppError as error:
        return render(request, "refused.html", {"error": error}, status=error.status)
    name = f"figures-{inputs.period_code(inputs.Period(query.first, query.last)).replace('..', '_')}.{kind}"
    purpose, note = download_purpose(request.user, request.GET)  # every export is recorded (issue 20)
    access_record(actor=request.user, action=Action.EXPORTED, what=f"reports.figures.{kind}", purpose=purpose,
                  note=note, object_ref=f"reports.figures:{name}"[:80], rows=exports.row_count(found))  # fmt: skip
    if kind == "xlsx":
        response = HttpResponse(exports.workbook(found), content_type=exports.XLSX_TYPE)
    else:
        response = HttpResponse(exports.csv_text(found), content_type=exports.CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
