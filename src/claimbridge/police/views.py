"""Police records pages (R20): a police unit loads files and reads each load's per-row report and its records'
matches; the anti-fraud committee and insurers read the discrepancy signals (each insurer its own parties')."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from claimbridge.accounts.models import Role, User
from claimbridge.accounts.roles import POLICE_LOADER_ROLES, POLICE_SIGNAL_ROLES
from claimbridge.core.errors import AppError, reading_english
from claimbridge.police import selectors, services
from claimbridge.police.forms import PoliceFileForm
from claimbridge.police.rows import CHINESE_HEADERS
from claimbridge.rules.police_match import SIGNAL_KINDS
from claimbridge.web.access import roles_required

PAGE = 200


@roles_required(POLICE_LOADER_ROLES)
@require_http_methods(["GET", "POST"])
def loads(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    unit = user.police_unit if user.role == Role.TRAFFIC_POLICE else None
    if request.method == "POST" and unit is None:  # the platform administrator loads through the API, naming a unit
        raise PermissionDenied
    form = PoliceFileForm(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST" and unit is not None and form.is_valid():
        try:
            load, earlier = services.police_file_load(unit=unit, user=user, upload=form.cleaned_data["file"],
                                                      idempotency_key=form.key)  # fmt: skip
        except AppError as refused:
            error = refused.message
        else:
            if earlier:
                when = timezone.localtime(load.created_at).strftime("%Y-%m-%d %H:%M")
                messages.info(request, gettext("This file was loaded already, on %(when)s: here is that load's report; "
                                               "nothing was loaded again.") % {"when": when})  # fmt: skip
            return redirect("police-load", load_id=load.pk)
    context = {"form": form, "unit": unit, "error": error, "headers": list(CHINESE_HEADERS.values())[:10],
               "loads": selectors.load_list_for_user(user=user)[:50]}  # fmt: skip
    return render(request, "police/loads.html", context, status=422 if (form.errors or error) else 200)


@roles_required(POLICE_LOADER_ROLES | {Role.ANTIFRAUD_MEMBER})
@require_GET
def load_detail(request: HttpRequest, load_id: int) -> HttpResponse:
    load = selectors.load_get_for_user(user=request.user, load_id=load_id)
    if load is None:
        raise Http404
    outcome = request.GET.get("outcome", "")
    english = reading_english()
    rows = [row | {"column": row["field"] if english else CHINESE_HEADERS.get(row["field"], row["field"])}
            if row.get("field") else row for row in load.report if not outcome or row.get("outcome") == outcome]  # fmt: skip
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(request, "police/load.html", {"load": load, "page": page, "outcome": outcome})


@roles_required(POLICE_LOADER_ROLES | {Role.ANTIFRAUD_MEMBER})
@require_GET
def matches(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.match_list_for_user(user=request.user), PAGE).get_page(request.GET.get("page"))
    return render(request, "police/matches.html", {"page": page})


@roles_required(POLICE_SIGNAL_ROLES)
@require_GET
def signals(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in SIGNAL_KINDS:
        kind = ""
    found = selectors.signal_list_for_user(user=request.user, kind=kind)
    page = Paginator(found, PAGE).get_page(request.GET.get("page"))
    kinds = [(code, text) for code, text in SIGNAL_KINDS.items()]
    return render(request, "police/signals.html", {"page": page, "kind": kind, "kinds": kinds})
