"""The progress report's pages (R18, R19, B10): `/progress/` for anyone — the newest published report, its charts and
tables, what the integration means for a driver, the downloads and the earlier versions — and `/publications/` for
the associations (draft, edit, preview, approve, publish, correct), the regulator and the platform (read).

Views parse and present; every write is a service that asks the scope whether this user may write reports. The
forms carry a key, so a double tap drafts one report and starts one correction (`web.once`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from claimbridge.accounts.models import Role
from claimbridge.accounts.scope import scope_for
from claimbridge.core.errors import AppError, reading_english
from claimbridge.reports import publication, publication_selectors
from claimbridge.reports.public_tables import (
    SUPPRESSION_NOTE,
    TABLE_COLUMNS,
    figure_name,
    in_language,
    periods,
    shown,
    tables_of,
)
from claimbridge.reports.publication_charts import report_charts
from claimbridge.reports.publication_forms import CorrectionForm, DraftForm, EditForm
from claimbridge.reports.publication_models import ReportVersion, VersionState
from claimbridge.stats.figures import BY_CODE, FIGURES
from claimbridge.web.access import roles_required
from claimbridge.web.once import form_key, once, sent_before

READERS = frozenset({Role.ASSOCIATION_STAFF, Role.REGULATOR, Role.PLATFORM_ADMIN})
# The figures shown large at the top of the page; the rest are in the table of every figure.
HEADLINE = ("cases_reported", "agreements", "quick_claim_share", "cross_region_share", "online_one_stop_share",
            "police_referrals", "first_contact_median", "survey_median", "payment_median", "amount_paid",
            "adjuster_stops", "other_company_help")  # fmt: skip
TABLE_NAMES = {"city": ("By city", "按城市"), "county": ("By county", "按县区"),
               "insurer": ("By insurer", "按保险公司"), "month": ("By month (the last 12)", "按月（近12个月）")}  # fmt: skip
CONTENT_TYPES = {"pdf": "application/pdf",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}  # fmt: skip


@dataclass(frozen=True)
class ShownTable:
    name: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list[str]]]
    total: tuple[str, list[str]] | None


def _figure_name(code: str, english: bool) -> str:
    return figure_name(BY_CODE[code], english)


def figures_context(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A version's figures as the page prints them, in the reader's language, with its charts (our own SVG:
    generated from numbers and escaped labels, no script or style — the strict CSP allows it inline)."""
    english = reading_english()
    headline = snapshot["headline"]
    columns = [BY_CODE[code] for code in TABLE_COLUMNS]

    def line(row: dict[str, Any]) -> tuple[str, list[str]]:
        return in_language(row["label"], english), [
            shown(f, row["cells"].get(f.code), english=english) for f in columns
        ]

    tables = [
        ShownTable(name, TABLE_NAMES[name][0] if english else TABLE_NAMES[name][1],
                   [_figure_name(code, english) for code in TABLE_COLUMNS], [line(row) for row in table["rows"]],
                   line(table["total"]) if table.get("total") else None)
        for name, table in tables_of(snapshot)
    ]  # fmt: skip
    drawn = report_charts(snapshot, english=english, id_prefix="page")
    return {
        "period_label": in_language(snapshot["period"]["label"], english),
        "computed_at": snapshot["computed_at"][:16].replace("T", " "),
        "headline": [(_figure_name(code, english), shown(BY_CODE[code], headline.get(code), english=english), code)
                     for code in HEADLINE],
        "all_figures": [(figure_name(f, english), shown(f, headline.get(f.code), english=english),
                         in_language(f.formula, english)) for f in FIGURES],
        "tables": tables,
        "charts": {"trend": mark_safe(drawn.trend), "counties": mark_safe(drawn.counties),  # noqa: S308 - our SVG
                   "map": mark_safe(drawn.map) if drawn.map else None},  # noqa: S308
        "suppression_note": in_language(SUPPRESSION_NOTE, english),
    }  # fmt: skip


def _page(request: HttpRequest, version: ReportVersion, versions: list[ReportVersion], *, preview: bool,
          others: list[Any] | None = None) -> HttpResponse:  # fmt: skip
    english = reading_english()
    context = {
        "version": version, "report": version.report, "versions": sorted(versions, key=lambda v: -v.n),
        "preview": preview,
        "others": [(item.report.number, in_language(item.version.snapshot["period"]["label"], english))
                   for item in others or []],
        "summary": (version.summary_en or version.summary_zh) if english else version.summary_zh,
        "highlights": [line for line in ((version.highlights_en or version.highlights_zh) if english
                                         else version.highlights_zh).splitlines() if line.strip()],
        "download_base": (f"/publications/{version.report.number}/{version.n}/" if preview
                          else f"/progress/{version.report.number}/{version.n}/"),
        **figures_context(version.snapshot),
    }  # fmt: skip
    return render(request, "reports/public_progress.html", context)


# --- the public --------------------------------------------------------------------------------------------------


@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    """The newest published report, and the list of every published one."""
    reports = publication_selectors.published_reports()
    if not reports:
        return render(request, "reports/public_empty.html")
    latest = reports[0]
    return _page(request, latest.version, latest.versions, preview=False, others=reports)


@require_GET
def progress_report(request: HttpRequest, number: int) -> HttpResponse:
    found = publication_selectors.published(number=number)
    if found is None:
        raise Http404
    return _page(
        request, found.version, found.versions, preview=False, others=publication_selectors.published_reports()
    )


@require_GET
def progress_version(request: HttpRequest, number: int, version: int) -> HttpResponse:
    found = publication_selectors.published(number=number, n=version)
    if found is None:
        raise Http404
    return _page(
        request, found.version, found.versions, preview=False, others=publication_selectors.published_reports()
    )


def _download(version: ReportVersion, kind: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="progress-{version.report.number}-v{version.n}.{kind}"'
    return response


@require_GET
def progress_download(request: HttpRequest, number: int, version: int, kind: str) -> HttpResponse:
    """A published version's PDF or spreadsheet, as stored when it was published (its SHA-256 is on the page)."""
    found = publication_selectors.published(number=number, n=version)
    if found is None or kind not in CONTENT_TYPES:
        raise Http404
    data = publication_selectors.stored_document(found.version, kind)
    if data is None:
        raise Http404
    return _download(found.version, kind, data)


# --- the associations ------------------------------------------------------------------------------------------


def _refused(request: HttpRequest, refused: AppError) -> HttpResponse:
    return render(request, "refused.html", {"error": refused}, status=refused.status)


@roles_required(READERS)
@require_http_methods(["GET", "POST"])
def publication_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    taken = publication_selectors.drafted_periods()
    choices = [period for period in periods(timezone.localdate()) if period not in taken]
    form = DraftForm(request.POST or None, periods=choices)
    status = 200
    if request.method == "POST":
        earlier = sent_before(request, "draft", app="progress")  # a double tap: its period is taken by now
        if earlier is not None:
            return redirect(reverse("publication", args=[earlier["number"]]))
        status = 422
        if form.is_valid():
            kind, start = form.cleaned_period()
            texts = {name: form.cleaned_data[name] for name in publication.TEXT_FIELDS}

            def work() -> dict[str, Any]:
                version = publication.report_draft(user=request.user, kind=kind, start=start, **texts)
                return {"number": version.report.number}

            try:
                answer = once(request, "draft", work, app="progress")
            except AppError as refused:
                if refused.code == "forbidden":
                    return _refused(request, refused)
                form.add_error("period" if refused.field == "period" else None, refused.message)
                status = refused.status
            else:
                messages.success(request, gettext("The draft was made with the figures as they stand now."))
                return redirect(reverse("publication", args=[answer["number"]]))
    context = {"reports": publication_selectors.report_list_for_user(user=request.user), "form": form,
               "may_write": scope.may_write_reports, "form_key": form_key(request)}  # fmt: skip
    return render(request, "reports/publication_list.html", context, status=status)


OPERATIONS = ("edit", "approve", "publish", "correct")


@roles_required(READERS)
@require_http_methods(["GET", "POST"])
def publication_detail(request: HttpRequest, number: int) -> HttpResponse:
    report = publication_selectors.report_get_for_user(user=request.user, number=number)
    if report is None:
        raise Http404
    open_version = publication_selectors.open_version(report)
    edit_form = EditForm(initial={name: getattr(open_version, name) for name in publication.TEXT_FIELDS}
                         if open_version else None)  # fmt: skip
    correction_form = CorrectionForm()
    status = 200
    if request.method == "POST":
        operation = request.POST.get("op", "")
        if operation not in OPERATIONS:
            raise Http404
        if operation == "edit":
            edit_form = EditForm(request.POST)
        if operation == "correct":
            correction_form = CorrectionForm(request.POST)
        bound = edit_form if operation == "edit" else correction_form if operation == "correct" else None
        if bound is not None and not bound.is_valid():
            status = 422
        else:
            try:
                once(request, f"{number}.{operation}", lambda: _operate(request, report, open_version, operation,
                                                                         bound), app="progress")  # fmt: skip
            except AppError as refused:
                if refused.code in {"forbidden", "not_found"}:
                    return _refused(request, refused)
                if bound is None:
                    messages.error(request, refused.message)
                    return redirect(reverse("publication", args=[number]))
                bound.add_error(None, refused.message)
                status = refused.status
            else:
                messages.success(request, gettext("Saved."))
                return redirect(reverse("publication", args=[number]))
    context = {
        "report": report, "versions": publication_selectors.versions_of(user=request.user, report=report),
        "open_version": open_version, "edit_form": edit_form, "correction_form": correction_form,
        "events": publication_selectors.events_of(user=request.user, report=report),
        "may_write": scope_for(request.user).may_write_reports,
        "wrote_last": open_version is not None and open_version.edited_by_id == request.user.pk,
        "form_key": form_key(request),
        "computed_at": open_version.snapshot["computed_at"][:16].replace("T", " ") if open_version else "",
    }  # fmt: skip
    return render(request, "reports/publication_detail.html", context, status=status)


def _operate(request: HttpRequest, report: Any, version: ReportVersion | None, operation: str,
             form: Any) -> dict[str, Any]:  # fmt: skip
    user = request.user
    if operation == "correct":
        made = publication.report_correct(user=user, report=report, reason=form.cleaned_data["reason"],
                                          refresh_figures=form.cleaned_data["refresh_figures"])  # fmt: skip
        return {"version": made.n}
    if version is None:
        raise publication.published_immutable()
    if operation == "edit":
        texts = {name: form.cleaned_data[name] for name in publication.TEXT_FIELDS}
        publication.version_edit(user=user, version=version, refresh_figures=form.cleaned_data["refresh_figures"],
                                 **texts)  # fmt: skip
    elif operation == "approve":
        publication.version_approve(user=user, version=version)
    else:
        publication.version_publish(user=user, version=version)
    return {"version": version.n}


@roles_required(READERS)
@require_GET
def publication_preview(request: HttpRequest, number: int, version: int) -> HttpResponse:
    """A version exactly as the public page will show it, in any state."""
    found = publication_selectors.version_get_for_user(user=request.user, number=number, n=version)
    if found is None:
        raise Http404
    versions = publication_selectors.versions_of(user=request.user, report=found.report)
    published = [v for v in versions if v.state == VersionState.PUBLISHED or v.pk == found.pk]
    return _page(request, found, published, preview=True)


@roles_required(READERS)
@require_GET
def publication_download(request: HttpRequest, number: int, version: int, kind: str) -> HttpResponse:
    """A version's PDF or spreadsheet: as stored for a published one; made now (and not kept) for a draft."""
    found = publication_selectors.version_get_for_user(user=request.user, number=number, n=version)
    if found is None or kind not in CONTENT_TYPES:
        raise Http404
    if found.state == VersionState.PUBLISHED:
        data = publication_selectors.stored_document(found, kind)
        if data is None:
            raise Http404
    else:
        from claimbridge.reports.excel import report_xlsx
        from claimbridge.reports.pdf import report_pdf

        data = report_pdf(version=found) if kind == "pdf" else report_xlsx(version=found)
    return _download(found, kind, data)
