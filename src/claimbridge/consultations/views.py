"""The consultation pages (R13): the customer asks on their phone and reads and rates the answer; the addressed
organisation's staff work their inbox on the desk (answer, escalate to a specialist, publish a FAQ entry) and the
hotline records a caller's question; a specialist sees what was escalated to them with the deadlines, the oldest due
first; an association designates its specialists; everyone reads the FAQ.

Views parse and present; every write is a service that asks the scope. Creating forms carry a hidden key, so a
double tap asks one question (`core.idempotency.run_once`). A customer needs no account: the mobile is proved with the
text-message code of the driver's journey (`core.phone_verification`), kept in the session as `/me/` keeps it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claimbridge.accounts.models import Role
from claimbridge.accounts.scope import scope_for
from claimbridge.consultations import forms, selectors, services
from claimbridge.consultations.flow import STATES
from claimbridge.consultations.models import Consultation
from claimbridge.core.crypto import blind_index
from claimbridge.core.errors import AppError
from claimbridge.core.idempotency import fingerprint_of, run_once
from claimbridge.core.masking import mask_phone
from claimbridge.web.access import roles_required
from claimbridge.web.once import form_key, once

STAFF_ROLES = frozenset({Role.INSURER_STAFF, Role.ASSOCIATION_STAFF, Role.PLATFORM_ADMIN})
SPECIALIST_ROLES = frozenset({Role.INSURER_STAFF, Role.ADJUSTER, Role.ASSOCIATION_STAFF})  # who may be designated
DETAIL_ROLES = STAFF_ROLES | SPECIALIST_ROLES


def _phone(request: HttpRequest) -> str:
    return str(request.session.get("verified_phone", ""))


def _refused(request: HttpRequest, error: AppError) -> HttpResponse:
    return render(request, "refused.html", {"error": error}, status=error.status)


# --- the customer's phone -----------------------------------------------------------------------------------------


def _prove(request: HttpRequest) -> HttpResponse:
    """The mobile check of the driver's journey (the same codes, the same limits), then back to this page."""
    from claimbridge.cases.forms import PhoneForm
    from claimbridge.core.phone_verification import challenge_send, challenge_verify, normalise_mobile

    form = PhoneForm(request.POST or None)
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                if "send_code" in request.POST:
                    challenge_send(form.cleaned_data["phone"])
                    context["code_sent"], status = True, 200
                else:
                    challenge_verify(form.cleaned_data["phone"], form.cleaned_data["sms_code"] or "")
                    request.session["verified_phone"] = normalise_mobile(form.cleaned_data["phone"])
                    return redirect("consult-ask")
            except AppError as refused:
                status = refused.status
                form.add_error(refused.field if refused.field in form.fields else None, refused.message)
    return render(request, "consultations/ask.html", context | {"phone_form": form}, status=status)


def _ask_form(request: HttpRequest, phone: str, data: Any = None) -> forms.AskForm:
    initial = {"about": f"case:{request.GET['case'][:24]}"} if request.GET.get("case") else {}
    return forms.AskForm(data, cases=selectors.phone_cases(phone=phone), addressees=selectors.addressee_choices(),
                         initial=initial)  # fmt: skip


def _ask_page(request: HttpRequest, phone: str, form: forms.AskForm, status: int = 200) -> HttpResponse:
    questions = selectors.consultations_for_phone(phone=phone)
    return render(request, "consultations/ask.html", {
        "form": form, "form_key": form_key(request), "masked_phone": mask_phone(phone), "questions": questions,
        "rate_form": forms.RateForm(),
    }, status=status)  # fmt: skip


@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    """Public: with a proved mobile, the ask form and the phone's own questions, each answer with its rating; without
    one, the mobile check."""
    phone = _phone(request)
    if not phone or (request.method == "POST" and request.POST.get("op") != "ask"):
        return _prove(request)
    if request.method == "GET":
        return _ask_page(request, phone, _ask_form(request, phone))
    form = _ask_form(request, phone, request.POST)
    if not form.is_valid():
        return _ask_page(request, phone, form, status=422)
    arguments = form.addressing() | {"question": form.cleaned_data["question"], "topic": form.cleaned_data["topic"]}

    def work() -> tuple[int, dict[str, Any]]:
        made = services.consultation_ask(phone=phone, language=request.LANGUAGE_CODE,
                                         user=request.user if request.user.is_authenticated else None, **arguments)  # fmt: skip
        return 201, {"number": made.number}

    scope = f"phone:{blind_index(phone, purpose='phone')[:24]}:consultations.web.ask"
    try:
        run_once(
            scope=scope, key=request.POST.get("form_key", "")[:64], work=work, fingerprint=fingerprint_of(arguments)
        )
    except AppError as refused:
        forms.show(form, refused)
        return _ask_page(request, phone, form, status=refused.status)
    messages.success(request, gettext("Your question was sent. The answer will appear here."))
    return redirect("consult-ask")


@require_POST
def rate(request: HttpRequest, number: str) -> HttpResponse:
    """The customer rates an answer once, from the phone that asked. From the page (htmx) the answer is the question's
    card alone."""
    phone = _phone(request)
    consultation = selectors.consultation_get_for_phone(phone=phone, number=number)
    if consultation is None:
        raise Http404
    form = forms.RateForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            consultation = services.consultation_rate(phone=phone, consultation=consultation,
                                                      rating=form.cleaned_data["rating"],
                                                      comment=form.cleaned_data["comment"])  # fmt: skip
        except AppError as refused:
            forms.show(form, refused)
            status = refused.status
    else:
        status = 422
    if request.headers.get("HX-Request"):
        return render(request, "consultations/_question.html", {"q": consultation, "rate_form": form}, status=status)
    if status == 200:
        messages.success(request, gettext("Thank you for your rating."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(reverse("consult-ask") + f"#q-{consultation.number}")


@require_GET
def faq(request: HttpRequest) -> HttpResponse:
    """Public: the published FAQ by topic."""
    return render(request, "consultations/faq.html", {"topics": selectors.faq_published()})


# --- staff -----------------------------------------------------------------------------------------------------------


@roles_required(STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    """The organisation's questions, open ones first; insurer staff also record a caller's question (hotline)."""
    scope = scope_for(request.user)
    record_form = forms.RecordForm(request.POST or None) if scope.may_record_consultation else None
    status = 200
    if request.method == "POST":
        if record_form is None:
            raise PermissionDenied
        status = 422
        if record_form.is_valid():
            data = record_form.cleaned_data

            def work() -> dict[str, Any]:
                made = services.consultation_record(user=request.user, caller_phone=data["caller_phone"],
                                                    caller_name=data["caller_name"], question=data["question"],
                                                    topic=data["topic"], channel=data["channel"],
                                                    case_number=data["case"].strip())  # fmt: skip
                return {"number": made.number}

            try:
                answer = once(request, "record", work, app="consultations")
            except AppError as refused:
                forms.show(record_form, refused)
                status = refused.status
            else:
                messages.success(request, gettext("The caller's question was recorded."))
                return redirect("consult-detail", number=answer["number"])
    state = request.GET.get("state", "")[:16]
    return render(request, "consultations/inbox.html", {
        "questions": selectors.inbox_for_user(user=request.user, state=state), "state": state, "states": list(STATES),
        "record_form": record_form, "form_key": form_key(request),
        "is_specialist": selectors.is_specialist(user=request.user),
    }, status=status)  # fmt: skip


def _detail_forms(consultation: Consultation, data: dict[str, Any] | None = None) -> dict[str, Any]:
    specialists = [
        (s.pk, f"{s.user.masked_name} ({s.user.username})")
        for s in selectors.specialists_for(consultation=consultation)
    ]
    op = (data or {}).get("op")
    return {
        "answer_form": forms.AnswerForm(data if op == "answer" else None),
        "escalate_form": forms.EscalateForm(data if op == "escalate" else None, specialists=specialists),
        "faq_form": forms.FaqForm(data if op == "faq" else None, initial={"topic": consultation.topic}),
    }


def _operate(request: HttpRequest, consultation: Consultation, op: str, form: Any) -> None:
    data = form.cleaned_data if form is not None else {}
    if op == "answer":
        services.consultation_answer(user=request.user, consultation=consultation, answer=data["answer"])
    elif op == "escalate":
        services.consultation_escalate(user=request.user, consultation=consultation, specialist_id=data["specialist"],
                                       note=data["note"], working_days=data["working_days"])  # fmt: skip
    elif op == "close":
        services.consultation_close(user=request.user, consultation=consultation)
    elif op == "faq":

        def work() -> dict[str, Any]:
            entry = services.faq_entry_create(user=request.user, consultation=consultation, **data)
            return {"faq": entry.pk}

        once(request, f"{consultation.pk}.faq", work, app="consultations")
    else:
        raise AppError("unknown_operation", "未知操作", "Unknown operation", status=400)


DONE = {"answer": _("The answer was sent to the customer."), "escalate": _("The question was escalated to the specialist."),
        "close": _("The question was closed."), "faq": _("The FAQ entry was published.")}  # fmt: skip


@roles_required(DETAIL_ROLES)
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, number: str) -> HttpResponse:
    """One question, for its organisation's staff and the specialist it was escalated to, with what they may do."""
    consultation = selectors.consultation_get_for_user(user=request.user, number=number)
    if consultation is None:
        raise Http404
    scope = scope_for(request.user)
    op = request.POST.get("op", "") if request.method == "POST" else ""
    context = _detail_forms(consultation, request.POST if op else None)
    status = 200
    if op:
        form = context.get(f"{op}_form")
        if form is not None and not form.is_valid():
            status = 422
        else:
            try:
                _operate(request, consultation, op, form)
            except AppError as refused:
                if refused.status in {403, 404}:
                    return _refused(request, refused)
                if form is not None:
                    forms.show(form, refused)
                else:
                    messages.error(request, refused.message)
                status = refused.status
            else:
                messages.success(request, str(DONE[op]))
                return redirect("consult-detail", number=consultation.number)
        consultation.refresh_from_db()
    return render(request, "consultations/detail.html", context | {
        "q": consultation, "form_key": form_key(request), "events": list(consultation.events.order_by("sequence")),
        "may_answer": scope.may_answer(consultation) and consultation.state in {"asked", "escalated"},
        "may_escalate": scope.may_escalate(consultation) and consultation.state == "asked",
        "may_close": scope.may_escalate(consultation) and consultation.state != "closed",
        "may_faq": scope.may_publish_faq(consultation) and bool(consultation.answer),
    }, status=status)  # fmt: skip


@roles_required(SPECIALIST_ROLES | {Role.PLATFORM_ADMIN})
@require_GET
def specialist(request: HttpRequest) -> HttpResponse:
    """A specialist's questions: each escalated one with its deadline and an overdue marker, the oldest due first."""
    return render(request, "consultations/specialist.html", {
        "queue": selectors.specialist_queue(user=request.user),
        "answered": selectors.specialist_answered(user=request.user),
        "is_specialist": selectors.is_specialist(user=request.user),
    })  # fmt: skip


@roles_required(frozenset({Role.ASSOCIATION_STAFF}))
@require_http_methods(["GET", "POST"])
def specialists(request: HttpRequest) -> HttpResponse:
    """An association's staff designate their specialists and stand them down."""
    form = forms.DesignateForm(request.POST if request.POST.get("op") == "designate" else None)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("op") == "stand_down":
                found = selectors.specialist_get_for_manager(user=request.user, pk=int(request.POST.get("pk") or 0))
                if found is None:
                    raise Http404
                services.specialist_stand_down(user=request.user, specialist=found)
                messages.success(request, gettext("The specialist was stood down."))
                return redirect("consult-specialists")
            if form.is_valid():
                services.specialist_designate(user=request.user, username=form.cleaned_data["username"],
                                              topics=form.cleaned_data["topics"])  # fmt: skip
                messages.success(request, gettext("The specialist was designated."))
                return redirect("consult-specialists")
            status = 422
        except ValueError:
            raise Http404 from None
        except AppError as refused:
            forms.show(form, refused)
            status = refused.status
    return render(request, "consultations/specialists.html", {
        "specialists": selectors.association_specialists(user=request.user), "form": form,
    }, status=status)  # fmt: skip
