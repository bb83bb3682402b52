"""/privacy/: the notice's long form, for anyone — the register in plain words (PIPL art. 17), in the reader's
language. Read from the declarations in code, so it says what the register says."""

from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from claimbridge.core.errors import reading_english
from claimbridge.privacy.declarations import Text
from claimbridge.privacy.notice import NOTICE_TITLE, NOTICE_VERSION, PURPOSES, SHORT_NOTICE
from claimbridge.privacy.register import declarations, register_rows

# The part of the platform each app's data belongs to, for people (axes: the sign-in records core configures).
AREAS: dict[str, Text] = {
    "cases": Text("事故案件与理赔", "Accident cases and claims"),
    "evidence": Text("现场照片和视频", "Scene photos and videos"),
    "policies": Text("保单库", "The policy register"),
    "credentials": Text("查勘员登记与查勘服务", "Adjusters' register and their stops"),
    "consultations": Text("咨询", "Questions"),
    "fraud": Text("反保险欺诈", "Anti-fraud work"),
    "police": Text("交警事故记录", "Traffic-police records"),
    "accounts": Text("平台账户", "Platform accounts"),
    "core": Text("短信验证码", "Text-message codes"),
    "axes": Text("登录记录", "Sign-in records"),
    "privacy": Text("同意记录", "Consent records"),
}


@require_GET
def privacy_page(request: HttpRequest) -> HttpResponse:
    """Public: what is kept about you, why, on what ground, who sees it and for how long."""
    language = "en" if reading_english() else "zh"
    declared = declarations()
    rows = register_rows(language, declared)
    areas = []
    for app_label, entries in groupby(rows, key=lambda row: row["model"].split(".")[0]):
        area = AREAS.get(app_label)
        areas.append({"title": getattr(area, language) if area else app_label, "rows": list(entries)})
    context = {
        "title": getattr(NOTICE_TITLE, language),
        "version": NOTICE_VERSION,
        "paragraphs": [getattr(text, language) for text in SHORT_NOTICE],
        "purposes": [getattr(text, language) for text in PURPOSES.values()],
        "areas": areas,
        "count": len(rows),
    }
    return render(request, "privacy/privacy.html", context)
