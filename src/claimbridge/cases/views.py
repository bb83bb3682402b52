"""Back-office pages: the claims unit's inbox and the case page with its timeline and next actions (issue 6)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
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
    rows = [(case, labels[case.state]) for case in cases]
    return render(request, "cases/inbox.html", {"rows": rows, "states": states, "state": state})


@roles_required(CASE_ROLES)
@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, number=number)
    if case is None:
        raise Http404
    english = reading_english()
    state = STATES[case.state]
    back_office = getattr(request.user, "role", None) in BACK_OFFICE_ROLES
    context = {
        "case": case, "view": selectors.case_view(user=request.user, case=case), "timeline": selectors.timeline(case=case),
        "state_label": state.en if english else state.zh,
        "actions": [
            (action, ACTION_NAMES[action].en if english else ACTION_NAMES[action].zh) for action in available_actions(case.state)
        ] if back_office else [],
    }  # fmt: skip
    return render(request, "cases/case.html", context)


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


@require_http_methods(["GET", "POST"])
def me(request: HttpRequest, number: str) -> HttpResponse:
    """The page of a party who joined from their phone (session-bound): their details, the case, and for party A
    the code for the other driver."""
    from claimbridge.cases.forms import PartyDetailsForm
    from claimbridge.cases.models import Case

    label = _joined(request).get(number)
    case = Case.objects.filter(number=number).first() if label else None
    if case is None:
        raise Http404
    party = case.parties.get(label=label)
    initial = {
        "driver_name": party.driver_name,
        "driver_licence": party.driver_licence,
        "plate": party.plate,
        "vin": party.vin,
    }
    details = PartyDetailsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if details.is_valid():
            services.party_details_save(party=party, **details.cleaned_data)
            messages.success(request, _saved_message(request))
            return redirect("case-me", number=number)
        status = 422
    context: dict[str, object] = {
        "case": case,
        "label": label,
        "details": details,
        "parties": list(case.parties.values_list("label", flat=True)),
    }
    if label == "A":
        from django.utils import timezone

        code = case.join_code if case.join_code_expires_at and case.join_code_expires_at > timezone.now() else ""
        code = code or services.case_join_code_issue(case=case)
        url = request.build_absolute_uri(f"/cases/join/?code={code}")
        context |= {"join_code": code, "qr_svg": services.join_qr_svg(join_url=url)}
    return render(request, "cases/me.html", context, status=status)


def _saved_message(request: HttpRequest) -> str:
    from django.utils.translation import gettext

    return gettext("Saved.")
