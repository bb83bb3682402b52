"""Pages. Thin: parse, authorise, call a selector, render."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from claimbridge.accounts.roles import ORGANISATION_ROLES, STAFF_DIRECTORY_ROLES
from claimbridge.accounts.scope import scope_for
from claimbridge.accounts.selectors import staff_list_for_user
from claimbridge.consultations import selectors as consultation_selectors
from claimbridge.core.errors import RETRY_AFTER_SECONDS, AppError, forbidden, not_found, server_error, unavailable
from claimbridge.organisations import selectors as organisation_selectors
from claimbridge.web.access import roles_required

# The pages of a day's work, offered as buttons on a signed-in user's home (those of the menu this user has).
WORK_PAGES = ("case-inbox", "adjusters", "work-card", "service-stops", "evidence-files", "evidence-reuse",
              "policy-loads", "reports", "my-feedback", "fraud-clues", "fraud-rings", "fraud-scores", "police-loads",
              "police-matches", "police-signals", "figures-dashboard", "consult-inbox", "field")  # fmt: skip


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"statistics": organisation_selectors.network_statistics()}
    if request.user.is_authenticated:
        scope = scope_for(request.user)
        context.update(
            scope=scope,
            overviews=organisation_selectors.insurer_overview_list_for_user(user=request.user),
            claims_units=organisation_selectors.claims_unit_list_for_user(user=request.user),
            committee=organisation_selectors.committee_for_user(user=request.user),
            work_pages=WORK_PAGES,
            consult_specialist=consultation_selectors.is_specialist(user=request.user),  # R13: a designation
        )
    return render(request, "web/home.html", context)


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """Public: which office of each insurer serves a county (R1, R16)."""
    county_code = request.GET.get("county", "")
    county = organisation_selectors.county_get(code=county_code) if county_code else None
    context = {
        "cities": organisation_selectors.city_list(),
        "county": county,
        "entries": organisation_selectors.service_directory(county=county) if county else [],
        "unknown_county": bool(county_code) and county is None,
    }
    template = "web/_directory_results.html" if request.headers.get("HX-Request") else "web/directory.html"
    return render(request, template, context)


@require_GET
@roles_required(ORGANISATION_ROLES)
def organisation(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/organisation.html",
        {
            "overviews": organisation_selectors.insurer_overview_list_for_user(user=request.user),
            "claims_units": organisation_selectors.claims_unit_list_for_user(user=request.user),
            "committee": organisation_selectors.committee_for_user(user=request.user),
        },
    )


@require_GET
@roles_required(STAFF_DIRECTORY_ROLES)
def staff(request: HttpRequest) -> HttpResponse:
    return render(request, "web/staff.html", {"people": staff_list_for_user(user=request.user)})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _api_error_or_page(request: HttpRequest, error: AppError, template: str) -> HttpResponse:
    """On the API every error is the JSON error body, even one Django raises before the API sees the request."""
    if request.path.startswith("/api/"):
        return JsonResponse(error.as_body(), status=error.status, json_dumps_params={"ensure_ascii": False})
    return render(request, template, status=error.status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error_or_page(request, not_found(), "404.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error_or_page(request, forbidden(), "403.html")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    error = AppError("bad_request", "请求无法处理", "The request cannot be handled.", status=400)
    if request.path.startswith("/api/"):
        return JsonResponse(error.as_body(), status=400, json_dumps_params={"ensure_ascii": False})
    return render(request, "refused.html", {"error": error}, status=400)


def server_error_page(request: HttpRequest) -> HttpResponse:
    """Django calls this inside its `except` block: a database out of reach (a restart, a failover) is a 503 with
    Retry-After, rendered without touching the database again (no request context: no session, no user)."""
    failure = sys.exc_info()[1]
    if isinstance(failure, OperationalError | InterfaceError):
        error = unavailable()
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                error.as_body(), status=503, json_dumps_params={"ensure_ascii": False}
            )
        else:
            try:
                response = HttpResponse(render_to_string("refused.html", {"error": error}), status=503)
            except Exception:  # the page itself needs what is down: the message alone
                response = HttpResponse(f"{error.zh}\n{error.en}\n", status=503,
                                        content_type="text/plain; charset=utf-8")  # fmt: skip
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if request.path.startswith("/api/"):
        return JsonResponse(server_error().as_body(), status=500, json_dumps_params={"ensure_ascii": False})
    return HttpResponse(render_to_string("500.html"), status=500)  # without the request: its session may be the fault
