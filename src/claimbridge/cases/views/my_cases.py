"""我的案件 — a driver's cases on their phone (issue 13; B1, R12, B8). Closing the browser loses nothing: proving the
same mobile again with a text-message code brings the driver back — straight to the case when one is still open,
to the list when there are several — and after the agreement they follow their claim (registered, assessed, approved,
paid) with the claims unit to call, and the text messages they were sent. Nothing here needs an account; every read
goes through the selectors with the session's phone proof (`selectors.PhoneProof`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from claimbridge.cases import selectors
from claimbridge.cases.services.notifications import party_language_remember
from claimbridge.core.errors import AppError, reading_english
from claimbridge.core.masking import mask_phone
from claimbridge.rules.case_flow import EDITABLE_STATES


def phone_proof(request: HttpRequest) -> selectors.PhoneProof:
    """What this session proved: the mobile (start or 我的案件) and the parties it joined as (start, join)."""
    return selectors.PhoneProof.of(phone=request.session.get("verified_phone", ""),
                                   joined=dict(request.session.get("case_parties", {})))  # fmt: skip


def after_phone_proof(request: HttpRequest, *, phone: str, reporting: bool = False) -> HttpResponse:
    """Where a driver goes once their mobile is proved (here, or on the report page): the session speaks for every
    party this mobile is; one open case → that case; none open and reporting → the new report; one case → it;
    otherwise the list."""
    request.session["verified_phone"] = phone
    parties = selectors.driver_parties(proof=selectors.PhoneProof.of(phone=phone))
    joined = dict(request.session.get("case_parties", {}))
    for party in parties:
        joined.setdefault(party.case.number, party.label)
    request.session["case_parties"] = joined
    party_language_remember(party_ids=[party.pk for party in parties], language=request.LANGUAGE_CODE)
    open_cases = [party for party in parties if party.case.state in EDITABLE_STATES]
    if len(open_cases) == 1:
        return redirect("case-me", number=open_cases[0].case.number)
    if reporting and not open_cases:
        return redirect("case-start")
    if len(parties) == 1:
        return redirect("my-case", number=parties[0].case.number)
    return redirect("my-cases")


@require_http_methods(["GET", "POST"])
def my_cases(request: HttpRequest) -> HttpResponse:
    """Public: the cases of the mobile proved in this session; without a proof, the mobile check."""
    from claimbridge.cases.forms import PhoneForm
    from claimbridge.core.phone_verification import challenge_send, challenge_verify, normalise_mobile

    proof = phone_proof(request)
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST" or proof.empty:
        form = PhoneForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                if "send_code" in request.POST:
                    challenge_send(form.cleaned_data["phone"])
                    context["code_sent"] = True
                else:
                    challenge_verify(form.cleaned_data["phone"], form.cleaned_data["sms_code"] or "")
                    return after_phone_proof(request, phone=normalise_mobile(form.cleaned_data["phone"]))
            except AppError as refused:
                status = refused.status
                field = refused.field if refused.field in form.fields else None
                form.add_error(field, refused.message)
        elif request.method == "POST":
            status = 422
        return render(request, "cases/my_cases.html", context | {"phone_form": form}, status=status)
    parties = selectors.driver_parties(proof=proof)
    phone = request.session.get("verified_phone", "")
    context |= {
        "entries": [selectors.my_case_entry(party) for party in parties],
        "masked_phone": mask_phone(phone) if phone else "",
        "phone_days": settings.MY_CASES_PHONE_DAYS,
    }
    return render(request, "cases/my_cases.html", context)


@require_GET
def my_case(request: HttpRequest, number: str) -> HttpResponse:
    """The driver's case after the report: where it stands, their claim step by step with amounts and the unit to
    call, the agreement, and the texts they were sent (通知记录). Only for a phone that is a party of it."""
    party = selectors.driver_party(proof=phone_proof(request), number=number)
    if party is None:
        raise Http404
    context = selectors.my_case_detail(party) | {"english": reading_english()}
    return render(request, "cases/my_case.html", context)
