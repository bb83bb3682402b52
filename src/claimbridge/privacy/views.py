"""/privacy/: the notice's long form, for anyone (PIPL art. 17), in the reader's language. First, for a driver, in
plain words: what we keep, why, who sees it and for how long (the template; the periods the schedule in force sets
are read from it); then, folded away for the curious, the register itself, read from the declarations in code so it
says what the register says — entries with the same purpose, audience and retention as one (the three sign-in
tables are one entry), and what only the system reads (blind indexes, signing keys) apart, explained."""

from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from claimbridge.core.errors import reading_english
from claimbridge.privacy.declarations import Text
from claimbridge.privacy.notice import NOTICE_TITLE, NOTICE_VERSION, PURPOSES, SHORT_NOTICE
from claimbridge.privacy.register import declarations, grouped_rows

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
    "subjects": Text("您关于个人信息的申请", "Your requests about your data"),
    "accesslog": Text("查看记录：谁看过您的信息", "Who looked at your data"),
}


def _kept(category: str, holder: str, language: str) -> str:
    """How long the schedule in force keeps a category, in words ("3年" / "3 years"); "" when it has no such rule."""
    from django.utils import timezone

    from claimbridge.retention.services import schedule_in_force
    from claimbridge.rules.retention import Category, Holder

    try:
        rule = schedule_in_force().in_force(Category(category), Holder(holder), timezone.now())
    except (KeyError, ValueError):
        return ""
    if rule.keep is None or rule.keep.zero:  # a zero period: the record goes with its anchor (the template says so)
        return ""
    zh, en = rule.keep.describe()
    return en if language == "en" else zh


@require_GET
def privacy_page(request: HttpRequest) -> HttpResponse:
    """Public: what is kept about you, why, on what ground, who sees it and for how long."""
    language = "en" if reading_english() else "zh"
    declared = declarations()
    areas, internal = [], []
    for app_label, entries in groupby(declared, key=lambda declaration: declaration.model.split(".")[0]):
        group = list(entries)
        area = AREAS.get(app_label)
        shown = grouped_rows(language, group, internal=False)
        internal += grouped_rows(language, [d for d in group if not d.seen_by])
        if shown:
            areas.append({"title": getattr(area, language) if area else app_label, "rows": shown})
    context = {
        "title": getattr(NOTICE_TITLE, language),
        "version": NOTICE_VERSION,
        "paragraphs": [getattr(text, language) for text in SHORT_NOTICE],
        "purposes": [getattr(text, language) for text in PURPOSES.values()],
        "areas": areas,
        "internal": internal,
        "count": len(declared),
        "kept": {"unclaimed": _kept("unclaimed_report", "platform", language),
                 "access_log": _kept("access_log", "platform", language),
                 "consent": _kept("consent_record", "platform", language),
                 "consultation": _kept("consultation", "insurer", language)},
    }  # fmt: skip
    return render(request, "privacy/privacy.html", context)
