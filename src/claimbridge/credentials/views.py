"""The register's pages: a company submits and corrects, the association reviews, adjusters log stops on the phone,
customers rate them, and anyone checks a scanned card (R4–R9, R13, R15).

Views parse and present; every write is a service that asks the scope whether this user may make this change. A
refusal is shown next to the field it is about, with its status (403, 409, 422). Each form that creates something
carries a hidden per-form key: the same form posted twice (a double tap, a reload) makes one thing (`_once`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claimbridge.accounts.models import Role
from claimbridge.accounts.roles import CREDENTIAL_ROLES
from claimbridge.accounts.scope import scope_for
from claimbridge.core.errors import AppError
from claimbridge.core.idempotency import earlier_answer, fingerprint_of, run_once
from claimbridge.credentials import keys, selectors, services
from claimbridge.web.access import roles_required

FORM_KEY = "form_key"
NOT_FORM_FIELDS = {FORM_KEY, "csrfmiddlewaretoken"}


# --- sending a form once --------------------------------------------------------------------------------------------


def form_key(request: HttpRequest) -> str:
    """The key of the form on the page: the one it was posted with (so that a corrected form is still the same
    submission), or a new one for a new form."""
    posted = request.POST.get(FORM_KEY, "") if request.method == "POST" else ""
    return posted if posted and len(posted) <= 64 and posted.isascii() else secrets.token_urlsafe(16)


def _once(request: HttpRequest, operation: str, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run a form's work once per form key of this user: a second POST of the same form gets the first answer. The
    same key with other contents is refused (a stale form sent again after a change)."""
    fields = {name: request.POST.getlist(name) for name in sorted(request.POST) if name not in NOT_FORM_FIELDS}
    files = {name: [(upload.name, upload.size) for upload in request.FILES.getlist(name)] for name in request.FILES}
    scope = f"user:{request.user.pk}:credentials.web.{operation}"
    key, fingerprint = request.POST.get(FORM_KEY, ""), fingerprint_of({"fields": fields, "files": files})
    try:
        earlier = earlier_answer(scope=scope, key=key, fingerprint=fingerprint)
        if earlier is not None:
            return earlier[1]
        return run_once(scope=scope, key=key, work=lambda: (200, work()), fingerprint=fingerprint)[1]
    except AppError as error:
        if error.code not in {"idempotency_key_reused", "bad_idempotency_key"}:
            raise
        raise AppError("form_already_sent", "这张表已经提交过，内容不同：请重新打开页面再填写",
                       "This form was already sent with other contents: open the page again to send a new one",
                       status=409) from None  # fmt: skip


def show_on_form(form: forms.Form, error: AppError, fields: dict[str, str] | None = None) -> None:
    """The refusal next to the field it names (`details.training` is the form's `training`), else on the form."""
    name = (fields or {}).get(error.field, error.field)
    if name.startswith("details."):
        name = name.removeprefix("details.")
    form.add_error(name if name in form.fields else None, error.message)


# --- public ---------------------------------------------------------------------------------------------------------


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("t", "")[:2000]
    result = services.credential_verify(token) if token else None
    context = {"token": token, "result": result, "public_key": keys.public_key_pem()}
    return render(request, "credentials/verify.html", context)


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the customer rates the adjuster's help from the link (or QR) the adjuster showed."""
    stop = selectors.stop_get_by_token(token=token)
    if stop is None:
        raise Http404
    error, status = "", 200
    if request.method == "POST":
        raw = request.POST.get("rating", "")
        try:  # anything but a number of stars is answered like a wrong number: "choose 1 to 5 stars"
            stop = services.stop_rate(token=token, rating=int(raw) if raw.isdigit() and len(raw) < 3 else 0,
                                      comment=request.POST.get("comment", ""), user=request.user)  # fmt: skip
        except AppError as refused:
            error, status = refused.message, refused.status
    return render(request, "credentials/rate.html", {"stop": stop, "error": error}, status=status)


# --- the register ---------------------------------------------------------------------------------------------------


@roles_required(CREDENTIAL_ROLES)
@require_GET
def adjuster_list(request: HttpRequest) -> HttpResponse:
    adjusters = selectors.adjuster_list_for_user(user=request.user)[:300]
    context = {"adjusters": adjusters, "can_submit": scope_for(request.user).may_submit_adjusters()}
    return render(request, "credentials/list.html", context)


def _accounts(request: HttpRequest) -> list[tuple[str, str]]:
    return [
        (u.username, f"{u.username} · {u.masked_name}") for u in selectors.adjuster_accounts_for_user(user=request.user)
    ]


@roles_required(frozenset({Role.INSURER_STAFF}))
@require_http_methods(["GET", "POST"])
def adjuster_new(request: HttpRequest) -> HttpResponse:
    from claimbridge.credentials.forms import AdjusterForm

    form = AdjusterForm(request.POST or None, request.FILES or None, accounts=_accounts(request))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data

            def submit() -> dict[str, Any]:
                adjuster = services.adjuster_submit(
                    user=request.user, full_name=data["full_name"], id_number=data["id_number"], phone=data["phone"],
                    city_code=data["city"], details=form.details(), photo=data.get("photo"), account=data["account"],
                )  # fmt: skip
                return {"id": adjuster.pk}

            try:
                return redirect("adjuster", pk=_once(request, "adjusters.submit", submit)["id"])
            except AppError as refused:
                show_on_form(form, refused)
                status = refused.status
    context = {"form": form, "form_key": form_key(request)}
    return render(request, "credentials/new.html", context, status=status)


def _detail(
    request: HttpRequest, adjuster: Any, *, status: int = 200, errors: dict[str, str] | None = None
) -> HttpResponse:
    from claimbridge.core.masking import mask_id_number, mask_name, mask_phone

    scope = scope_for(request.user)
    context = {"adjuster": adjuster, "name": mask_name(adjuster.full_name), "id_number": mask_id_number(adjuster.id_number),
               "phone": mask_phone(adjuster.phone), "credentials": adjuster.credentials.all(),
               "reviewer": scope.may_review_adjuster(adjuster), "company": scope.may_change_adjuster(adjuster),
               "form_key": form_key(request), "errors": errors or {}}  # fmt: skip
    return render(request, "credentials/detail.html", context, status=status)


def _visible(request: HttpRequest, pk: int) -> Any:
    adjuster = selectors.adjuster_get_for_user(user=request.user, pk=pk)
    if adjuster is None:
        raise Http404
    return adjuster


@roles_required(CREDENTIAL_ROLES)
@require_GET
def adjuster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visible(request, pk))


def _act(request: HttpRequest, pk: int, operation: str, action: Callable[[Any], int]) -> HttpResponse:
    """A review or a staff change from the detail page: seen first (404), then the service decides (403, 409,
    422, shown next to the field on the page); done, it leads to the entry (the new one after a move)."""
    adjuster = _visible(request, pk)
    try:
        answer = _once(request, f"{operation}.{pk}", lambda: {"id": action(adjuster)})
    except AppError as refused:
        if refused.status == 403:
            raise PermissionDenied from None
        return _detail(request, adjuster, status=refused.status, errors={refused.field or "form": refused.message})
    messages.success(request, gettext("Saved."))
    return redirect("adjuster", pk=answer["id"])


@roles_required(frozenset({Role.ASSOCIATION_STAFF}))
@require_POST
def adjuster_review(request: HttpRequest, pk: int) -> HttpResponse:
    def review(adjuster: Any) -> int:
        services.adjuster_review(user=request.user, adjuster=adjuster, decision=request.POST.get("decision", ""),
                                 note=request.POST.get("note", ""))  # fmt: skip
        return int(adjuster.pk)

    return _act(request, pk, "adjusters.review", review)


@roles_required(frozenset({Role.INSURER_STAFF}))
@require_POST
def adjuster_change(request: HttpRequest, pk: int) -> HttpResponse:
    def change(adjuster: Any) -> int:
        moved = services.staff_change(user=request.user, adjuster=adjuster, kind=request.POST.get("kind", ""),
                                      city_code=request.POST.get("city", ""))  # fmt: skip
        return int(moved.pk if moved is not None else adjuster.pk)

    return _act(request, pk, "adjusters.change", change)


@roles_required(frozenset({Role.INSURER_STAFF}))
@require_http_methods(["GET", "POST"])
def adjuster_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The company corrects a submission the association returned, and submits it again."""
    from claimbridge.credentials.forms import AdjusterForm

    adjuster = _visible(request, pk)
    if not scope_for(request.user).may_change_adjuster(adjuster):
        raise PermissionDenied
    details = adjuster.details
    initial = {"full_name": adjuster.full_name, "id_number": adjuster.id_number, "phone": adjuster.phone,
               "city": adjuster.association.city.code, **{k: v for k, v in details.items() if k != "training"},
               "training": "\n".join(details.get("training", []))}  # fmt: skip
    form = AdjusterForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data

            def resubmit() -> dict[str, Any]:
                services.adjuster_resubmit(user=request.user, adjuster=adjuster, full_name=data["full_name"],
                                           id_number=data["id_number"], phone=data["phone"], details=form.details(),
                                           photo=data.get("photo"))  # fmt: skip
                return {"id": adjuster.pk}

            try:
                return redirect("adjuster", pk=_once(request, f"adjusters.edit.{pk}", resubmit)["id"])
            except AppError as refused:
                show_on_form(form, refused)
                status = refused.status
    context = {"form": form, "editing": adjuster, "form_key": form_key(request)}
    return render(request, "credentials/new.html", context, status=status)


@roles_required(CREDENTIAL_ROLES)
@require_GET
def credential_card(request: HttpRequest, pk: int, number: str) -> HttpResponse:
    from urllib.parse import urlencode

    from claimbridge.credentials.card import card_pdf

    credential = selectors.credential_in_force_for_user(user=request.user, adjuster_pk=pk, number=number)
    if credential is None:
        raise Http404
    url = request.build_absolute_uri("/credentials/verify/?" + urlencode({"t": credential.token}))
    response = HttpResponse(card_pdf(credential=credential, verify_url=url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="credential-{credential.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- the adjuster's phone -------------------------------------------------------------------------------------------

STOP_FIELDS = {"case": "case_number"}  # the service's names for the form's fields, where they differ


@roles_required(frozenset({Role.ADJUSTER}))
@require_http_methods(["GET", "POST"])
def stops(request: HttpRequest) -> HttpResponse:
    """The adjuster's phone: record a stop (time, place, card shown, consent, services) and see their stops."""
    from django.utils import timezone

    from claimbridge.credentials.forms import StopForm
    from claimbridge.organisations import selectors as organisation_selectors

    insurers = [(i.code, i.display_short_name) for i in organisation_selectors.insurer_list_public()]
    counties = [(c.code, c.display_name) for c in organisation_selectors.county_list()]
    form = StopForm(request.POST or None, insurers=insurers, counties=counties,
                    initial={"at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})  # fmt: skip
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data

            def record() -> dict[str, Any]:
                stop = services.stop_record(user=request.user, kind=data["kind"], at=data["at"], services=data["services"],
                                            credential_shown=data["credential_shown"],
                                            customer_consented=data["customer_consented"], county_code=data["county"],
                                            customer_insurer_code=data["customer_insurer"], case_number=data["case_number"])  # fmt: skip
                return {"id": stop.pk}

            try:
                _once(request, "stops.record", record)
            except AppError as refused:
                show_on_form(form, refused, STOP_FIELDS)
                status = refused.status
            else:
                messages.success(request, gettext("Saved."))
                return redirect("service-stops")
    recent = selectors.stop_list_for_user(user=request.user)[:50]
    context = {"form": form, "stops": recent, "form_key": form_key(request),
               "credentialed": scope_for(request.user).may_record_stop(at=timezone.now())}  # fmt: skip
    return render(request, "credentials/stops.html", context, status=status)


# --- monthly feedback -----------------------------------------------------------------------------------------------


@roles_required(CREDENTIAL_ROLES)
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    return render(
        request, "credentials/reports.html", {"reports": selectors.report_list_for_user(user=request.user)[:240]}
    )


@roles_required(CREDENTIAL_ROLES)
@require_GET
def report_export(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    from claimbridge.credentials.exports import report_pdf, report_xlsx

    report = selectors.report_get_for_user(user=request.user, pk=pk)
    if report is None or kind not in {"pdf", "xlsx"}:
        raise Http404
    content_type = (
        "application/pdf" if kind == "pdf" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(report_pdf(report) if kind == "pdf" else report_xlsx(report), content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="adjusters-{report.month:%Y-%m}-{report.insurer.code}.{kind}"'
    )
    return response
