"""The drivers' phones (B1): start a case, join one with the other driver's code, and the party's own page with every
step of the quick claim. A phone acts for the one party it joined as (bound to its session when the mobile was
proved); nothing here needs an account."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claimbridge.cases import selectors
from claimbridge.cases.services import evidence, handoffs, intake, join, parties, quick_claim
from claimbridge.cases.services.notifications import party_language_remember
from claimbridge.cases.views.common import agreement_response, saved, show_refusal
from claimbridge.cases.views.my_cases import after_phone_proof
from claimbridge.cases.views.phone_steps import STEP_CODES, indicator, live_context, next_step, step_of
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

    form = JoinForm(request.POST or None, initial={"join_code": request.GET.get("code", "")[:8]},
                    joining=request.method == "POST" and "send_code" not in request.POST)  # fmt: skip
    context: dict[str, object] = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "send_code" in request.POST:
                challenge_send(data["phone"])
                context["code_sent"] = True
            else:
                case, party = join.case_join(join_code=data["join_code"], phone=data["phone"], sms_code=data["sms_code"] or "",
                                             consent_version=form.consent_version_given, client=client_address(request),
                                             device=request.headers.get("User-Agent", ""))  # fmt: skip
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
            case = intake.case_start_from_phone(
                user=user, county=county, accident_at=data["accident_at"], latitude=data.get("latitude"),  # type: ignore[arg-type]
                longitude=data.get("longitude"), plate=data["plate"], insurer_code=data["insurer"], phone=phone,
                consent_version=start_form.consent_version_given, device=request.headers.get("User-Agent", ""),
            )  # fmt: skip
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


def _step_url(number: str, step: str) -> str:
    return f"{reverse('case-me', args=[number])}?step={step}"


def _after_save(request: HttpRequest, number: str) -> HttpResponse:
    """Back to the party's page: to the next step when the form came from a step, as before otherwise."""
    step = request.POST.get("step", "")
    if step in STEP_CODES and "stay" in request.POST:  # the same screen, at what the save changed
        return redirect(_step_url(number, step) + STAY_AT.get(step, ""))
    if step in STEP_CODES:
        return redirect(_step_url(number, next_step(step)))
    return redirect("case-me", number=number)


STAY_AT = {"check": "#eligibility", "confirm": "#decide"}


@require_http_methods(["GET", "POST"])
def me(request: HttpRequest, number: str) -> HttpResponse:
    """The page of a party who joined from their phone (session-bound), one step at a time (issue 13): who and
    where, photos, what happened, liability and conditions, both confirm, the agreement."""
    from claimbridge.cases.forms import PhoneDetailsForm

    party = _my_party(request, number)
    if request.method == "POST":
        details = PhoneDetailsForm(request.POST)
        if details.is_valid():
            try:
                parties.party_details_save(party=party, **details.cleaned_data)
            except AppError as refused:
                show_refusal(request, details, refused)
                return _me_page(request, party, step="who", details=details, status=refused.status)
            messages.success(request, saved())
            return _after_save(request, number)
        return _me_page(request, party, step="who", details=details, status=422)
    return _me_page(request, party, step=request.GET.get("step", ""))


def _me_page(request: HttpRequest, party: Any, *, step: str, status: int = 200, **forms_in_error: Any) -> HttpResponse:
    from claimbridge.cases.views.phone_context import progress, step_context
    from claimbridge.cases.views.phone_steps import first_open_step

    case = party.case
    editable = case.state in EDITABLE_STATES
    if not step and editable:  # back at the case (我的案件, a link): where this driver has something left to do
        step = first_open_step(progress(party, selectors.case_parties(case)))
    step = step_of(step, editable=editable)
    context = step_context(request, party, step=step, forms_in_error=forms_in_error)
    context |= {"step": step, "steps": indicator(step, progress(party, context["parties"])), "editable": editable, "case_state": STATES[case.state],
                "since": selectors.last_event_sequence(case)}  # fmt: skip
    context["live"] = live_context(case=case, party=party, since=context["since"], step=step, seq=context["since"],
                                   decide=context.get("decide_state", ""))  # fmt: skip
    context["live"] |= _invite(request, party, editable)
    return render(request, "cases/me.html", context, status=status)


def _invite(request: HttpRequest, party: Any, editable: bool) -> dict[str, Any]:
    """Party A's code for the other driver, while nobody has joined: shown without issuing anything."""
    if party.label != "A" or not editable or len(selectors.party_labels(party.case)) > 1:
        return {}
    code = join.live_join_code(party.case)
    answer: dict[str, Any] = {"invite": True, "join_code": code}
    if code:
        join_page = request.build_absolute_uri(reverse("case-join"))
        answer["qr_svg"] = join.join_qr_svg(join_url=f"{join_page}?code={code}")
        answer["join_page"] = join_page  # said next to the code, for a phone that cannot scan (issue 13)
    return answer


def _query_int(request: HttpRequest, name: str, default: int = 0) -> int:
    try:
        return max(0, int(request.GET.get(name, default)))
    except ValueError:
        return default


@require_GET
def me_live(request: HttpRequest, number: str) -> HttpResponse:
    """Polled by the party's page (htmx, every few seconds): the parties now, a voided confirmation said plainly,
    what the other driver changed since the page was shown. On the confirm step, once the case moved, the summary
    and (when its state changed) the confirm panel are redrawn in place too (issue 13). Reads only."""
    from claimbridge.cases.views.phone_context import step_context

    party = _my_party(request, number)
    case = party.case
    since = _query_int(request, "since")
    editable = case.state in EDITABLE_STATES
    step = step_of(request.GET.get("step", ""), editable=editable)
    seq, decide = _query_int(request, "seq", since), request.GET.get("d", "")[:20]
    panels = ""
    last = selectors.last_event_sequence(case)
    if step == "confirm" and editable and last != seq:
        confirm = step_context(request, party, step="confirm", forms_in_error={}) | {"editable": True, "oob": True}
        panels = render_to_string("cases/steps/_confirm_summary.html", confirm, request)
        if confirm["decide_state"] != decide:
            decide = confirm["decide_state"]
            panels += render_to_string("cases/steps/_confirm_decide.html", confirm, request)
    context = live_context(case=case, party=party, since=since, step=step, seq=last if panels else seq,
                           decide=decide)  # fmt: skip
    context |= _invite(request, party, editable)
    # Unchanged since the last poll: nothing to swap (204), so nothing is announced again to a screen reader.
    html = render_to_string("cases/_me_live.html", {"live": context, "case": case, "version": "@version@"}, request)
    version = hashlib.sha256(html.encode()).hexdigest()[:16]
    if request.GET.get("v") == version and not panels:
        return HttpResponse(status=204)
    return HttpResponse(html.replace("@version@", version) + panels)


@require_GET
def me_photo_thumbnail(request: HttpRequest, number: str, item_id: int) -> FileResponse:
    """A thumbnail of one of this case's photos, for the phone of a party of the case (re-encoded, no metadata)."""
    from django.core.files.storage import default_storage

    party = _my_party(request, number)
    item = selectors.case_photo(case=party.case, item_id=item_id, party=party)
    if item is None or not item.stored.thumbnail_name:
        raise Http404
    response = FileResponse(default_storage.open(item.stored.thumbnail_name, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _party_post(
    request: HttpRequest,
    number: str,
    form_class: Any,
    save: Any,
    form_key: str,
    *,
    step: str,
    flash: bool = True,
    **form_kwargs: Any,
) -> HttpResponse:
    """Validate a form posted from the party page, save it, go on; errors show next to their field, input kept.
    `flash`: say "saved" on the next screen (not after confirming: that screen says what the confirmation did)."""
    party = _my_party(request, number)
    form = form_class(request.POST, request.FILES, **form_kwargs)
    if not form.is_valid():
        return _me_page(request, party, step=step, status=422, **{form_key: form})
    try:
        save(party, form)
    except AppError as refused:
        show_refusal(request, form, refused)
        return _me_page(request, party, step=step, status=refused.status, **{form_key: form})
    if flash:
        messages.success(request, saved())
    return _after_save(request, number)


@require_POST
def me_check(request: HttpRequest, number: str) -> HttpResponse:
    """As the driver types (htmx, on change): the kernel's verdict on each field filled in so far; nothing is saved."""
    from claimbridge.cases.forms import PhoneDetailsForm

    _my_party(request, number)
    details = PhoneDetailsForm(request.POST)
    details.is_valid()
    return render(request, "cases/_details_errors.html", {"details": details})


@require_POST
def me_facts(request: HttpRequest, number: str) -> HttpResponse:
    """What happened. From the steps it comes in two parts: the account with the circumstances ("what", one form,
    both saved) and the questions the conditions depend on ("check"); a whole `FactsForm` otherwise."""
    from claimbridge.cases.forms import CHECK_QUESTIONS, WHAT_HAPPENED, CircumstancesForm, FactsForm, FactsPartForm

    party = _my_party(request, number)
    part = request.POST.get("step", "")
    if part == "check":
        return _party_post(request, number, FactsPartForm, _save_facts, "safety_form", step="check",
                           part=CHECK_QUESTIONS)  # fmt: skip
    if part != "what":
        return _party_post(request, number, FactsForm, _save_facts, "facts_form", step="what")
    facts = FactsPartForm(request.POST, part=WHAT_HAPPENED)
    circumstances = CircumstancesForm(request.POST, labels=selectors.party_labels(party.case),
                                      choices=_circumstance_choices(party.case))  # fmt: skip
    if not (facts.is_valid() & circumstances.is_valid()):
        return _me_page(request, party, step="what", status=422, facts_form=facts, circumstances_form=circumstances)
    try:
        _save_facts(party, facts)
        _save_circumstances(party, circumstances)
    except AppError as refused:
        show_refusal(request, facts, refused)
        return _me_page(request, party, step="what", status=refused.status, facts_form=facts,
                        circumstances_form=circumstances)  # fmt: skip
    messages.success(request, saved())
    return _after_save(request, number)


def _save_facts(party: Any, form: Any) -> None:
    quick_claim.case_facts_save(case=party.case, facts=form.facts(), party_label=party.label)


def _save_circumstances(party: Any, form: Any) -> None:
    quick_claim.case_circumstances_save(case=party.case, circumstances=form.circumstances(), party_label=party.label)


@require_POST
def me_circumstances(request: HttpRequest, number: str) -> HttpResponse:
    from claimbridge.cases.forms import CircumstancesForm

    party = _my_party(request, number)
    return _party_post(request, number, CircumstancesForm, _save_circumstances, "circumstances_form", step="what",
                       labels=selectors.party_labels(party.case), choices=_circumstance_choices(party.case))  # fmt: skip


@require_POST
def me_photo(request: HttpRequest, number: str) -> HttpResponse:
    """One or several photos into one slot (camera first). From the steps (htmx) the photos screen's checklist and
    thumbnails come back in place; otherwise back to the page."""
    from claimbridge.cases.forms import PhotoForm

    party = _my_party(request, number)
    files = request.FILES.getlist("file")[:12]
    form = PhotoForm(request.POST, {"file": files[0]} if files else {})
    received = 0
    if form.is_valid():
        key = form.cleaned_data["upload_key"] or secrets.token_urlsafe(16)
        for index, upload in enumerate(files):
            try:
                evidence.party_photo_upload(party=party, slot_code=form.cleaned_data["slot"], upload=upload,
                                            upload_key=f"{key[:70]}-{index}")  # fmt: skip
                received += 1
            except AppError as refused:
                name = getattr(upload, "name", "")[:40]
                form.add_error("file", f"{name}: {refused.message}" if len(files) > 1 else refused.message)
    status = 200 if form.is_valid() or received else 422
    if request.headers.get("HX-Request"):
        from claimbridge.cases.views.phone_context import photos_context

        context = photos_context(party, form if form.errors else None)
        context |= {"case": party.case, "received": received, "editable": party.case.state in EDITABLE_STATES}
        return render(request, "cases/steps/_photo_slots.html", context, status=status)
    if form.errors and not received:
        return _me_page(request, party, step="photos", status=status, photo_form=form)
    messages.success(request, gettext("Photo received."))
    if form.errors:
        messages.error(request, " ".join(str(e) for e in form.errors.get("file", [])))
    if request.POST.get("step") == "photos":
        return redirect(_step_url(number, "photos"))
    return redirect("case-me", number=number)


@require_POST
def me_confirm(request: HttpRequest, number: str) -> HttpResponse:
    from claimbridge.cases.forms import ConfirmForm

    device = request.headers.get("User-Agent", "")[:200]
    return _party_post(request, number, ConfirmForm,
                       lambda party, form: quick_claim.party_confirm(party=party, typed_name=form.cleaned_data["typed_name"],
                                                                     consent=form.cleaned_data["consent"], device=device),
                       "confirm_form", step="confirm", flash=False)  # fmt: skip


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
    back = request.POST.get("step", "")
    return redirect(_step_url(number, back)) if back in STEP_CODES else redirect("case-me", number=number)


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
    party = _my_party(request, number)
    return agreement_response(party.case, request=request, party_label=party.label)
