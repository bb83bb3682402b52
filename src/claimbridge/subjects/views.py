"""我的个人信息 — a person's own data on their phone (PIPL arts. 44–47, decision 0030), and the holders' desk.

A driver proves their mobile with the text-message code of the driver's journey (a fresh proof: a 15-minute grant,
`grants.py`); a signed-in account (an adjuster) is its own person. They see what the platform holds about them
(their own party of each case, never the other party's; their questions; their requests with deadlines), download
a copy (JSON, PDF; each download recorded in the access log) and ask for a correction or a deletion. The staff of the
organisation holding a request work it on the desk: the queue with deadlines (overdue highlighted) and one request.
Views parse and present; every write is a service that asks the scope. Creating forms carry a hidden key.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from claimbridge.accounts.roles import SUBJECT_REQUEST_DESK_ROLES
from claimbridge.accounts.scope import scope_for
from claimbridge.core.errors import AppError
from claimbridge.core.idempotency import fingerprint_of, run_once
from claimbridge.subjects import exports, forms, grants, selectors, services
from claimbridge.subjects.flow import STATES
from claimbridge.subjects.hooks import access_record
from claimbridge.web.access import roles_required
from claimbridge.web.once import form_key

DESK_ROLES = SUBJECT_REQUEST_DESK_ROLES


def _prove(request: HttpRequest) -> HttpResponse:
    from claimbridge.cases.forms import PhoneForm
    from claimbridge.core.phone_verification import challenge_send

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
                    form = PhoneForm({"phone": form.cleaned_data["phone"]})  # a new code: the old one is cleared
                    form.is_valid()
                else:
                    grants.grant_give(request, phone=form.cleaned_data["phone"],
                                      sms_code=form.cleaned_data["sms_code"] or "")  # fmt: skip
                    return redirect("subjects-mine")
            except AppError as refused:
                status = refused.status
                form.add_error(refused.field if refused.field in form.fields else None, refused.message)
    return render(request, "subjects/mine.html", context | {"phone_form": form}, status=status)


def _page(request: HttpRequest, subject: selectors.Subject, *, correction: Any = None, deletion: Any = None,
          status: int = 200) -> HttpResponse:  # fmt: skip
    records = selectors.record_choices(subject=subject)
    return render(request, "subjects/mine.html", {
        "data": selectors.holdings(subject=subject, masked=True), "requests": selectors.requests_for_subject(subject=subject),
        "correction_form": correction or forms.CorrectionForm(items=selectors.correction_items(subject=subject)),
        "deletion_form": deletion or forms.DeletionForm(records=records), "has_records": bool(records),
        "granted": bool(subject.phone), "form_key": form_key(request), "open_form": "correction" if correction
        else "deletion" if deletion else "",
    }, status=status)  # fmt: skip


@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    """Public: with a granted mobile (or signed in), the person's data, the copy, the request forms and the requests;
    without, the mobile check."""
    subject = grants.subject_of(request)
    op = request.POST.get("op", "") if request.method == "POST" else ""
    if op == "end":
        grants.grant_end(request)
        return redirect("subjects-mine")
    if subject.empty or (request.method == "POST" and op not in ("correction", "deletion")):
        return _prove(request)
    if request.method == "GET":
        return _page(request, subject)
    form: Any
    if op == "correction":
        form = forms.CorrectionForm(request.POST, items=selectors.correction_items(subject=subject))
    else:
        form = forms.DeletionForm(request.POST, records=selectors.record_choices(subject=subject))
    bound = {"correction": form} if op == "correction" else {"deletion": form}
    if not form.is_valid():
        return _page(request, subject, status=422, **bound)
    arguments = {"kind": op, **form.request_arguments()}

    def work() -> tuple[int, dict[str, Any]]:
        made = services.subject_request_create(subject=subject, **arguments)
        return 201, {"number": made.number}

    try:
        _status, made, _replayed = run_once(scope=f"{subject.key}:subjects.web.request",
                                            key=request.POST.get("form_key", "")[:64], work=work,
                                            fingerprint=fingerprint_of(arguments))  # fmt: skip
    except AppError as refused:
        forms.show(form, refused)
        return _page(request, subject, status=refused.status, **bound)
    messages.success(request, gettext("Your request %(number)s was received: we text you when it is answered. "
                                      "You can follow it here.") % {"number": made.get("number", "")})  # fmt: skip
    return redirect("subjects-mine")


@require_GET
def copy(request: HttpRequest, kind: str) -> HttpResponse:
    """The person's copy, in full: JSON or PDF. Recorded in the access log."""
    subject = grants.subject_of(request)
    if kind not in ("json", "pdf"):
        raise Http404
    if subject.empty:
        return redirect("subjects-mine")
    data = selectors.holdings(subject=subject, masked=False)
    access_record(actor=request.user if request.user.is_authenticated else None, subject=subject.key,
                  what=f"subject-copy.{kind}", purpose="subject_access")  # fmt: skip
    if kind == "pdf":
        response = HttpResponse(exports.copy_pdf(data), content_type="application/pdf")
    else:
        response = HttpResponse(exports.copy_json(data), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="my-data.{kind}"'
    response["Cache-Control"] = "no-store"
    return response


# --- the holders' desk ---------------------------------------------------------------------------------------------


@roles_required(DESK_ROLES)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    found = list(selectors.queue_for_user(user=request.user, state=state if state in STATES else "")[:200])
    links = selectors.record_links(user=request.user, requests=found)
    rows = [{"r": r, "link": links.get(r.number, ""), "days_left": selectors.days_left(r)} for r in found]
    return render(request, "subjects/queue.html", {"rows": rows, "states": STATES, "state": state})


@roles_required(DESK_ROLES)
@require_http_methods(["GET", "POST"])
def held(request: HttpRequest, number: str) -> HttpResponse:
    """One request and what its holder may decide: the retention duties of the records concerned (a deletion a duty
    keeps is refused, explaining it, with the explanation prefilled), how a correction is made."""
    found = selectors.request_get_for_user(user=request.user, number=number)
    if found is None:
        raise Http404
    plan = selectors.request_plan(found)
    prefilled = {"reason_zh": plan.reason_zh, "reason_en": plan.reason_en} if plan.refuse_only else None
    refuse_form = forms.RefuseForm(initial=prefilled)
    complete_form = forms.CompleteForm(required=plan.way == "by_hand")
    status = 200
    op = request.POST.get("op", "") if request.method == "POST" else ""
    if request.method == "POST":
        try:
            if op == "start":
                services.subject_request_start(user=request.user, request=found)
            elif op == "complete":
                complete_form = forms.CompleteForm(request.POST, required=plan.way == "by_hand")
                complete_form.is_valid()
                services.subject_request_complete(user=request.user, request=found,
                                                  resolution=complete_form.cleaned_data.get("resolution", ""))  # fmt: skip
            elif op == "refuse":
                refuse_form = forms.RefuseForm(request.POST)
                refuse_form.is_valid()
                services.subject_request_refuse(user=request.user, request=found,
                                                reason_zh=refuse_form.cleaned_data.get("reason_zh", ""),
                                                reason_en=refuse_form.cleaned_data.get("reason_en", ""),
                                                for_retention=plan.way == "keep" and "for_retention" in request.POST)  # fmt: skip
            else:
                raise AppError("unknown_step", "没有这个操作", "No such step", status=422)
        except AppError as refused:
            if refused.status == 403:
                raise PermissionDenied from refused
            status = refused.status
            if op == "refuse" and prefilled:  # a cleared explanation comes back, next to the error, to be checked
                refuse_form = forms.RefuseForm({name: request.POST.get(name, "").strip() or text
                                                for name, text in prefilled.items()})  # fmt: skip
                refuse_form.is_valid()
            forms.show(refuse_form if op == "refuse" else complete_form, refused)
        else:
            # say only what happened: starting texts nobody; completing and refusing text the person
            messages.success(request, gettext("Saved: the request is in progress.") if op == "start"
                             else gettext("Saved. The person is sent a text message."))  # fmt: skip
            return redirect("subjects-held", number=found.number)
    return render(request, "subjects/held.html", {
        "r": found, "may_work": scope_for(request.user).may_work_subject_request(found), "plan": plan,
        "refuse_form": refuse_form, "complete_form": complete_form, "days_left": selectors.days_left(found),
        "link": selectors.record_links(user=request.user, requests=[found]).get(found.number, ""),
    }, status=status)  # fmt: skip
