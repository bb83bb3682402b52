"""Policy register pages: insurer staff load files and follow each load; allowed users look a vehicle's cover up."""

from __future__ import annotations

from dataclasses import asdict
from typing import cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from claimbridge.accounts.models import Role, User
from claimbridge.accounts.roles import POLICY_LOADER_ROLES, POLICY_LOOKUP_ROLES
from claimbridge.core.errors import reading_english
from claimbridge.policies import selectors, services
from claimbridge.policies.columns import columns_for_page, template_csv
from claimbridge.policies.forms import LookupForm, PolicyFileForm
from claimbridge.policies.models import LookupRoute
from claimbridge.web.access import roles_required


@roles_required(POLICY_LOADER_ROLES)
@require_http_methods(["GET", "POST"])
def loads(request: HttpRequest) -> HttpResponse:
    form = PolicyFileForm(request.POST or None, request.FILES or None)
    user = cast(User, request.user)
    insurer = user.insurer if user.role == Role.INSURER_STAFF else None
    can_load = insurer is not None
    if request.method == "POST" and insurer is not None and form.is_valid():
        load = services.policy_file_load_queue(insurer=insurer, user=user, upload=form.cleaned_data["file"])
        return redirect("policy-load", load_id=load.pk)
    context = {
        "form": form,
        "loads": selectors.load_list_for_user(user=request.user)[:50],
        "columns": columns_for_page(reading_english()),
        "can_load": can_load,
    }
    return render(request, "policies/loads.html", context, status=422 if form.errors else 200)


@roles_required(POLICY_LOADER_ROLES)
@require_GET
def template(request: HttpRequest) -> HttpResponse:
    """The CSV template of a policy file: Chinese headers, an example row of each common cover."""
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="policy-template.csv"'
    return response


@roles_required(POLICY_LOADER_ROLES)
@require_GET
def load_detail(request: HttpRequest, load_id: int) -> HttpResponse:
    load = selectors.load_get_for_user(user=request.user, load_id=load_id)
    if load is None:
        raise Http404
    template = "policies/_load_status.html" if request.headers.get("HX-Request") else "policies/load.html"
    return render(request, template, {"load": load})


@roles_required(POLICY_LOOKUP_ROLES)
@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET or None)
    results = None
    if form.is_valid():
        instant = form.cleaned_data.get("at") or timezone.now()
        views = services.cover_look_up(
            user=request.user,
            plate=form.cleaned_data["plate"],
            vin=form.cleaned_data["vin"],
            at=instant,
            route=LookupRoute.WEB,
        )
        results = [
            {"view": "full" if isinstance(view, selectors.FullView) else "agreement", **asdict(view)} for view in views
        ]
    return render(
        request, "policies/lookup.html", {"form": form, "results": results}, status=422 if form.errors else 200
    )
