"""The drivers' phones (B1): start a case, join one with the other driver's code, and the party's own page with every
step of the quick claim. A phone acts for the one party it joined as (bound to its session when the mobile was
proved); nothing here needs an account."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claimbridge.cases import selectors
from claimbridge.cases.services import evidence, handoffs, intake, join, parties, quick_claim
from claimbridge.cases.services.notifications import party_language_remember
from claimbridge.cases.views.common import agreement_response, saved, show_refusal
from claimbridge.cases.views.my_cases import after_phone_proof
from claimbridge.core.crypto import blind_index
from claimbridge.core.errors import AppError, reading_english
from claimbridge.core.idempotency import run_once
from claimbridge.core.throttle import client_address
from claimbridge.rules.case_flow import EDITABLE_STATES, STATES


def _joined(request: HttpRequest) -> dict[str, str]:
    return dict(request.session.get("case_parties", {}))


def _remember(request: HttpRequest, number: str, label: str) -> None:
    joined = _joined(request)
    joined[number] = label
    request.session["case_parties"] = joined
    # my cases (issue 13): the driver's texts are written in the language they used here
    party_language_remember(number=number, label=label, language=request.LANGUAGE_CODE)


@require_http_methods(["GET", "POST"])
def join_page(request: HttpRequest) -> HttpResponse:
    """Public: the other driver opens the QR link (or types the code), proves their mobile and joins the case (B1)."""
    from claimbridge.cases.forms import JoinForm
    from claimbridge.core.phone_verification import challenge_send

    form = JoinForm(request.POST or None, initial={"join_code": request.GET.get("code", "")[:8]})
    context: dict[str, object] = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "send_code" in request.POST:
                challenge_send(data["phone"])
                context["code_sent"] = True
            else:
                case, party = join.case_join(join_code=data["join_code"], phone=data["phone"],
                                             sms_code=data["sms_code"] or "", client=client_address(request))  # fmt: skip
                _remember(request, case.number, party.label)
                context |= {"joined_case": case, "joined_party": party.label}
        except AppError as refused:
            status = refused.status
            if not show_refusal(request, form, refused):
                context["error"] = refused.message
    elif request.method == "POST":
        status = 422
    return render(request, "cases/join.html", context, status=status)


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Public: a driver at the roadside proves their mobile, then starts a case as party A (B1). A double submit
    makes one case; the join code for the other driver is issued with it."""
    from claimbridge.cases.forms import PhoneForm, StartForm
    from claimbridge.core.phone_verification import challenge_send, challenge_verify, normalise_mobile

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
                    # my cases (issue 13): the same mobile again goes back to its open case, not to a new report
                    return after_phone_proof(request, phone=request.session["verified_phone"], reporting=True)
            except AppError as refused:
                context["error"], status = refused.message, refused.status
        return render(request, "cases/start.html", context | {"phone_form": form}, status=status)

    start_form = StartForm(request.POST or None, counties=selectors.county_choices(), insurers=selectors.insurer_choices(),
                           initial={"accident_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})  # fmt: skip
    if request.method == "POST" and start_form.is_valid():
        data = start_form.cleaned_data
        county = selectors.county_get(code=data["county"])
        user = request.user if request.user.is_authenticated else None

        def work() -> tuple[int, dict[str, Any]]:
            case = intake.case_create(
                user=user, channel="driver", county=county, accident_at=data["accident_at"],  # type: ignore[arg-type]
                latitude=data.get("latitude"), longitude=data.get("longitude"),
                parties=[intake.PartyInput("A", plate=data["plate"], insurer_code=data["insurer"], phone=phone)],
            )  # fmt: skip
            join.case_join_code_issue(case=case)
            return 201, {"number": case.number}

        try:
            if county is None:
                raise AppError("no_county", "请选择区县", "choose the county", field="county")
            scope = f"phone:{blind_index(phone, purpose='phone')[:32]}:cases.start"
            _status, body, _replayed = run_once(scope=scope, key=start_form.key, work=work)
        except AppError as refused:
            status = refused.status
            if not show_refusal(request, start_form, refused):
                context["error"] = refused.message
        else:
            _remember(request, body["number"], "A")
            return redirect("case-me", number=body["number"])
    elif request.method == "POST":
        status = 422
    return render(request, "cases/start.html", context | {"start_form": start_form}, status=status)


def _my_party(request: HttpRequest, number: str) -> Any:
    party = selectors.party_for_phone(joined=_joined(request), number=number)
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
        request.POST or None, initial={name: getattr(party, name) for name in parties.PARTY_FIELDS}
    )
    if request.method == "POST":
        if details.is_valid():
            try:
                parties.party_details_save(party=party, **details.cleaned_data)
            except AppError as refused:
                show_refusal(request, details, refused)
                return _me_page(request, party, details=details, status=refused.status)
            messages.success(request, saved())
            return redirect("case-me", number=number)
        return _me_page(request, party, details=details, status=422)
    return _me_page(request, party, details=details)


def _me_page(request: HttpRequest, party: Any, *, status: int = 200, **forms_in_error: Any) -> HttpResponse:
    from claimbridge.cases.forms import CircumstancesForm, ConfirmForm, FactsForm, PartyDetailsForm, PhotoForm
    from claimbridge.cases.quick_claim import assessment

    case = party.case
    listed = selectors.case_parties(case)
    labels = [p.label for p in listed]
    judged = assessment(case)
    facts_initial = {name: ("yes" if value else "no") if isinstance(value, bool) else value
                     for name, value in (case.facts or {"damage": "minor_exterior"}).items()}  # fmt: skip
    circumstances_initial = {
        f"party_{label}": (numbers[0] if numbers else "") for label, numbers in case.circumstances.items()
    }
    editable = case.state in EDITABLE_STATES
    counts = selectors.photo_counts(case)
    context: dict[str, Any] = {
        "case": case, "party": party, "label": party.label, "parties": listed, "judged": judged,
        "details": forms_in_error.get("details") or PartyDetailsForm(initial={name: getattr(party, name) for name in parties.PARTY_FIELDS}),
        "facts_form": forms_in_error.get("facts_form") or FactsForm(initial=facts_initial),
        "circumstances_form": forms_in_error.get("circumstances_form")
        or CircumstancesForm(initial=circumstances_initial, labels=labels, choices=_circumstance_choices(case)),
        "confirm_form": forms_in_error.get("confirm_form") or ConfirmForm(),
        "photo_form": forms_in_error.get("photo_form") or PhotoForm(initial={"upload_key": secrets.token_urlsafe(16)}),
        "photo_rows": [(label, counts.get(label, 0)) for label in labels],
        "my_triage": judged["triage"].get(party.label), "case_state": STATES[case.state], "editable": editable,
        "english": reading_english(), "service_points": _service_points(case, judged, party.label),
        "underwriting_unit": selectors.underwriting_city_unit(party) if selectors.cross_region(party) else None,
    }  # fmt: skip
    if not editable:  # agreed or with the police: what was said stays on show, read-only
        for form in (context["details"], context["facts_form"], context["circumstances_form"]):
            for field in form.fields.values():
                field.disabled = True
    if party.label == "A" and editable:
        code = join.live_join_code(case)
        context["join_code"] = code
        if code:
            url = request.build_absolute_uri(f"/cases/join/?code={code}")
            context["qr_svg"] = join.join_qr_svg(join_url=url)
    return render(request, "cases/me.html", context, status=status)


def _service_points(case: Any, judged: dict[str, Any], label: str) -> list[Any]:
    triage = judged["triage"].get(label)
    if case.county is None or triage is None or triage["route"] == "online_one_stop":
        return []
    return selectors.service_points_for(county=case.county)


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
    except AppError as refused:
        show_refusal(request, form, refused)
        return _me_page(request, party, status=refused.status, **{form_key: form})
    messages.success(request, saved())
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
                       lambda party, form: quick_claim.case_facts_save(case=party.case, facts=form.facts(), party_label=party.label),
                       "facts_form")  # fmt: skip


@require_POST
def me_circumstances(request: HttpRequest, number: str) -> HttpResponse:
    from claimbridge.cases.forms import CircumstancesForm

    party = _my_party(request, number)
    return _party_post(request, number, CircumstancesForm,
                       lambda party, form: quick_claim.case_circumstances_save(case=party.case, circumstances=form.circumstances(),
                                                                               party_label=party.label),
                       "circumstances_form", labels=selectors.party_labels(party.case),
                       choices=_circumstance_choices(party.case))  # fmt: skip


@require_POST
def me_photo(request: HttpRequest, number: str) -> HttpResponse:
    from claimbridge.cases.forms import PhotoForm

    party = _my_party(request, number)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        return _me_page(request, party, status=422, photo_form=form)
    try:
        evidence.party_photo_upload(party=party, slot_code=form.cleaned_data["slot"], upload=form.cleaned_data["file"],
                                    upload_key=form.cleaned_data["upload_key"])  # fmt: skip
    except AppError as refused:
        form.add_error("file", refused.message)
        return _me_page(request, party, status=refused.status, photo_form=form)
    messages.success(request, gettext("Photo received."))
    return redirect("case-me", number=number)


@require_POST
def me_confirm(request: HttpRequest, number: str) -> HttpResponse:
    from claimbridge.cases.forms import ConfirmForm

    device = request.headers.get("User-Agent", "")[:200]
    return _party_post(request, number, ConfirmForm,
                       lambda party, form: quick_claim.party_confirm(party=party, typed_name=form.cleaned_data["typed_name"],
                                                                     consent=form.cleaned_data["consent"], device=device),
                       "confirm_form")  # fmt: skip


def _party_step(request: HttpRequest, number: str, step: Any, *, done: str = "") -> HttpResponse:
    """A one-click step from the party's page; a refusal is shown there, in the reader's language."""
    party = _my_party(request, number)
    try:
        step(party)
    except AppError as refused:
        messages.error(request, refused.message)
    else:
        if done:
            messages.success(request, done)
    return redirect("case-me", number=number)


@require_POST
def me_disagree(request: HttpRequest, number: str) -> HttpResponse:
    return _party_step(request, number, lambda party: quick_claim.party_disagree(party=party))


@require_POST
def me_police(request: HttpRequest, number: str) -> HttpResponse:
    return _party_step(
        request, number, lambda party: quick_claim.case_to_police(case=party.case, reason="not_eligible")
    )


@require_POST
def me_underwriting_city(request: HttpRequest, number: str) -> HttpResponse:
    return _party_step(
        request, number, lambda party: handoffs.party_serve_in_underwriting_city(party=party), done=saved()
    )


@require_POST
def me_join_code(request: HttpRequest, number: str) -> HttpResponse:
    """Party A asks for a (new) join code for the other driver: issued by this POST, never by showing the page."""

    def issue(party: Any) -> None:
        if party.label != "A":
            raise AppError("not_reporter", "只有报案的一方可以生成加入码", "only the party who reported can issue a join code",
                           status=403)  # fmt: skip
        quick_claim.editable(party.case)
        join.case_join_code_issue(case=party.case)

    return _party_step(request, number, issue)


@require_GET
def me_agreement(request: HttpRequest, number: str) -> HttpResponse:
    return agreement_response(_my_party(request, number).case)
