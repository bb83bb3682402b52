"""The installable field app (B7, R7–R12): manifest, service worker, the adjuster's offline form and its shell."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from claimbridge.accounts.models import Role
from claimbridge.core.errors import in_current_language
from claimbridge.credentials.models import ServiceStop
from claimbridge.evidence.slots import SLOTS
from claimbridge.field.shell import shell
from claimbridge.fraud.vocabulary import OBSERVATIONS, URGENCIES
from claimbridge.organisations import selectors as organisation_selectors
from claimbridge.web.access import roles_required

FIELD_ROLES = frozenset({Role.ADJUSTER})


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest, in Chinese first: an adjuster's installed app opens on the field form (kept for use
    with no signal); anyone else's on the home page, which leads each role to its own work."""
    adjuster = request.user.is_authenticated and getattr(request.user, "role", None) in FIELD_ROLES
    body = {
        "name": _("ClaimBridge field"), "short_name": _("ClaimBridge"), "lang": "zh-CN",
        "description": _("Service stops, scene photos and fraud clues, kept on the phone when there is no signal."),
        "start_url": "/field/" if adjuster else "/", "scope": "/", "id": "/", "display": "standalone", "orientation": "portrait",
        "background_color": "#f6f7f9", "theme_color": "#0b5cab",
        "icons": [{"src": static(f"field/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png",
                   "purpose": "any maskable"} for size in (192, 512)],
        "shortcuts": [{"name": _("My cases"), "url": reverse("my-cases")},
                      {"name": _("Report an accident"), "url": reverse("case-start")}],
    }  # fmt: skip
    response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/manifest+json")
    response["Cache-Control"] = "private, max-age=3600"  # it depends on who asks (the link sends the cookie)
    response["Vary"] = "Cookie"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, at the root so that it may answer for every page: its precache list and version come from
    the shell (one list), so a changed file makes phones take the new shell."""
    kept = shell()
    context = {"version": kept.version, "cache_name": kept.cache_name,
               "precache": json.dumps(list(kept.pages + kept.static_urls)), "outbox": static("field/outbox.js")}  # fmt: skip
    response = render(request, "field/sw.js", context, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # the browser checks for a new worker on every visit
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def session_state(request: HttpRequest) -> JsonResponse:
    """Who the phone is signed in as, and a fresh CSRF token for sending the outbox (never kept in the shell)."""
    user = request.user
    signed_in = bool(user.is_authenticated)
    body: dict[str, Any] = {"authenticated": signed_in, "role": getattr(user, "role", "") if signed_in else "",
                            "may_send": signed_in and getattr(user, "role", None) in FIELD_ROLES, "csrf": get_token(request),
                            "user": user.pk if signed_in else None, "uploads": True}  # fmt: skip  # large files go up resumably (/api/v1/uploads)
    return JsonResponse(body, headers={"Cache-Control": "private, no-store"})


def _choices(vocabulary: dict[str, Any]) -> list[tuple[str, str]]:
    return [(code, in_current_language(text.zh, text.en)) for code, text in vocabulary.items()]


@roles_required(FIELD_ROLES)
@require_GET
def field_form(request: HttpRequest) -> HttpResponse:
    """The adjuster's field form: works with no network; what is saved waits on the phone until it can be sent."""
    context = {
        "kinds": ServiceStop.Kind.choices, "services": ServiceStop.Service.choices,
        "counties": [(c.code, c.display_name) for c in organisation_selectors.county_list()],
        "insurers": [(i.code, i.display_short_name) for i in organisation_selectors.insurer_list_public()],
        "slots": [(s.code, s.name) for s in SLOTS if not s.per_party], "observations": _choices(OBSERVATIONS),
        "urgencies": _choices(URGENCIES), "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }  # fmt: skip
    return render(request, "field/field.html", context)


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the phone shows for a page it does not keep when there is no signal."""
    return render(request, "field/offline.html")
