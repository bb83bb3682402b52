"""The exports page (issue 17, item 6): ask for the rows of some months, watch the export being written, download it.
Thin: the service decides who may export what (row_exports.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from claimbridge.core.errors import AppError
from claimbridge.reports import row_exports
from claimbridge.web.once import form_key, once

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MonthField(forms.CharField):
    """A month as `YYYY-MM` (what `<input type="month">` sends), as its first day."""

    widget = forms.TextInput(attrs={"type": "month", "min": "2020-01", "max": "2099-12"})

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = str(value or "").strip()
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-"))
            return date(year, month, 1) if 2000 <= year <= 2100 else None
        except ValueError:
            raise forms.ValidationError(_("Give a month as 2026-07."), code="bad_month") from None

    def validate(self, value: Any) -> None:
        if value is None:
            raise forms.ValidationError(_("Give a month as 2026-07."), code="bad_month")


class ExportForm(forms.Form):
    first = MonthField(label=_("From month"))
    last = MonthField(label=_("To month"))


def _scope_check(request: HttpRequest) -> None:
    from claimbridge.accounts.scope import scope_for

    if not scope_for(request.user).sees_statistics:
        raise PermissionDenied


@login_required
def exports_page(request: HttpRequest) -> HttpResponse:
    _scope_check(request)
    today = timezone.localdate()
    quarter_start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    form = ExportForm(initial={"first": f"{quarter_start:%Y-%m}", "last": f"{today:%Y-%m}"})
    status = 200
    if request.method == "POST":
        form = ExportForm(request.POST)
        if form.is_valid():
            first, last = form.cleaned_data["first"], form.cleaned_data["last"]
            try:
                answer = once(request, "export", lambda: {"job": row_exports.export_request(
                    user=request.user, first=first, last=last).pk}, app="reports")  # fmt: skip
            except AppError as refused:
                form.add_error(refused.field if refused.field in form.fields else None, refused.message)
                status = refused.status
            else:
                return redirect(f"{reverse('report-exports')}#export-{answer['job']}")
        else:
            status = 422
    context = {"form": form, "jobs": row_exports.exports_of(request.user), "form_key": form_key(request)}
    return render(request, "reports/exports.html", context, status=status)


@require_GET
@login_required
def export_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """One export's progress (the page polls it while it is written)."""
    try:
        job = row_exports.export_get(user=request.user, job_id=job_id)
    except AppError:
        raise Http404 from None
    return render(request, "reports/_export.html", {"job": job})


@require_GET
@login_required
def export_download(request: HttpRequest, job_id: int) -> HttpResponse:
    try:
        content, name = row_exports.export_open(user=request.user, job_id=job_id)
    except AppError as refused:
        if refused.status == 409:
            return redirect(reverse("report-exports"))
        raise Http404 from None
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
