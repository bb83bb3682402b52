"""The register's pages: a company submits and corrects, the association reviews, adjusters log stops on the phone,
customers rate them, and anyone checks a scanned card (R4–R9, R13, R15).

Views parse and present; every write is a service that asks the scope whether this user may make this change. A
refusal is shown next to the field it is about, with its status (403, 409, 422). Each form that creates something
carries a hidden per-form key: the same form posted twice (a double tap, a reload) makes one thing (`_once`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claimbridge.accesslog.services import Action, access_record, download_purpose
from claimbridge.accounts.models import Role
from claimbridge.accounts.roles import CREDENTIAL_ROLES
from claimbridge.accounts.scope import scope_for
from claimbridge.core.errors import AppError
from claimbridge.credentials import keys, selectors, services
from claimbridge.credentials.presenting import (
    qualifications_of,
    typed_check_allowed,
    verification_photo_number,
    verification_photo_path,
)
from claimbridge.web.access import roles_required
from claimbridge.web.once import form_key, once, sent_before


def show_on_form(form: forms.Form, error: AppError, fields: dict[str, str] | None = None) -> None:
    """Each refusal next to the field it names (`details.training` is the form's `training`), else on the form;
    an error of several refusals (`details.errors`) marks each of their fields."""
    from claimbridge.core.errors import in_current_language

    listed = error.details.get("errors") if isinstance(error.details, dict) else None
    refusals = [(e["field"], in_current_language(e["zh"], e["en"])) for e in listed] if listed else [
        (error.field, error.message)]  # fmt: skip
    for field, message in refusals:
        name = (fields or {}).get(field, field).removeprefix("details.")
        name = name if name in form.fields else None
        if name is not None and name in form.errors:
            continue  # the form's own check of that field already said so
        form.add_error(name, message)


# --- public ---------------------------------------------------------------------------------------------------------


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """Public: a scanned card (its QR code's token) or a card number typed from it. A genuine, current card shows
    the holder's company by name and the holder's photo, to compare with the person at the door (R8)."""
    token, typed = request.GET.get("t", "")[:2000], request.GET.get("number", "")[:100]
    result, error, status = None, "", 200
    try:
        if token:
            result = services.credential_verify(token)
        elif typed:
            if not typed_check_allowed(request):
                raise AppError("too_many_checks", "查询过于频繁，请 10 分钟后再试",
                               "Too many checks from here: try again in 10 minutes", status=429, field="number")  # fmt: skip
            result = services.credential_verify_number(typed)
    except AppError as refused:
        error, status = refused.message, refused.status
    photo_url = verification_photo_path(result) if result is not None else ""
    context = {"token": token, "typed": typed, "result": result, "error": error, "photo_url": photo_url,
               "public_key": keys.public_key_pem()}  # fmt: skip
    return render(request, "credentials/verify.html", context, status=status)


@require_GET
def verify_photo(request: HttpRequest, signed: str) -> HttpResponse:
    """The holder's photo on the verification page: by a link that page signed minutes ago, for a current card."""
    number = verification_photo_number(signed)
    if number is None:
        raise Http404
    credential = selectors.credential_by_number(number=str(number))
    return _jpeg(services.verification_portrait(credential) if credential is not None else None)


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
    from claimbridge.core.masking import mask_id_number, mask_name

    waiting = {"submitted": 0, "needs_correction": 1}  # what waits for a decision first, newest first within
    only_waiting = request.GET.get("status") == "submitted"
    to_review = selectors.adjuster_list_for_user(user=request.user, status="submitted").count()
    listed = selectors.adjuster_list_for_user(user=request.user, status="submitted" if only_waiting else "")
    adjusters = sorted(listed[:300], key=lambda a: waiting.get(a.status, 2))
    rows = [{"adjuster": adjuster, "name": mask_name(adjuster.full_name), "id_number": mask_id_number(adjuster.id_number),
             "credential": next((c.number for c in adjuster.credentials.all() if c.revoked_at is None), "")}
            for adjuster in adjusters]  # fmt: skip
    context = {"rows": rows, "can_submit": scope_for(request.user).may_submit_adjusters(), "to_review": to_review,
               "only_waiting": only_waiting}  # fmt: skip
    return render(request, "credentials/list.html", context)


def _accounts(request: HttpRequest) -> list[tuple[str, str]]:
    return [
        (u.username, f"{u.username} · {u.masked_name}") for u in selectors.adjuster_accounts_for_user(user=request.user)
    ]


def _hold_portrait(request: HttpRequest, form: Any) -> None:
    """A refused form keeps its photo: the portrait that passed is held under a token the page posts back, and its
    thumbnail shows next to the photo field."""
    token = services.portrait_hold(user=request.user, data=form.portrait) if form.portrait is not None else ""
    token = token or (form.cleaned_data.get("photo_token", "") if hasattr(form, "cleaned_data") else "")
    data = form.data.copy()
    data["photo_token"] = token
    form.data = data


def _submission(request: HttpRequest, form: Any, operation: str, work: Callable[[dict[str, Any]], int],
                context: dict[str, Any]) -> HttpResponse:  # fmt: skip
    """The submission form and its correction: every refusal at once next to its field (the form's own checks,
    then the service's), the chosen photo kept."""
    status = 200
    if request.method == "POST":
        status = 422
        earlier = sent_before(request, operation, app="credentials")
        if earlier is not None:
            return redirect("adjuster", pk=earlier["id"])
        if form.is_valid():
            data = form.cleaned_data
            try:
                return redirect(
                    "adjuster", pk=once(request, operation, lambda: {"id": work(data)}, app="credentials")["id"]
                )
            except AppError as refused:
                show_on_form(form, refused)
                status = refused.status
        _hold_portrait(request, form)
    token = form["photo_token"].value() or ""
    context = {**context, "form": form, "form_key": form_key(request), "photo_token": token}
    return render(request, "credentials/new.html", context, status=status)


@roles_required(frozenset({Role.INSURER_STAFF}))
@require_http_methods(["GET", "POST"])
def adjuster_new(request: HttpRequest) -> HttpResponse:
    from claimbridge.credentials.forms import AdjusterForm

    form = AdjusterForm(request.POST or None, request.FILES or None, user=request.user, accounts=_accounts(request))

    def submit(data: dict[str, Any]) -> int:
        adjuster = services.adjuster_submit(
            user=request.user, full_name=data["full_name"], id_number=data["id_number"], phone=data["phone"],
            city_code=data["city"], details=form.details(), photo=data.get("photo") or None, account=data["account"],
            photo_token=data.get("photo_token", ""),
        )  # fmt: skip
        return int(adjuster.pk)

    return _submission(request, form, "adjusters.submit", submit, {})


def _detail(
    request: HttpRequest, adjuster: Any, *, status: int = 200, errors: dict[str, str] | None = None
) -> HttpResponse:
    from claimbridge.core.masking import mask_id_number, mask_name, mask_phone

    scope = scope_for(request.user)
    reviewer, company = scope.may_review_adjuster(adjuster), scope.may_change_adjuster(adjuster)
    personal = services.adjuster_personal_data(user=request.user, adjuster=adjuster)  # the reviewer's, audited
    context = {"adjuster": adjuster, "name": personal.full_name if personal else mask_name(adjuster.full_name),
               "id_number": personal.id_number if personal else mask_id_number(adjuster.id_number),
               "phone": personal.phone if personal else mask_phone(adjuster.phone), "in_full": personal is not None,
               "credentials": adjuster.credentials.all(), "reviewer": reviewer, "company": company,
               "photo": bool(adjuster.photo_name) and (reviewer or company),
               "qualifications": qualifications_of(adjuster.details or {}),
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


def _act(request: HttpRequest, pk: int, operation: str, action: Callable[[Any], int], done: str = "") -> HttpResponse:
    """A review or a staff change from the detail page: seen first (404), then the service decides (403, 409,
    422, shown next to the field on the page); done, it leads to the entry (the new one after a move)."""
    adjuster = _visible(request, pk)
    try:
        answer = once(request, f"{operation}.{pk}", lambda: {"id": action(adjuster)}, app="credentials")
    except AppError as refused:
        if refused.status == 403:
            raise PermissionDenied from None
        return _detail(request, adjuster, status=refused.status, errors={refused.field or "form": refused.message})
    messages.success(request, done or gettext("Saved."))
    return redirect("adjuster", pk=answer["id"])


@roles_required(frozenset({Role.ASSOCIATION_STAFF}))
@require_POST
def adjuster_review(request: HttpRequest, pk: int) -> HttpResponse:
    def review(adjuster: Any) -> int:
        services.adjuster_review(user=request.user, adjuster=adjuster, decision=request.POST.get("decision", ""),
                                 note=request.POST.get("note", ""))  # fmt: skip
        return int(adjuster.pk)

    said = {"approve": gettext("Approved: the credential is issued and shown below."),
            "correct": gettext("Sent back to the company for corrections."),
            "reject": gettext("Rejected.")}  # fmt: skip
    return _act(request, pk, "adjusters.review", review, done=said.get(request.POST.get("decision", ""), ""))


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
    # The form opens filled with the person in full: a showing, recorded (issue 20); a posted form shows what was sent.
    person = (services.adjuster_personal_data_for_correction(user=request.user, adjuster=adjuster)
              if request.method == "GET" else services.PersonalData("", "", ""))  # fmt: skip
    initial = {"full_name": person.full_name, "id_number": person.id_number, "phone": person.phone,
               "city": adjuster.association.city.code, **{k: v for k, v in details.items() if k != "training"},
               "training": "\n".join(details.get("training", []))}  # fmt: skip
    form = AdjusterForm(request.POST or None, request.FILES or None, initial=initial, user=request.user,
                        editing_pk=adjuster.pk)  # fmt: skip

    def resubmit(data: dict[str, Any]) -> int:
        services.adjuster_resubmit(user=request.user, adjuster=adjuster, full_name=data["full_name"],
                                   id_number=data["id_number"], phone=data["phone"], details=form.details(),
                                   photo=data.get("photo") or None, photo_token=data.get("photo_token", ""))  # fmt: skip
        return int(adjuster.pk)

    return _submission(request, form, f"adjusters.edit.{pk}", resubmit, {"editing": adjuster})


def _jpeg(data: bytes | None) -> HttpResponse:
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@roles_required(CREDENTIAL_ROLES)
@require_GET
def adjuster_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """The entry's portrait: for its reviewing association and its company, each showing recorded."""
    return _jpeg(services.adjuster_portrait(user=request.user, adjuster=_visible(request, pk)))


@roles_required(frozenset({Role.INSURER_STAFF}))
@require_GET
def pending_photo(request: HttpRequest, token: str) -> HttpResponse:
    """The thumbnail of a photo held for the form that chose it (its own user only)."""
    try:
        return _jpeg(services.pending_portrait(user=request.user, token=token))
    except AppError:
        raise Http404 from None


@roles_required(CREDENTIAL_ROLES)
@require_GET
def credential_card(request: HttpRequest, pk: int, number: str) -> HttpResponse:
    from urllib.parse import urlencode

    from claimbridge.credentials.card import card_pdf

    credential = selectors.credential_in_force_for_user(user=request.user, adjuster_pk=pk, number=number)
    if credential is None:
        raise Http404
    url = request.build_absolute_uri("/credentials/verify/?" + urlencode({"t": credential.token}))
    purpose, note = download_purpose(request.user, request.GET)  # the card names its holder in full (issue 20)
    access_record(actor=request.user, action=Action.EXPORTED, what="credentials.Adjuster.full_name", purpose=purpose,
                  note=note, object_ref=f"credentials.credential:{credential.number}")  # fmt: skip
    response = HttpResponse(card_pdf(credential=credential, verify_url=url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="credential-{credential.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- the adjuster's phone -------------------------------------------------------------------------------------------


@roles_required(frozenset({Role.ADJUSTER}))
@require_GET
def work_card(request: HttpRequest) -> HttpResponse:
    """The adjuster's phone shows their work card on arrival (R8): photo, name, company, number, validity and the QR
    code the customer scans to check it, with the claims guide a tap away."""
    from urllib.parse import urlencode

    from claimbridge.credentials.card import qr_data_uri

    card = services.work_card_for(user=request.user)
    context: dict[str, Any] = {"card": card}
    if card is not None:
        url = request.build_absolute_uri(reverse("credential-verify") + "?" + urlencode({"t": card.credential.token}))
        context |= {"qr": qr_data_uri(url), "typed_url": request.build_absolute_uri(reverse("credential-verify"))}
    return render(request, "credentials/work_card.html", context)


@roles_required(frozenset({Role.ADJUSTER}))
@require_GET
def work_card_photo(request: HttpRequest) -> HttpResponse:
    return _jpeg(services.work_card_portrait(user=request.user))


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
                saved = once(request, "stops.record", record, app="credentials")
            except AppError as refused:
                show_on_form(form, refused, STOP_FIELDS)
                status = refused.status
            else:  # straight to the new stop's rating code, to show the customer there and then
                messages.success(request, gettext("Saved."))
                return redirect(reverse("service-stops") + f"#stop-{saved['id']}")
    from claimbridge.credentials.card import qr_data_uri

    rows = []
    for index, stop in enumerate(selectors.stop_list_for_user(user=request.user)[:50]):
        link = request.build_absolute_uri(reverse("stop-rate", args=[stop.rating_token]))
        rows.append({"stop": stop, "link": link, "qr": qr_data_uri(link) if index < 10 and not stop.rating else ""})
    context = {"form": form, "rows": rows, "form_key": form_key(request),
               "credentialed": scope_for(request.user).may_record_stop(at=timezone.now())}  # fmt: skip
    return render(request, "credentials/stops.html", context, status=status)


# --- monthly feedback -----------------------------------------------------------------------------------------------


@roles_required(CREDENTIAL_ROLES)
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    return render(
        request, "credentials/reports.html", {"reports": selectors.report_list_for_user(user=request.user)[:240]}
    )


@roles_required(frozenset({Role.ADJUSTER}))
@require_GET
def my_feedback(request: HttpRequest) -> HttpResponse:
    """The adjuster's own monthly feedback (R15): their line of each published report, fraud-clue rewards included."""
    return render(request, "credentials/my_feedback.html",
                  {"lines": selectors.own_feedback_for_adjuster(user=request.user)})  # fmt: skip


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
    purpose, note = download_purpose(request.user, request.GET)
    access_record(actor=request.user, action=Action.EXPORTED, what=f"credentials.monthly_feedback.{kind}",
                  purpose=purpose, note=note, object_ref=f"credentials.report:{report.pk}", rows=len(report.rows))  # fmt: skip
    response = HttpResponse(report_pdf(report) if kind == "pdf" else report_xlsx(report), content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="adjusters-{report.month:%Y-%m}-{report.insurer.code}.{kind}"'
    )
    return response
