"""Public: what a scanned card's QR code says (R6)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claimbridge.accounts.models import Role
from claimbridge.accounts.roles import CREDENTIAL_ROLES
from claimbridge.core.errors import in_current_language
from claimbridge.credentials import keys, selectors, services
from claimbridge.web.access import roles_required


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("t", "")[:2000]
    result = services.credential_verify(token) if token else None
    context = {"token": token, "result": result, "public_key": keys.public_key_pem()}
    return render(request, "credentials/verify.html", context)


@roles_required(CREDENTIAL_ROLES)
@require_GET
def adjuster_list(request: HttpRequest) -> HttpResponse:
    adjusters = selectors.adjuster_list_for_user(user=request.user)[:300]
    return render(request, "credentials/list.html", {"adjusters": adjusters,
                                                      "can_submit": request.user.role == Role.INSURER_STAFF})  # type: ignore[union-attr]  # fmt: skip


@roles_required(frozenset({Role.INSURER_STAFF}))
@require_http_methods(["GET", "POST"])
def adjuster_new(request: HttpRequest) -> HttpResponse:
    from claimbridge.credentials.forms import AdjusterForm

    form = AdjusterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            adjuster = services.adjuster_submit(user=request.user, full_name=data["full_name"], id_number=data["id_number"],
                                                phone=data["phone"], city_code=data["city"], details=form.details(),
                                                photo=data.get("photo"))  # fmt: skip
        except services.RegisterError as refused:
            form.add_error(None, in_current_language(refused.zh, refused.en))
        else:
            return redirect("adjuster", pk=adjuster.pk)
    return render(request, "credentials/new.html", {"form": form}, status=422 if request.method == "POST" else 200)


@roles_required(CREDENTIAL_ROLES)
@require_GET
def adjuster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    adjuster = selectors.adjuster_get_for_user(user=request.user, pk=pk)
    if adjuster is None:
        raise Http404
    from claimbridge.core.masking import mask_id_number, mask_name, mask_phone

    context = {"adjuster": adjuster, "name": mask_name(adjuster.full_name), "id_number": mask_id_number(adjuster.id_number),
               "phone": mask_phone(adjuster.phone), "credentials": adjuster.credentials.all(),
               "reviewer": request.user.role == Role.ASSOCIATION_STAFF,  # type: ignore[union-attr]
               "company": request.user.role == Role.INSURER_STAFF}  # type: ignore[union-attr]  # fmt: skip
    return render(request, "credentials/detail.html", context)


@roles_required(frozenset({Role.ASSOCIATION_STAFF}))
@require_POST
def adjuster_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda adjuster: services.adjuster_review(
            user=request.user,
            adjuster=adjuster,
            decision=request.POST.get("decision", ""),
            note=request.POST.get("note", ""),
        ),
    )


@roles_required(frozenset({Role.INSURER_STAFF}))
@require_POST
def adjuster_change(request: HttpRequest, pk: int) -> HttpResponse:
    def change(adjuster: object) -> None:
        moved = services.staff_change(user=request.user, adjuster=adjuster, kind=request.POST.get("kind", ""),  # type: ignore[arg-type]
                                      city_code=request.POST.get("city", ""))  # fmt: skip
        if moved is not None:
            request.session["moved_to"] = moved.pk

    return _act(request, pk, change)


def _act(request: HttpRequest, pk: int, action: object) -> HttpResponse:
    adjuster = selectors.adjuster_get_for_user(user=request.user, pk=pk)
    if adjuster is None:
        raise Http404
    try:
        action(adjuster)  # type: ignore[operator]
    except services.RegisterError as refused:
        messages.error(request, in_current_language(refused.zh, refused.en))
    else:
        from django.utils.translation import gettext

        messages.success(request, gettext("Saved."))
    moved = request.session.pop("moved_to", None)
    return redirect("adjuster", pk=moved or pk)


@roles_required(CREDENTIAL_ROLES)
@require_GET
def credential_card(request: HttpRequest, pk: int, number: str) -> HttpResponse:
    from urllib.parse import urlencode

    from claimbridge.credentials.card import card_pdf

    adjuster = selectors.adjuster_get_for_user(user=request.user, pk=pk)
    credential = adjuster.credentials.filter(number=number, revoked_at__isnull=True).first() if adjuster else None
    if credential is None:
        raise Http404
    url = request.build_absolute_uri("/credentials/verify/?" + urlencode({"t": credential.token}))
    response = HttpResponse(card_pdf(credential=credential, verify_url=url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="credential-{credential.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@roles_required(frozenset({Role.ADJUSTER}))
@require_http_methods(["GET", "POST"])
def stops(request: HttpRequest) -> HttpResponse:
    """The adjuster's phone: record a stop (time, place, card shown, consent, services) and see their stops."""
    from django.utils import timezone

    from claimbridge.credentials.forms import StopForm
    from claimbridge.credentials.models import ServiceStop
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
            at = data["at"] if timezone.is_aware(data["at"]) else timezone.make_aware(data["at"])
            try:
                services.stop_record(user=request.user, kind=data["kind"], at=at, services=data["services"],
                                     credential_shown=data["credential_shown"], customer_consented=data["customer_consented"],
                                     county_code=data["county"], customer_insurer_code=data["customer_insurer"],
                                     case_number=data["case_number"])  # fmt: skip
            except services.RegisterError as refused:
                form.add_error(None, in_current_language(refused.zh, refused.en))
            else:
                from django.utils.translation import gettext

                messages.success(request, gettext("Saved."))
                return redirect("service-stops")
    recent = ServiceStop.objects.filter(adjuster_id=request.user.pk).select_related("customer_insurer", "county")[:50]
    return render(request, "credentials/stops.html", {"form": form, "stops": recent}, status=status)


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the customer rates the adjuster's help from the link (or QR) the adjuster showed."""
    from claimbridge.credentials.models import ServiceStop

    stop = ServiceStop.objects.select_related("insurer").filter(rating_token=token).first()
    if stop is None:
        raise Http404
    error = ""
    if request.method == "POST":
        raw = request.POST.get("rating", "")
        try:  # anything but a number of stars is answered like a wrong number: "choose 1 to 5 stars"
            stop = services.stop_rate(token=token, rating=int(raw) if raw.isdigit() else 0,
                                      comment=request.POST.get("comment", ""))  # fmt: skip
        except services.RegisterError as refused:
            error = in_current_language(refused.zh, refused.en)
    return render(request, "credentials/rate.html", {"stop": stop, "error": error}, status=422 if error else 200)


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

    report = selectors.report_list_for_user(user=request.user).filter(pk=pk).first()
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


@roles_required(frozenset({Role.INSURER_STAFF}))
@require_http_methods(["GET", "POST"])
def adjuster_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The company corrects a submission the association returned, and submits it again."""
    from claimbridge.credentials.forms import AdjusterForm

    adjuster = selectors.adjuster_get_for_user(user=request.user, pk=pk)
    if adjuster is None:
        raise Http404
    details = adjuster.details
    initial = {"full_name": adjuster.full_name, "id_number": adjuster.id_number, "phone": adjuster.phone,
               "city": adjuster.association.city.code, **{k: v for k, v in details.items() if k != "training"},
               "training": "\n".join(details.get("training", []))}  # fmt: skip
    form = AdjusterForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.adjuster_resubmit(user=request.user, adjuster=adjuster, full_name=data["full_name"],
                                       id_number=data["id_number"], phone=data["phone"], details=form.details(),
                                       photo=data.get("photo"))  # fmt: skip
        except services.RegisterError as refused:
            form.add_error(None, in_current_language(refused.zh, refused.en))
        else:
            return redirect("adjuster", pk=pk)
    return render(request, "credentials/new.html", {"form": form, "editing": adjuster},
                  status=422 if request.method == "POST" else 200)  # fmt: skip
