"""Back-office pages: the claims unit's inbox and the case page with its timeline and next actions (issue 6)."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claimbridge.accounts.models import Role
from claimbridge.cases import selectors, services
from claimbridge.core.errors import in_current_language, reading_english
from claimbridge.rules.case_flow import ACTION_NAMES, STATES, IllegalTransition, available_actions
from claimbridge.web.access import roles_required

BACK_OFFICE_ROLES: frozenset[str] = frozenset({Role.INSURER_STAFF, Role.ADJUSTER, Role.PLATFORM_ADMIN})
CASE_ROLES = frozenset({Role.INSURER_STAFF, Role.ADJUSTER, Role.ANTIFRAUD_MEMBER, Role.DRIVER, Role.PLATFORM_ADMIN})


@roles_required(BACK_OFFICE_ROLES)
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    cases = selectors.inbox_for_user(user=request.user, state=state if state in STATES else "")[:200]
    english = reading_english()
    states = [(code, text.en if english else text.zh) for code, text in STATES.items()]
    labels = dict(states)
    rows = [(case, labels[case.state], _next_clock(request, case)) for case in cases]
    can_report = getattr(request.user, "role", None) in {Role.INSURER_STAFF, Role.ADJUSTER}
    return render(
        request, "cases/inbox.html", {"rows": rows, "states": states, "state": state, "can_report": can_report}
    )


def _next_clock(request: HttpRequest, case: Any) -> dict[str, Any] | None:
    """The first service-level clock not yet met on this user's company's claim of the case (R14.2 follow-up)."""
    from claimbridge.cases.models import Claim

    insurer_id = getattr(request.user, "insurer_id", None)
    if case.state in {"draft", "closed"}:
        return None
    claims = [
        c for c in Claim.objects.filter(party__case=case).select_related("party") if c.party.insurer_id == insurer_id
    ]
    clocks = selectors.sla_deadlines(case=case, claim=claims[0] if claims else None)
    return next((clock for clock in clocks if clock["done"] is None), None)


@roles_required(frozenset({Role.INSURER_STAFF, Role.ADJUSTER}))
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    """Insurer staff report from a hotline call; an adjuster reports at the scene, with the customer's consent."""
    from django.utils import timezone

    from claimbridge.cases.forms import BackOfficeCaseForm
    from claimbridge.organisations import selectors as organisation_selectors
    from claimbridge.organisations.models import County

    adjuster = request.user.role == Role.ADJUSTER  # type: ignore[union-attr]
    counties = [(city.display_name, [(county.code, county.display_name) for county in city.counties.all()])
                for city in organisation_selectors.city_list().prefetch_related("counties")]  # fmt: skip
    insurers = [(insurer.code, insurer.display_short_name) for insurer in organisation_selectors.insurer_list_public()]
    form = BackOfficeCaseForm(request.POST or None, counties=counties, insurers=insurers, adjuster=adjuster,
                              initial={"accident_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})  # fmt: skip
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            at = (
                data["accident_at"]
                if timezone.is_aware(data["accident_at"])
                else timezone.make_aware(data["accident_at"])
            )
            parties = [services.PartyInput("A", plate=data["plate_a"], insurer_code=data["insurer_a"])]
            if data["plate_b"]:
                parties.append(services.PartyInput("B", plate=data["plate_b"], insurer_code=data["insurer_b"]))
            consent = ({"credential_shown": data["credential_shown"], "customer_consented": data["customer_consented"]}
                       if adjuster else None)  # fmt: skip
            try:
                case = services.case_create(user=request.user, channel="adjuster" if adjuster else "hotline",
                                            county=County.objects.select_related("city").get(code=data["county"]),
                                            accident_at=at, parties=parties, consent=consent, latitude=data["latitude"],
                                            longitude=data["longitude"], crs=data["crs"])  # fmt: skip
            except services.CaseError as refused:
                messages.error(request, in_current_language(refused.zh, refused.en))
            else:
                return redirect("case", number=case.number)
    return render(request, "cases/new.html", {"form": form, "adjuster": adjuster}, status=status)


@roles_required(CASE_ROLES)
@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, number=number)
    if case is None:
        raise Http404
    english = reading_english()
    state = STATES[case.state]
    back_office = getattr(request.user, "role", None) in BACK_OFFICE_ROLES
    case_actions = {"report", "request_confirmation", "confirm_all", "send_to_police"}  # claim steps are per party
    context = {
        "case": case, "view": selectors.case_view(user=request.user, case=case), "timeline": selectors.timeline(case=case),
        "state_label": state.en if english else state.zh,
        "actions": [
            (action, ACTION_NAMES[action].en if english else ACTION_NAMES[action].zh) for action in available_actions(case.state)
            if action in case_actions
        ] if back_office else [],
        "claims": _claim_panels(request, case),
        "judged": _assessment_for_back_office(case) if back_office else None,
        "evidence_reference": case.evidence.reference if case.evidence is not None and _may_see_evidence(request, case) else "",
    }  # fmt: skip
    return render(request, "cases/case.html", context)


def _assessment_for_back_office(case: Any) -> dict[str, Any] | None:
    """Eligibility and liability as the kernel sees the case now (nothing personal in them)."""
    from claimbridge.cases.quick_claim import assessment

    return assessment(case) if case.parties.exists() else None


def _may_see_evidence(request: HttpRequest, case: Any) -> bool:
    from claimbridge.evidence import selectors as evidence_selectors

    return (
        evidence_selectors.evidence_file_get_for_user(user=request.user, reference=case.evidence.reference) is not None
    )


def _claim_panels(request: HttpRequest, case: Any) -> list[dict[str, Any]]:
    """For each party whose claim this user handles: the claim, its clocks and the steps open now."""
    from decimal import Decimal

    from claimbridge.cases.claim_services import may_handle
    from claimbridge.cases.models import Claim, Handoff
    from claimbridge.organisations.models import ClaimsUnit
    from claimbridge.rules.claim_flow import (
        CLAIM_ACTION_NAMES,
        CLAIM_STATES,
        CLOSE_REASONS,
        REOPEN_REASONS,
        available_claim_actions,
    )

    panels = []
    for party in case.parties.select_related("insurer").order_by("label"):
        if not may_handle(user=request.user, party=party):
            continue
        claim = Claim.objects.filter(party=party).first()
        state = CLAIM_STATES[claim.state] if claim else None
        actions = available_claim_actions(claim.state) if claim else []
        due = (claim.payable or Decimal(0)) - (claim.paid_amount or Decimal(0)) if claim else Decimal(0)
        panels.append({
            "party": party, "claim": claim, "state": state, "actions": actions,
            "action_names": {a: CLAIM_ACTION_NAMES[a] for a in actions},
            "sla": selectors.sla_deadlines(case=case, claim=claim), "due": due,
            "labels": list(case.parties.order_by("label").values_list("label", flat=True)),
            "close_reasons": CLOSE_REASONS, "reopen_reasons": REOPEN_REASONS,
            "approval_limit": request.user.approval_limit,  # type: ignore[union-attr]
            "units": ClaimsUnit.objects.filter(branch__insurer_id=party.insurer_id).exclude(pk=party.claims_unit_id)
            .select_related("branch__city"),
            "handoff_reasons": Handoff.Reason.choices,
        })  # fmt: skip
    return panels


@roles_required(BACK_OFFICE_ROLES)
@require_POST
def party_handoff(request: HttpRequest, number: str, label: str) -> HttpResponse:
    """Staff move their party's claim to another unit of their company, saying why (R1): recorded, never ownerless."""
    from claimbridge.cases.claim_services import may_handle
    from claimbridge.cases.models import Handoff
    from claimbridge.organisations.models import ClaimsUnit

    case = selectors.case_get_for_user(user=request.user, number=number)
    party = case.parties.filter(label=label).first() if case else None
    if party is None or not may_handle(user=request.user, party=party):
        raise Http404
    reason = request.POST.get("reason", "")
    unit = ClaimsUnit.objects.select_related("branch").filter(pk=request.POST.get("unit") or 0).first()
    try:
        if reason not in Handoff.Reason.values:
            raise services.CaseError("bad_reason", "请选择移交原因", "choose why the claim moves")
        services.handoff(party=party, to_unit=unit, reason=reason, user=request.user, note=request.POST.get("note", ""))
    except services.CaseError as refused:
        messages.error(request, in_current_language(refused.zh, refused.en))
    else:
        messages.success(request, _saved_message(request))
    return redirect("case", number=number)


@roles_required(BACK_OFFICE_ROLES)
@require_POST
def claim_action(request: HttpRequest, number: str, label: str, action: str) -> HttpResponse:
    from decimal import Decimal, InvalidOperation

    from claimbridge.cases import claim_services
    from claimbridge.cases.models import Claim

    case = selectors.case_get_for_user(user=request.user, number=number)
    party = case.parties.filter(label=label).first() if case else None
    if party is None:
        raise Http404
    claim = Claim.objects.filter(party=party).select_related("party__case").first()
    data = request.POST
    try:
        if action == "register":
            claim_services.claim_register(party=party, user=request.user)
        elif claim is None:
            raise Http404
        elif action == "contact":
            claim_services.claim_contact(claim=claim, user=request.user)
        elif action == "assess":
            labels = list(case.parties.values_list("label", flat=True))  # type: ignore[union-attr]
            losses = {lab: Decimal(data.get(f"loss_{lab}") or "0") for lab in labels}
            liability = {lab: data.get(f"liability_{lab}", "") for lab in labels}
            claim_services.claim_assess(claim=claim, user=request.user, losses=losses,
                                        liability=liability if all(liability.values()) else None)  # fmt: skip
        elif action == "settle":
            claim_services.claim_settle(claim=claim, user=request.user)
        elif action == "approve":
            claim_services.claim_approve(claim=claim, user=request.user)
        elif action == "pay":
            claim_services.claim_pay(claim=claim, user=request.user, amount=Decimal(data.get("amount") or "0"),
                                     reference=data.get("reference", ""))  # fmt: skip
        elif action == "close":
            claim_services.claim_close(claim=claim, user=request.user, reason=data.get("reason", ""))
        elif action == "reopen":
            claim_services.claim_reopen(claim=claim, user=request.user, reason=data.get("reason", ""))
        else:
            raise Http404
    except services.CaseError as refused:
        messages.error(request, in_current_language(refused.zh, refused.en))
    except IllegalTransition as refused:
        messages.error(request, in_current_language(refused.text.zh, refused.text.en))
    except (InvalidOperation, ValueError):
        messages.error(request, in_current_language("金额格式不正确", "That amount is not a number"))
    else:
        messages.success(request, _saved_message(request))
    return redirect("case", number=number)


@roles_required(BACK_OFFICE_ROLES)
@require_POST
def case_action(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, number=number)
    if case is None:
        raise Http404
    try:
        services.case_transition(case=case, action=request.POST.get("action", ""), user=request.user,
                                 reason=request.POST.get("reason", "")[:200])  # fmt: skip
    except IllegalTransition as refused:
        messages.error(request, in_current_language(refused.text.zh, refused.text.en))
    return redirect("case", number=number)


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """Public: the other driver opens the QR link (or types the code), proves their mobile and joins the case (B1)."""
    from claimbridge.cases.forms import JoinForm
    from claimbridge.core.phone_verification import VerificationError, challenge_send

    form = JoinForm(request.POST or None, initial={"join_code": request.GET.get("code", "")})
    context: dict[str, object] = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "send_code" in request.POST:
                challenge_send(data["phone"])
                context["code_sent"] = True
            else:
                case, party = services.case_join(
                    join_code=data["join_code"], phone=data["phone"], sms_code=data["sms_code"]
                )
                joined = request.session.get("case_parties", {})
                joined[case.number] = party.label
                request.session["case_parties"] = joined
                context |= {"joined_case": case, "joined_party": party.label}
        except VerificationError as refused:
            context["error"], status = refused.message, 422
        except services.CaseError as refused:
            context["error"], status = in_current_language(refused.zh, refused.en), 422
    elif request.method == "POST":
        status = 422
    return render(request, "cases/join.html", context, status=status)


def _joined(request: HttpRequest) -> dict[str, str]:
    return dict(request.session.get("case_parties", {}))


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Public: a driver at the roadside proves their mobile, then starts a case as party A (B1)."""
    from django.utils import timezone

    from claimbridge.cases.forms import PhoneForm, StartForm
    from claimbridge.core.phone_verification import (
        VerificationError,
        challenge_send,
        challenge_verify,
        normalise_mobile,
    )
    from claimbridge.organisations import selectors as organisation_selectors
    from claimbridge.organisations.models import County

    phone = request.session.get("verified_phone")
    context: dict[str, object] = {}
    status = 200
    if not phone:
        form = PhoneForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                if "send_code" in request.POST:
                    challenge_send(form.cleaned_data["phone"])
                    context["code_sent"] = True
                else:
                    challenge_verify(form.cleaned_data["phone"], form.cleaned_data["sms_code"] or "")
                    request.session["verified_phone"] = normalise_mobile(form.cleaned_data["phone"])
                    return redirect("case-start")
            except VerificationError as refused:
                context["error"], status = refused.message, 422
        return render(request, "cases/start.html", context | {"phone_form": form}, status=status)

    counties = [(city.display_name, [(county.code, county.display_name) for county in city.counties.all()])
                for city in organisation_selectors.city_list().prefetch_related("counties")]  # fmt: skip
    insurers = [(insurer.code, insurer.display_short_name) for insurer in organisation_selectors.insurer_list_public()]
    start_form = StartForm(request.POST or None, counties=counties, insurers=insurers,
                           initial={"accident_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})  # fmt: skip
    if request.method == "POST" and start_form.is_valid():
        data = start_form.cleaned_data
        accident_at = (
            data["accident_at"] if timezone.is_aware(data["accident_at"]) else timezone.make_aware(data["accident_at"])
        )
        try:
            case = services.case_create(
                user=request.user if request.user.is_authenticated else None, channel="driver",
                county=County.objects.select_related("city").get(code=data["county"]), accident_at=accident_at,
                latitude=data.get("latitude"), longitude=data.get("longitude"),
                parties=[services.PartyInput("A", plate=data["plate"], insurer_code=data["insurer"], phone=phone)],
            )  # fmt: skip
        except services.CaseError as refused:
            context["error"], status = in_current_language(refused.zh, refused.en), 422
        else:
            joined = _joined(request)
            joined[case.number] = "A"
            request.session["case_parties"] = joined
            return redirect("case-me", number=case.number)
    elif request.method == "POST":
        status = 422
    return render(request, "cases/start.html", context | {"start_form": start_form}, status=status)


def _my_party(request: HttpRequest, number: str) -> Any:
    """The party this phone joined as (bound to the browser session when the mobile was proved), or 404."""
    from claimbridge.cases.models import CaseParty

    label = _joined(request).get(number)
    party = (
        CaseParty.objects.select_related("case__county", "case__city", "insurer", "claims_unit__branch__city")
        .filter(case__number=number, label=label)
        .first()
        if label
        else None
    )
    if party is None:
        raise Http404
    return party


def _circumstance_choices(case: Any) -> list[tuple[str, str]]:
    from claimbridge.cases.quick_claim import accident_day
    from claimbridge.rules.circumstances import catalogue_on

    english = reading_english()
    catalogue = catalogue_on(accident_day(case))
    return [
        (str(n), f"{n}. {item.text.en if english else item.text.zh}") for n, item in sorted(catalogue.items.items())
    ]


@require_http_methods(["GET", "POST"])
def me(request: HttpRequest, number: str) -> HttpResponse:
    """The page of a party who joined from their phone (session-bound): their details, the case, and for party A
    the code for the other driver."""
    from claimbridge.cases.forms import PartyDetailsForm

    party = _my_party(request, number)
    details = PartyDetailsForm(
        request.POST or None, initial={name: getattr(party, name) for name in services.PARTY_FIELDS}
    )
    if request.method == "POST":
        if details.is_valid():
            try:
                services.party_details_save(party=party, **details.cleaned_data)
            except services.CaseError as refused:
                messages.error(request, in_current_language(refused.zh, refused.en))
            else:
                messages.success(request, _saved_message(request))
            return redirect("case-me", number=number)
        return _me_page(request, party, details=details, status=422)
    return _me_page(request, party, details=details)


def _me_page(request: HttpRequest, party: Any, *, status: int = 200, **forms_in_error: Any) -> HttpResponse:
    from django.utils import timezone

    from claimbridge.cases.forms import CircumstancesForm, ConfirmForm, FactsForm, PartyDetailsForm, PhotoForm
    from claimbridge.cases.quick_claim import assessment

    case = party.case
    parties = list(case.parties.select_related("insurer", "claims_unit").order_by("label"))
    labels = [p.label for p in parties]
    judged = assessment(case)
    facts_initial = {name: ("yes" if value else "no") if isinstance(value, bool) else value
                     for name, value in (case.facts or {"damage": "minor_exterior"}).items()}  # fmt: skip
    circumstances_initial = {
        f"party_{label}": (numbers[0] if numbers else "") for label, numbers in case.circumstances.items()
    }
    context: dict[str, Any] = {
        "case": case, "party": party, "label": party.label, "parties": parties, "judged": judged,
        "details": forms_in_error.get("details") or PartyDetailsForm(initial={name: getattr(party, name) for name in services.PARTY_FIELDS}),
        "facts_form": forms_in_error.get("facts_form") or FactsForm(initial=facts_initial),
        "circumstances_form": forms_in_error.get("circumstances_form")
        or CircumstancesForm(initial=circumstances_initial, labels=labels, choices=_circumstance_choices(case)),
        "confirm_form": forms_in_error.get("confirm_form") or ConfirmForm(),
        "photo_form": forms_in_error.get("photo_form") or PhotoForm(initial={"upload_key": secrets.token_urlsafe(16)}),
        "photo_rows": [(label, _photo_counts(case).get(label, 0)) for label in labels],
        "my_triage": judged["triage"].get(party.label), "case_state": STATES[case.state], "editable": case.state in {"draft", "reported", "awaiting_confirmation"},
        "english": reading_english(), "service_points": _service_points(case, judged, party.label),
        "underwriting_unit": services.underwriting_city_unit(party) if _cross_region(party) else None,
    }  # fmt: skip
    if not context["editable"]:  # agreed or with the police: what was said stays on show, read-only
        for form in (context["details"], context["facts_form"], context["circumstances_form"]):
            for field in form.fields.values():
                field.disabled = True
    if party.label == "A" and context["editable"]:
        code = case.join_code if case.join_code_expires_at and case.join_code_expires_at > timezone.now() else ""
        code = code or services.case_join_code_issue(case=case)
        url = request.build_absolute_uri(f"/cases/join/?code={code}")
        context |= {"join_code": code, "qr_svg": services.join_qr_svg(join_url=url)}
    return render(request, "cases/me.html", context, status=status)


def _cross_region(party: Any) -> bool:
    return bool(
        party.underwriting_city_code
        and party.case.city
        and party.underwriting_city_code != party.case.city.code
        and party.claims_unit
        and party.claims_unit.branch.city.code != party.underwriting_city_code
    )


def _photo_counts(case: Any) -> dict[str, int]:
    if case.evidence_id is None:
        return {}
    counts: dict[str, int] = {}
    for uploader, owner in case.evidence.items.values_list("uploaded_by_party", "party"):
        counts[uploader or owner or "-"] = counts.get(uploader or owner or "-", 0) + 1
    return counts


def _service_points(case: Any, judged: dict[str, Any], label: str) -> list[Any]:
    from claimbridge.cases.selectors import service_points_for

    triage = judged["triage"].get(label)
    if case.county is None or triage is None or triage["route"] == "online_one_stop":
        return []
    return list(service_points_for(county=case.county))


def _party_post(
    request: HttpRequest, number: str, form_class: Any, save: Any, form_key: str, **form_kwargs: Any
) -> HttpResponse:
    """Validate a form posted from the party page, save it, come back to the page; errors show in place."""
    party = _my_party(request, number)
    form = form_class(request.POST, request.FILES, **form_kwargs)
    if not form.is_valid():
        return _me_page(request, party, status=422, **{form_key: form})
    try:
        save(party, form)
    except services.CaseError as refused:
        messages.error(request, in_current_language(refused.zh, refused.en))
        return _me_page(request, party, status=422, **{form_key: form})
    except IllegalTransition as refused:
        messages.error(request, in_current_language(refused.text.zh, refused.text.en))
    else:
        messages.success(request, _saved_message(request))
    return redirect("case-me", number=number)


@require_POST
def me_check(request: HttpRequest, number: str) -> HttpResponse:
    """As the driver types (htmx, on change): the kernel's verdict on each field filled in so far; nothing is saved."""
    from claimbridge.cases.forms import PartyDetailsForm

    _my_party(request, number)
    details = PartyDetailsForm(request.POST)
    details.is_valid()
    return render(request, "cases/_details_errors.html", {"details": details})


@require_POST
def me_facts(request: HttpRequest, number: str) -> HttpResponse:
    from claimbridge.cases.forms import FactsForm

    return _party_post(request, number, FactsForm,
                       lambda party, form: services.case_facts_save(case=party.case, facts=form.facts(), party_label=party.label),
                       "facts_form")  # fmt: skip


@require_POST
def me_circumstances(request: HttpRequest, number: str) -> HttpResponse:
    from claimbridge.cases.forms import CircumstancesForm

    party = _my_party(request, number)
    labels = list(party.case.parties.order_by("label").values_list("label", flat=True))
    return _party_post(request, number, CircumstancesForm,
                       lambda party, form: services.case_circumstances_save(case=party.case, circumstances=form.circumstances(),
                                                                            party_label=party.label),
                       "circumstances_form", labels=labels, choices=_circumstance_choices(party.case))  # fmt: skip


@require_POST
def me_photo(request: HttpRequest, number: str) -> HttpResponse:
    from claimbridge.cases.forms import PhotoForm
    from claimbridge.evidence import errors as evidence_errors

    party = _my_party(request, number)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        return _me_page(request, party, status=422, photo_form=form)
    try:
        services.party_photo_upload(party=party, slot_code=form.cleaned_data["slot"], upload=form.cleaned_data["file"],
                                    upload_key=form.cleaned_data["upload_key"])  # fmt: skip
    except evidence_errors.AppError as refused:
        form.add_error("file", evidence_errors.message_in_language(refused))
        return _me_page(request, party, status=422, photo_form=form)
    from django.utils.translation import gettext

    messages.success(request, gettext("Photo received."))
    return redirect("case-me", number=number)


@require_POST
def me_confirm(request: HttpRequest, number: str) -> HttpResponse:
    from claimbridge.cases.forms import ConfirmForm

    device = request.headers.get("User-Agent", "")[:200]
    return _party_post(request, number, ConfirmForm,
                       lambda party, form: services.party_confirm(party=party, typed_name=form.cleaned_data["typed_name"],
                                                                  consent=form.cleaned_data["consent"], device=device),
                       "confirm_form")  # fmt: skip


def _party_step(request: HttpRequest, number: str, step: Any, *, saved: bool = False) -> HttpResponse:
    """A one-click step from the party's page; a refusal is shown there, in the reader's language."""
    party = _my_party(request, number)
    try:
        step(party)
    except services.CaseError as refused:
        messages.error(request, in_current_language(refused.zh, refused.en))
    else:
        if saved:
            messages.success(request, _saved_message(request))
    return redirect("case-me", number=number)


@require_POST
def me_disagree(request: HttpRequest, number: str) -> HttpResponse:
    return _party_step(request, number, lambda party: services.party_disagree(party=party))


@require_POST
def me_police(request: HttpRequest, number: str) -> HttpResponse:
    return _party_step(request, number, lambda party: services.case_to_police(case=party.case, party_label=party.label,
                                                                              reason="not_eligible"))  # fmt: skip


@require_POST
def me_underwriting_city(request: HttpRequest, number: str) -> HttpResponse:
    return _party_step(
        request, number, lambda party: services.party_serve_in_underwriting_city(party=party), saved=True
    )


@require_GET
def me_agreement(request: HttpRequest, number: str) -> FileResponse:
    return _agreement_response(_my_party(request, number).case)


@roles_required(CASE_ROLES)
@require_GET
def agreement(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, number=number)
    if case is None:
        raise Http404
    return _agreement_response(case)


def _agreement_response(case: Any) -> Any:  # a FileResponse
    from django.core.files.storage import default_storage

    if not case.agreement_name:
        raise Http404
    response = FileResponse(default_storage.open(case.agreement_name, "rb"), content_type="application/pdf",
                            as_attachment=True, filename=f"agreement-{case.number}.pdf")  # fmt: skip
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def agreement_verify(request: HttpRequest) -> HttpResponse:
    """Public: anyone holding a 协议书 checks it was made here, from its case number and verification code."""
    from claimbridge.cases.models import Case

    number = request.GET.get("number", "").strip()[:24]
    code = request.GET.get("code", "").strip().upper()[:19]
    context: dict[str, Any] = {"number": number, "code": code}
    if number and code:
        case = Case.objects.filter(number=number).exclude(agreement_code="").select_related("county").first()
        context["genuine"] = case is not None and secrets.compare_digest(case.agreement_code, code)
        context["found"] = case if context["genuine"] else None
    return render(request, "cases/agreement_verify.html", context)


def _saved_message(request: HttpRequest) -> str:
    from django.utils.translation import gettext

    return gettext("Saved.")
