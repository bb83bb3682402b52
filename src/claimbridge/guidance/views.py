"""The public guide (R18): the integration in plain words, the 21 circumstances drawn, the photos to take, the
service points, and a leaflet to print. For anyone, signed in or not; every page reads `content`, which reads the
kernel and the apps that own each rule."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from claimbridge.guidance import content, selectors
from claimbridge.guidance.leaflet import leaflet_pdf


def _context(page: str, **values: object) -> dict[str, object]:
    return {"guide_page": page, "nav_current": "guide", **values}


@require_GET
def guide(request: HttpRequest) -> HttpResponse:
    catalogue = content.catalogue(timezone.localdate())
    return render(request, "guidance/guide.html", _context(
        "guide", steps=content.STEPS, conditions=content.conditions(), when_not=content.when_not(),
        catalogue=catalogue, police_phone=content.POLICE_PHONE))  # fmt: skip


@require_GET
def circumstances(request: HttpRequest) -> HttpResponse:
    catalogue = content.catalogue(timezone.localdate())
    return render(request, "guidance/circumstances.html", _context(
        "circumstances", catalogue=catalogue, entries=content.circumstances(catalogue)))  # fmt: skip


@require_GET
def photos(request: HttpRequest) -> HttpResponse:
    entries = content.photos()
    return render(request, "guidance/photos.html", _context(
        "photos", required=[e for e in entries if e.required], others=[e for e in entries if not e.required],
        minimum=content.minimum_photos()))  # fmt: skip


@require_GET
def service_points(request: HttpRequest) -> HttpResponse:
    cities, points = selectors.service_points_public()
    return render(request, "guidance/service_points.html", _context(
        "service-points", cities=content.service_points_by_city(cities, points)))  # fmt: skip


@require_GET
def leaflet(request: HttpRequest) -> HttpResponse:
    catalogue = content.catalogue(timezone.localdate())
    response = HttpResponse(leaflet_pdf(catalogue=catalogue, language=get_language() or "zh-hans"),
                            content_type="application/pdf")  # fmt: skip
    response["Content-Disposition"] = 'inline; filename="claimbridge-guide.pdf"'
    return response
