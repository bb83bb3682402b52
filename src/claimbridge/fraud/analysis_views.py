"""The committee's rings and everyone's scores, as pages (issue 16; B5, B8, R20). Thin: the selectors decide what
the reader may see (404 for what they may not), and every look at a ring is recorded by a service."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from claimbridge.accounts.models import Role
from claimbridge.fraud import analysis, analysis_services
from claimbridge.web.access import roles_required

RING_ROLES = frozenset({Role.ANTIFRAUD_MEMBER, Role.PLATFORM_ADMIN})
SCORE_ROLES = frozenset({Role.INSURER_STAFF, Role.ANTIFRAUD_MEMBER, Role.PLATFORM_ADMIN})
BANDS = ("high", "medium", "low")


@roles_required(RING_ROLES)
@require_GET
def ring_list(request: HttpRequest) -> HttpResponse:
    rings = analysis.ring_list_for_user(user=request.user)
    return render(request, "fraud/rings.html", {"rings": rings})


@roles_required(RING_ROLES)
@require_GET
def ring_detail(request: HttpRequest, number: int) -> HttpResponse:
    ring = analysis.ring_get_for_user(user=request.user, pk=number)
    if ring is None:
        raise Http404
    view = analysis.ring_view(ring)
    analysis_services.ring_look_record(user=request.user, ring=ring, route="page",
                                       cases=[case.number for case in view.cases])  # fmt: skip
    return render(request, "fraud/ring.html", {"view": view, "ring": ring})


@roles_required(SCORE_ROLES)
@require_GET
def score_list(request: HttpRequest) -> HttpResponse:
    band = request.GET.get("band", "")
    scores = analysis.scored_cases_for_user(user=request.user)
    distribution = analysis.score_distribution(scores)
    most = max((bucket["cases"] for bucket in distribution), default=0) or 1
    for index, bucket in enumerate(distribution):  # the bars of the chart, drawn on the server (no script)
        height = round(bucket["cases"] / most * 120, 1)
        bucket.update(height=height, x=12 + index * 40, y=140 - height, middle=29 + index * 40,
                      label_y=max(140 - height - 4, 10), band=analysis.band_of_bucket(bucket["from"]))  # fmt: skip
    shown = scores.filter(band=band) if band in BANDS else scores
    context = {"distribution": distribution, "scores": list(shown.order_by("-score", "-computed_at")[:100]),
               "band": band if band in BANDS else "", "bands": BANDS, "total": scores.count(),
               "committee": analysis.sees_rings(user=request.user)}  # fmt: skip
    return render(request, "fraud/scores.html", context)


@roles_required(SCORE_ROLES)
@require_GET
def case_score(request: HttpRequest, number: str) -> HttpResponse:
    row = analysis.case_score_for_user(user=request.user, number=number)
    if row is None:
        raise Http404
    committee = analysis.sees_rings(user=request.user)
    ring = analysis.ring_of_case(row.case_id) if committee else None
    return render(request, "fraud/case_score.html", {"row": row, "committee": committee, "ring": ring})
