"""The anti-fraud pages: the adjuster files a clue on the phone at the scene and follows its outcome and rewards;
the committee works its queue on the desk; an insurer answers the requests for its files and records rewards paid
(R11, R20, R15).

Views parse and present; every write is a service that asks the scope whether this user may make this change. The
clue form carries a hidden key, so a double tap files one clue (`core.idempotency.run_once`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from claimbridge.accounts.models import Role
from claimbridge.core.errors import AppError
from claimbridge.core.idempotency import fingerprint_of, run_once
from claimbridge.fraud import forms, selectors, services
from claimbridge.web.access import roles_required
from claimbridge.web.once import form_key, once

FRAUD_ROLES = frozenset({Role.ADJUSTER, Role.INSURER_STAFF, Role.ANTIFRAUD_MEMBER, Role.PLATFORM_ADMIN})


def _show(form: Any, error: AppError) -> None:
    """A refusal next to the field it names: `people[0].phone` is the form's phone, `places[0].name` its repair shop."""
    path = error.field or ""
    name = "repair_shop" if path.startswith("places") else forms.FIELD_OF.get(path.split(".")[-1].split("[")[0])
    form.add_error(name if name in form.fields else None, error.message)


@roles_required(FRAUD_ROLES)
@require_GET
def clue_list(request: HttpRequest) -> HttpResponse:
    """Adjusters: their clues and their rewards month by month (R15); the committee: its queue; insurer staff: the
    clues whose files were asked of their company, and the rewards it owes."""
    state = request.GET.get("state", "")[:24]
    role = getattr(request.user, "role", None)
    context = {
        "clues": selectors.clue_queue_for_user(user=request.user, state=state)
        if role != Role.ADJUSTER else selectors.clue_list_for_user(user=request.user)[:100],
        "state": state, "states": selectors.flow.STATES,
        "months": selectors.rewards_by_month_for_adjuster(user=request.user)
        if role == Role.ADJUSTER else [],
        "owed": list(selectors.rewards_owed_by_company(user=request.user)[:100]),
    }  # fmt: skip
    return render(request, "fraud/list.html", context)


@roles_required(frozenset({Role.ADJUSTER}))
@require_http_methods(["GET", "POST"])
def clue_new(request: HttpRequest) -> HttpResponse:
    """The phone at the scene: one screen, sent at once to the committee."""
    from claimbridge.credentials import selectors as credential_selectors
    from claimbridge.organisations import selectors as organisation_selectors

    counties = [(c.code, c.display_name) for c in organisation_selectors.county_list()]
    stops = [(s.pk, f"{timezone.localtime(s.at):%m-%d %H:%M} {s.county.display_name if s.county else ''}")
             for s in credential_selectors.stop_list_for_user(user=request.user)[:20]]  # fmt: skip
    initial = {"stop": request.GET.get("stop", ""), "case": request.GET.get("case", "")[:24]}
    form = forms.ClueForm(request.POST or None, request.FILES or None, counties=counties, stops=stops, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            arguments = form.service_arguments()
            uploads = request.FILES.getlist("photos")

            def work() -> tuple[int, dict[str, Any]]:
                clue = services.clue_create(user=request.user, submit=True, photos=uploads, **arguments)
                return 201, {"number": clue.number}

            fingerprint = fingerprint_of({"fields": arguments, "files": [(u.name, u.size) for u in uploads]})
            try:
                _status, answer, _replayed = run_once(scope=f"user:{request.user.pk}:fraud.web.clue", key=form.key,
                                                      work=work, fingerprint=fingerprint)  # fmt: skip
            except AppError as refused:
                _show(form, refused)
                status = refused.status
            else:
                messages.success(request, gettext("The clue was sent to the anti-fraud committee."))
                return redirect(reverse("fraud-clue", args=[answer["number"]]))
    lost = request.method == "POST" and bool(request.FILES.getlist("photos"))  # a re-shown form keeps no file
    return render(request, "fraud/new.html", {"form": form, "photos_lost": lost}, status=status)


OPERATIONS = ("step", "assign", "note", "request", "answer", "addendum", "link", "pay", "photo")


@roles_required(FRAUD_ROLES)
@require_http_methods(["GET", "POST"])
def clue_detail(request: HttpRequest, number: str) -> HttpResponse:
    clue = selectors.clue_get_for_user(user=request.user, number=number)
    if clue is None:
        raise Http404
    if request.method == "POST":
        operation = request.POST.get("op", "")

        def work() -> dict[str, Any]:
            _operate(request, clue, operation)
            return {"done": operation}

        try:  # the page's forms carry its key: a double tap adds one note, one request, one photo
            once(request, f"{clue.number}.{operation}", work, app="fraud")
        except AppError as refused:
            messages.error(request, refused.message)
            if refused.status in {403, 404}:
                return render(request, "refused.html", {"error": refused}, status=refused.status)
        else:
            messages.success(request, gettext("Saved."))
        return redirect(reverse("fraud-clue", args=[clue.number]))
    view = selectors.clue_view(user=request.user, clue=clue)
    context = {"view": view, "clue": clue, "assign_form": forms.AssignForm(),
               "step_form": forms.StepForm(underwriters=selectors.underwriter_choices(clue)),
               "note_form": forms.NoteForm(), "request_form": forms.RequestForm(insurers=selectors.insurer_choices()),
               "addendum_form": forms.AddendumForm(), "link_form": forms.LinkForm(),
               "payment_form": forms.PaymentForm(), "settings_months": selectors.recent_months(),
               "may_pay": selectors.may_record_payment(user=request.user, reward=view.reward),
               "form_key": form_key(request)}  # fmt: skip
    return render(request, "fraud/detail.html", context)


def _invalid(form: Any) -> AppError:
    field, problems = next(iter(form.errors.items()))
    return AppError("invalid_input", str(problems[0]), str(problems[0]), field=field)


def _operate(request: HttpRequest, clue: Any, operation: str) -> None:
    user, post = request.user, request.POST
    form: Any
    if operation == "step":
        form = forms.StepForm(post, underwriters=selectors.underwriter_choices(clue))
        if not form.is_valid():
            raise _invalid(form)
        data = form.cleaned_data
        services.clue_move(user=user, clue=clue, action=data["action"], reasons=data["reasons"],
                           amount_saved=data["amount_saved"], underwriter_code=data["underwriter"])  # fmt: skip
    elif operation == "assign":
        form = forms.AssignForm(post)
        if not form.is_valid():
            raise _invalid(form)
        services.clue_assign(user=user, clue=clue, assignee_username=form.cleaned_data["assignee"])
        if form.cleaned_data["deadline"]:
            services.clue_set_deadline(user=user, clue=clue, deadline=form.cleaned_data["deadline"])
    elif operation == "note":
        form = forms.NoteForm(post)
        if not form.is_valid():
            raise _invalid(form)
        services.clue_note(user=user, clue=clue, text=form.cleaned_data["text"])
    elif operation == "request":
        form = forms.RequestForm(post, insurers=selectors.insurer_choices())
        if not form.is_valid():
            raise _invalid(form)
        data = form.cleaned_data
        services.file_request_create(user=user, clue=clue, insurer_code=data["insurer"], question=data["question"],
                                     due=data["due"])  # fmt: skip
    elif operation == "answer":
        form = forms.AnswerForm(post)
        if not form.is_valid():
            raise _invalid(form)
        asked = selectors.file_request_get_for_user(user=user, pk=form.cleaned_data["request"])
        if asked is None or asked.clue_id != clue.pk:
            raise AppError("not_found", "没有找到该调取请求", "No such request", status=404)
        services.file_request_answer(user=user, request=asked, answer=form.cleaned_data["answer"],
                                     files=request.FILES.getlist("files"))  # fmt: skip
    elif operation == "addendum":
        form = forms.AddendumForm(post)
        if not form.is_valid():
            raise _invalid(form)
        data = form.cleaned_data
        people = ([{"role": data["person_role"], "name": data["person_name"], "phone": data["person_phone"]}]
                  if data["person_role"] else [])  # fmt: skip
        services.addendum_add(user=user, clue=clue, text=data["text"], people=people,
                              vehicles=[{"plate": data["plate"]}] if data["plate"] else [])  # fmt: skip
    elif operation == "photo":
        upload = request.FILES.get("photo")
        if upload is None:
            raise AppError("no_file", "请选择照片或视频", "Choose a photo or video", field="photo")
        services.clue_photo_add(user=user, clue=clue, upload=upload)
    elif operation == "link":
        form = forms.LinkForm(post)
        if not form.is_valid():
            raise _invalid(form)
        into = selectors.clue_get_for_user(user=user, number=form.cleaned_data["into"])
        if into is None:
            raise AppError("not_found", "没有找到该线索", "No such clue", status=404, field="into")
        services.clue_link(user=user, clue=clue, into=into)
    elif operation == "pay":
        form = forms.PaymentForm(post)
        reward = selectors.reward_of(clue)
        if not form.is_valid() or reward is None:
            raise AppError("invalid_input", "请填写支付凭证号", "Give the payment reference", field="reference")
        services.reward_record_payment(user=user, reward=reward, reference=form.cleaned_data["reference"])
    else:
        raise AppError("unknown_operation", "未知操作", "Unknown operation", field="op")
