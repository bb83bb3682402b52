"""Public: anyone holding a 协议书 checks it was made here, from its case number and verification code."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from claimbridge.cases import selectors


@require_GET
def agreement_verify(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("number", "").strip()[:24]
    from claimbridge.cases.agreement import code_as_typed

    code = code_as_typed(request.GET.get("code", "")[:40])
    context: dict[str, Any] = {"number": number, "code": code}
    if number and code:
        found = selectors.agreement_check(number=number, code=code)
        context["genuine"], context["found"] = found is not None, found
        context["summary"] = selectors.agreement_summary(found) if found is not None else None
    return render(request, "cases/agreement_verify.html", context)
