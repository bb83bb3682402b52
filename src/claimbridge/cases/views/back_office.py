"""Back-office pages: the claims unit's inbox, reporting a case (hotline, adjuster at the scene), the case page with
its claim lines, and every write from it — each write loaded through the scope's write rules (B8, issue 12)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claimbridge.accesslog import selectors as access_selectors
from claimbridge.accesslog.models import Purpose
from claimbridge.accounts.roles import (
    BACK_OFFICE_REPORTER_ROLES,
    CASE_READER_ROLES,
    CASE_REPORTER_CHANNELS,
    INBOX_ROLES,
)
from claimbridge.cases import selectors
from claimbridge.cases.services import claims, handoffs, intake, quick_claim
from claimbridge.cases.views.common import agreement_response, saved, show_refusal
from claimbridge.core.errors import AppError, reading_english
from claimbridge.core.idempotency import run_once
from claimbridge.fraud import analysis as fraud_analysis
from claimbridge.rules.case_flow import ACTION_NAMES, STATES, available_actions
from claimbridge.rules.claim_flow import PAID_REASON
from claimbridge.web.access import roles_required

# Why a handler asks to see a driver's name and mobile (issue 20): the purposes offered next to the button.
REVEAL_PURPOSES = [(p.value, p.label) for p in (Purpose.CUSTOMER_CONTACT, Purpose.CLAIM_HANDLING, Purpose.DISPUTE,
                                                 Purpose.LEGAL_REQUEST, Purpose.OTHER)]  # fmt: skip
CASE_ACTIONS = ("send_to_police",)  # a case-level step staff may take; every other one is the parties' or a claim's


@roles_required(INBOX_ROLES)
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The day's work: found by case number, plate, mobile or driver's name, counted per state, soonest due first."""
    state = request.GET.get("state", "")
    state = state if state in STATES else ""
    q = request.GET.get("q", "").strip()[:40]
    sort = request.GET.get("sort", "")
    sort = sort if sort in selectors.INBOX_SORTS else selectors.INBOX_SORTS[0]
    english = reading_english()
    found = selectors.inbox_for_user(user=request.user, state=state, q=q, sort=sort)
    labels = {code: text.en if english else text.zh for code, text in STATES.items()}
    states = [(code, label, found.counts.get(code, 0)) for code, label in labels.items()]
    rows = [(case, labels[case.state], clock, found.plates.get(case.pk, [])) for case, clock in found.rows]
    can_report = getattr(request.user, "role", None) in BACK_OFFICE_REPORTER_ROLES
    return render(request, "cases/inbox.html", {"rows": rows, "states": states, "state": state, "q": q,
                                                "sort": sort, "total": found.total, "can_report": can_report})  # fmt: skip


@roles_required(BACK_OFFICE_REPORTER_ROLES)
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    """Insurer staff report from a hotline call; an adjuster reports at the scene, with the customer's consent. A
    double submit makes one case (the form's key)."""
    from claimbridge.cases.forms import BackOfficeCaseForm

    user = request.user
    adjuster = user.role == "adjuster"  # type: ignore[union-attr]
    form = BackOfficeCaseForm(request.POST or None, counties=selectors.county_choices(),
                              insurers=selectors.insurer_choices(), adjuster=adjuster,
                              initial={"accident_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})  # fmt: skip
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            county = selectors.county_get(code=data["county"])
            parties = [intake.PartyInput("A", plate=data["plate_a"], insurer_code=data["insurer_a"])]
            if data["plate_b"]:
                parties.append(intake.PartyInput("B", plate=data["plate_b"], insurer_code=data["insurer_b"]))
            consent = ({"credential_shown": data["credential_shown"], "customer_consented": data["customer_consented"]}
                       if adjuster else None)  # fmt: skip

            def work() -> tuple[int, dict[str, Any]]:
                assert county is not None
                case = intake.case_create(user=user, channel=CASE_REPORTER_CHANNELS[user.role], county=county,  # type: ignore[union-attr]
                                          accident_at=data["accident_at"], parties=parties, consent=consent,
                                          latitude=data["latitude"], longitude=data["longitude"], crs=data["crs"],
                                          facts=form.facts())  # fmt: skip
                return 201, {"number": case.number}

            try:
                if county is None:
                    raise AppError("no_county", "请选择区县", "choose the county", field="county")
                _status, body, _replayed = run_once(scope=f"user:{user.pk}:cases.web-create", key=form.key, work=work)
            except AppError as refused:
                show_refusal(request, form, refused)
            else:
                return redirect("case", number=body["number"])
    return render(request, "cases/new.html", {"form": form, "adjuster": adjuster}, status=status)


def _case_page(
    request: HttpRequest,
    case: Any,
    *,
    status: int = 200,
    refused: tuple[str, str, AppError] | None = None,
    revealed: dict[str, dict[str, str]] | None = None,
    reveal_refused: tuple[str, dict[str, str]] | None = None,
) -> HttpResponse:
    """The case page; `refused` (party label, step, error) draws that step's form again with what was typed and the
    error under its field; `reveal_refused` (party label, `_reveal_form`) the reveal form of that party's card."""
    from claimbridge.cases.quick_claim import assessment

    english = reading_english()
    state = STATES[case.state]
    back_office = getattr(request.user, "role", None) in INBOX_ROLES
    panels = selectors.claim_panels(user=request.user, case=case)
    may_act = bool(panels)  # handles a party of the case: may send it to the police
    actions = [(action, ACTION_NAMES[action].en if english else ACTION_NAMES[action].zh)
               for action in available_actions(case.state) if action in CASE_ACTIONS] if may_act else []  # fmt: skip
    for panel in panels:
        if refused is not None and panel["party"].label == refused[0]:
            _step_fields(panel, step=refused[1], posted=request.POST, error=refused[2])
        else:
            _step_fields(panel)
    cards = selectors.party_cards(user=request.user, case=case)
    for card in cards:
        card["revealed"] = (revealed or {}).get(card["label"])
        if reveal_refused is not None and card["label"] == reveal_refused[0]:
            card["reveal"] = reveal_refused[1]
    evidence = case.evidence.reference if case.evidence is not None else ""
    photos = selectors.photo_cards(selectors.case_photos(case=case, user=request.user, limit=12))
    context = {
        "case": case, "parties": cards, "timeline": selectors.timeline(case=case, user=request.user),
        "state_label": state.en if english else state.zh, "actions": actions, "claims": panels,
        "estimated_loss": selectors.estimated_loss(case), "photos": photos,
        "judged": assessment(case) if back_office and selectors.party_labels(case) else None,
        "evidence_reference": evidence if photos or (evidence and selectors.evidence_visible(user=request.user, reference=evidence)) else "",
        # Issue 16: the fraud score with its reasons and "linked to N cases", for whoever may read it (B5, R20).
        "fraud_score": fraud_analysis.case_score_for_user(user=request.user, number=case.number),
        # Issue 20: why a driver's contact is shown (asked with the button), and who looked, for the data's holders.
        "purposes": REVEAL_PURPOSES, "may_read_access_log": access_selectors.may_read_case_log(user=request.user, case=case),
    }  # fmt: skip
    return render(request, "cases/case.html", context, status=status)


def _step_fields(panel: dict[str, Any], *, step: str = "", posted: Any = None, error: AppError | None = None) -> None:
    """The values and errors of the panel's step forms: what the claim holds, or — for the step just refused — what
    was typed, with the error under the field it names (or above the form when it names none of its inputs)."""
    claim, typed = panel["claim"], posted if posted is not None else {}
    field = _form_field(error.field) if error is not None else ""
    message = error.message if error is not None else ""

    def value(name: str, held: Any, of_step: str) -> str:
        return str(typed.get(name, "")) if step == of_step else ("" if held is None else str(held))

    def error_of(name: str, of_step: str) -> str:
        return message if step == of_step and field == name else ""

    losses = claim.losses if claim is not None and isinstance(claim.losses, dict) else {}
    panel["loss_fields"] = [
        {"label": label, "name": f"loss_{label}", "value": value(f"loss_{label}", losses.get(label), "assess"),
         "error": error_of(f"loss_{label}", "assess"),
         "liability": value(f"liability_{label}", "", "assess")}
        for label in panel["labels"]
    ]  # fmt: skip
    panel["shop_fields"] = [
        {"name": name, "value": value(name, getattr(claim, column, "") if claim is not None else "", "assess"),
         "error": error_of(name, "assess")}
        for name, column in (("repair_shop", "repair_shop_name"), ("repair_shop_code", "repair_shop_code"))
    ]  # fmt: skip
    panel["pay_fields"] = [
        {"name": "amount", "value": value("amount", panel["due"] or "", "pay"), "error": error_of("amount", "pay")},
        {"name": "reference", "value": value("reference", "", "pay"), "error": error_of("reference", "pay")},
        # never the account on record (the panel shows it masked): only what was typed, drawn again with its refusal
        {"name": "payee_account", "value": value("payee_account", "", "pay"), "error": error_of("payee_account", "pay")},
    ]  # fmt: skip
    panel["refused_step"] = step
    panel["reason_value"] = str(typed.get("reason", "")) if step else ""
    panel["reason_error"] = message if field == "reason" else ""
    whole_form = not field or (field == "reason" and step == "close")  # 结案 has no reason to choose
    panel["form_error"] = message if error is not None and whole_form else ""


_STEP_INPUTS = ("amount", "reference", "payee_account", "repair_shop", "repair_shop_code", "reason")


def _form_field(field: str) -> str:
    """The case page's input an error is about: losses.A is the input loss_A; "" for the form as a whole."""
    if field.startswith("losses."):
        return "loss_" + field.removeprefix("losses.")
    if field.startswith("liability."):
        return "liability_" + field.removeprefix("liability.")
    return field if field in _STEP_INPUTS else ""


@roles_required(CASE_READER_ROLES)
@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, number=number)
    if case is None:
        raise Http404
    return _case_page(request, case)


def _reveal_form(request: HttpRequest, refused: AppError) -> dict[str, str]:
    """What the refused reveal form showed (the reason chosen, the words typed) and its error, by field: `purpose` or
    `purpose_note` (accesslog.errors)."""
    return {"purpose": request.POST.get("purpose", "")[:40], "note": request.POST.get("purpose_note", "")[:200],
            "field": refused.field, "error": str(refused.message)}  # fmt: skip


@roles_required(INBOX_ROLES)
@require_POST
def party_reveal(request: HttpRequest, number: str, label: str) -> HttpResponse:
    """The driver's name and mobile in full, for the handler of that party's claim: each showing is recorded. Asked
    from the page by htmx, the answer is the party's card alone."""
    from claimbridge.cases.services import disclosure

    try:
        case, party = selectors.party_for_handling(user=request.user, number=number, label=label)
        shown = disclosure.party_contact_reveal(party=party, user=request.user,
                                                purpose=request.POST.get("purpose", ""),
                                                note=request.POST.get("purpose_note", ""))  # fmt: skip
    except AppError as refused:
        if refused.status == 404:
            raise Http404 from None
        if refused.field.startswith("purpose"):  # the form again, the reason kept, the error under its own field
            form = _reveal_form(request, refused)
            if not request.headers.get("HX-Request"):
                return _case_page(request, case, status=422, reveal_refused=(label, form))
            card = next(card for card in selectors.party_cards(user=request.user, case=case) if card["label"] == label)
            card["reveal"] = form
            return render(request, "cases/_party_card.html", {"party": card, "case": case, "purposes": REVEAL_PURPOSES},
                          status=422)  # fmt: skip
        messages.error(request, refused.message)
        return redirect("case", number=number)
    if request.headers.get("HX-Request"):
        card = next(card for card in selectors.party_cards(user=request.user, case=case) if card["label"] == label)
        card["revealed"] = shown
        return render(request, "cases/_party_card.html", {"party": card, "case": case})
    return _case_page(request, case, revealed={label: shown})


@roles_required(INBOX_ROLES)
@require_POST
def party_handoff(request: HttpRequest, number: str, label: str) -> HttpResponse:
    """Staff move their party's claim to another unit of their company, saying why (R1): recorded, never ownerless."""
    try:
        _case, party = selectors.party_for_handling(user=request.user, number=number, label=label)
        handoffs.handoff(party=party, to_unit=selectors.claims_unit_get(pk=request.POST.get("unit")),
                         reason=request.POST.get("reason", ""), user=request.user, note=request.POST.get("note", "")[:200])  # fmt: skip
    except AppError as refused:
        if refused.status == 404:
            raise Http404 from None
        messages.error(request, refused.message)
    else:
        messages.success(request, saved())
    return redirect("case", number=number)


@roles_required(INBOX_ROLES)
@require_POST
def claim_action(request: HttpRequest, number: str, label: str, action: str) -> HttpResponse:
    """A step of the user's party's claim from the case page: only if this user handles that party's claim. A
    refusal about a field draws the page again with what was typed and the reason under the field (422); any other
    refusal goes back to the page with the reason."""
    data = request.POST
    case = None
    try:
        case, party = selectors.party_for_handling(user=request.user, number=number, label=label)
        claim = selectors.claim_of(party)
        if action == "register":
            claims.claim_register(party=party, user=request.user)
        elif claim is None:
            raise AppError("no_claim", "请先立案", "register the claim first", status=409)
        elif action == "contact":
            claims.claim_contact(claim=claim, user=request.user)
        elif action == "assess":
            labels = selectors.party_labels(case)
            losses = {lab: data.get(f"loss_{lab}", "") for lab in labels}
            liability = {lab: data.get(f"liability_{lab}", "") for lab in labels}
            claims.claim_assess(claim=claim, user=request.user, losses=losses,
                                liability=liability if all(liability.values()) else None,
                                repair_shop=data.get("repair_shop", ""), repair_shop_code=data.get("repair_shop_code", ""))  # fmt: skip
        elif action == "settle":
            claims.claim_settle(claim=claim, user=request.user)
        elif action == "approve":
            claims.claim_approve(claim=claim, user=request.user)
        elif action == "pay":
            claims.claim_pay(claim=claim, user=request.user, amount=data.get("amount", ""),
                             reference=data.get("reference", ""), payee_account=data.get("payee_account", ""))  # fmt: skip
        elif action in ("close", "close_unpaid"):
            # 结案 is after the payment; closing without payment names its reason (the service picks the step by it)
            reason = data.get("reason", "") if action == "close_unpaid" else data.get("reason") or PAID_REASON
            claims.claim_close(claim=claim, user=request.user, reason=reason)
        elif action == "reopen":
            claims.claim_reopen(claim=claim, user=request.user, reason=data.get("reason", ""))
        else:
            raise Http404
    except AppError as refused:
        if refused.status == 404:
            raise Http404 from None
        if case is not None and refused.field and refused.status == 422:
            return _case_page(request, case, status=422, refused=(label, action, refused))
        messages.error(request, refused.message)
    else:
        messages.success(request, saved())
    return redirect(reverse("case", args=[number]) + f"#claim-{label}")


@roles_required(INBOX_ROLES)
@require_POST
def case_action(request: HttpRequest, number: str) -> HttpResponse:
    """A step of the whole case by staff who handle one of its parties: sending it to the traffic police."""
    action = request.POST.get("action", "")
    try:
        if action not in CASE_ACTIONS:
            raise AppError(
                "bad_action", "不能从后台执行此操作", "this step is not taken from the back office", field="action"
            )
        case, _parties = selectors.case_for_write(user=request.user, number=number)
        quick_claim.case_to_police(case=case, reason=request.POST.get("reason", "")[:200] or "staff", user=request.user)
    except AppError as refused:
        if refused.status == 404:
            raise Http404 from None
        messages.error(request, refused.message)
    else:
        messages.success(request, saved())
    return redirect("case", number=number)


@roles_required(CASE_READER_ROLES)
@require_GET
def agreement(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, number=number)
    if case is None:
        raise Http404
    return agreement_response(case, request=request)
