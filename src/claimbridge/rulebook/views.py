"""Rule pages: the circumstance catalogue with a liability check, and the settlement calculator. Public."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from claimbridge.core.errors import AppError, reading_english
from claimbridge.organisations import selectors as organisation_selectors
from claimbridge.rulebook.forms import EligibilityForm, LiabilityForm, SettlementForm
from claimbridge.rules.circumstances import catalogue_on, liability_from_document
from claimbridge.rules.common import RuleInputError
from claimbridge.rules.eligibility import eligibility_from_document
from claimbridge.rules.settlement import settlement_from_document


def _partial(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


@require_GET
def circumstances(request: HttpRequest) -> HttpResponse:
    catalogue = catalogue_on(timezone.localdate())
    form = LiabilityForm(catalogue=catalogue, english=reading_english())
    return render(
        request, "rulebook/circumstances.html", {"catalogue": catalogue, "form": form, "english": reading_english()}
    )


@require_http_methods(["POST"])
def liability(request: HttpRequest) -> HttpResponse:
    catalogue = catalogue_on(timezone.localdate())
    form = LiabilityForm(request.POST, catalogue=catalogue, english=reading_english())
    context: dict[str, Any] = {"catalogue": catalogue, "form": form, "english": reading_english()}
    if form.is_valid():
        try:
            context["decision"] = liability_from_document(form.document())
        except RuleInputError as error:
            context["error"] = AppError.from_kernel(error).message
    template = "rulebook/_liability_result.html" if _partial(request) else "rulebook/circumstances.html"
    return render(request, template, context, status=200 if form.is_valid() and "error" not in context else 422)


@require_http_methods(["GET", "POST"])
def settlement(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = SettlementForm(
            initial={"accident_date": timezone.localdate(), "A_liability": "full", "B_liability": "none"}
        )
        return render(request, "rulebook/settlement.html", {"form": form})
    form = SettlementForm(request.POST)
    context: dict[str, Any] = {"form": form}
    status = 422
    if form.is_valid():
        try:
            context["result"] = settlement_from_document(form.document())
            status = 200
        except RuleInputError as error:
            context["error"] = AppError.from_kernel(error).message
    # A refused field is marked where it is: an htmx answer redraws the form (out of band) with its errors, or
    # without the marks of an earlier refusal once it is accepted.
    context["oob_form"] = _partial(request)
    template = "rulebook/_settlement_result.html" if _partial(request) else "rulebook/settlement.html"
    return render(request, template, context, status=status)


def _cover_from_register(document: dict[str, Any], cities: dict[str, list[str]], user: Any) -> list[str]:
    """Replace each party's declared cover by the register's where the visitor may read the vehicle's policies in
    full (R3: cover is verified, not typed; B8: the check is no lookup for anyone else); a declared policy the
    register does not confirm to this visitor is kept and marked unverified."""
    from datetime import datetime, time, timedelta

    from claimbridge.policies.services import cover_for_check

    day = date.fromisoformat(document["accident"]["date"])
    noon = timezone.make_aware(datetime.combine(day, time(12)))
    confirmed = []
    for party in document["parties"]:
        versions = cover_for_check(user=user, plate=party["plate"], at=noon)
        if versions is None:
            for policy in party["policies"]:
                policy["verified"] = False
            continue
        policies = []
        for version in versions:
            last_day = timezone.localtime(version.period_end - timedelta(microseconds=1)).date()
            policy = {"type": version.policy.cover_type, "city": version.policy.underwriting_city_code,
                      "start": timezone.localtime(version.period_start).date().isoformat(), "end": last_day.isoformat()}  # fmt: skip
            if version.third_party_limit is not None:
                policy["limit"] = str(version.third_party_limit)
            policies.append(policy)
        party["policies"] = policies
        if versions:
            insurer = versions[0].policy.insurer
            party["insurer"] = insurer.code
            party["insurer_city_branches"] = cities.get(insurer.code, [])
        confirmed.append(party["id"])
    return confirmed


def _insurers() -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """Choices for the insurer field, and the cities each insurer has city branches in (never typed by hand)."""
    insurers = list(organisation_selectors.insurer_list_public())
    choices = [(insurer.code, insurer.display_short_name) for insurer in insurers]
    cities = {
        insurer.code: [city.code for city in organisation_selectors.insurer_cities(insurer)] for insurer in insurers
    }
    return choices, cities


@require_http_methods(["GET", "POST"])
def eligibility(request: HttpRequest) -> HttpResponse:
    """快处易赔 self-check (R2, R3): every condition with what passed and what failed."""
    catalogue = catalogue_on(timezone.localdate())
    choices, cities = _insurers()
    if request.method == "GET":
        form = EligibilityForm(
            initial={"accident_date": timezone.localdate()},
            catalogue=catalogue,
            english=reading_english(),
            insurers=choices,
        )
        return render(request, "rulebook/eligibility.html", {"form": form})
    form = EligibilityForm(request.POST, catalogue=catalogue, english=reading_english(), insurers=choices)
    context: dict[str, Any] = {"form": form}
    status = 422
    if form.is_valid():
        try:
            document = form.document(cities)
            context["from_register"] = _cover_from_register(document, cities, request.user)
            context["decision"] = eligibility_from_document(document)
            status = 200
        except RuleInputError as error:
            context["error"] = AppError.from_kernel(error).message
    context["oob_form"] = _partial(request)
    template = "rulebook/_eligibility_result.html" if _partial(request) else "rulebook/eligibility.html"
    return render(request, template, context, status=status)
