"""Evidence pages: the files a user may see, and a file's gallery with slots, uploads, flags and reuse signals."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claimbridge.accounts.roles import EVIDENCE_ROLES, REUSE_ROLES
from claimbridge.core.errors import AppError
from claimbridge.evidence import downloads, selectors, services
from claimbridge.evidence.forms import EvidenceFileForm, UploadForm
from claimbridge.web.access import roles_required


@roles_required(EVIDENCE_ROLES)
@require_http_methods(["GET", "POST"])
def file_list(request: HttpRequest) -> HttpResponse:
    can_create = selectors.may_create(user=request.user)
    form = EvidenceFileForm(request.POST or None)
    if request.method == "POST":
        if not can_create:
            raise PermissionDenied
        if form.is_valid():
            try:
                evidence_file = services.evidence_file_create(user=request.user, **form.service_arguments())
            except AppError as refused:
                form.add_error(refused.field if refused.field in form.fields else None, refused.message)
            else:
                return redirect("evidence-file", reference=evidence_file.reference)
    files = selectors.evidence_file_list_for_user(user=request.user)[:200]
    return render(request, "evidence/file_list.html", {"files": files, "form": form, "can_create": can_create},
                  status=422 if form.errors else 200)  # fmt: skip


def _gallery_context(request: HttpRequest, evidence_file: Any) -> dict[str, Any]:
    views = selectors.slot_views(evidence_file)
    items = [item for view in views for item in view.items]
    matches = selectors.matches_for_items(user=request.user, items=items)
    flags = {item.pk: selectors.item_flags(item) for item in items}
    return {
        "file": evidence_file, "slots": views, "matches": matches, "flags": flags,
        "missing": [view for view in views if view.missing],
        "can_upload": selectors.may_upload(user=request.user, evidence_file=evidence_file),
    }  # fmt: skip


@roles_required(EVIDENCE_ROLES)
@require_GET
def file_detail(request: HttpRequest, reference: str) -> HttpResponse:
    evidence_file = selectors.evidence_file_get_for_user(user=request.user, reference=reference)
    if evidence_file is None:
        raise Http404
    return render(request, "evidence/file_detail.html", _gallery_context(request, evidence_file))


@login_required
@require_POST
def upload(request: HttpRequest, reference: str) -> HttpResponse:
    evidence_file = selectors.evidence_file_get_for_user(user=request.user, reference=reference)
    if evidence_file is None:
        raise Http404
    if not selectors.may_upload(user=request.user, evidence_file=evidence_file):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES)
    error = None
    if form.is_valid():
        try:
            services.evidence_item_upload(
                user=request.user, evidence_file=evidence_file, slot_code=form.cleaned_data["slot"],
                party=form.cleaned_data["party"], upload=form.cleaned_data["file"],
                upload_key=form.cleaned_data["upload_key"],
            )  # fmt: skip
        except AppError as refused:
            error = refused.message
    else:
        error = _("Choose a photo or video to upload.")
    if request.headers.get("HX-Request") or error:  # a refusal is answered on the page itself, with 422
        context = _gallery_context(request, evidence_file) | {
            "upload_error": error,
            "error_slot": request.POST.get("slot_key"),
        }
        template = "evidence/_gallery.html" if request.headers.get("HX-Request") else "evidence/file_detail.html"
        return render(request, template, context, status=422 if error else 200)
    messages.success(request, _("Uploaded."))
    return redirect("evidence-file", reference=reference)


@login_required
@require_GET
def original(request: HttpRequest, item_id: int) -> FileResponse:
    return downloads.original_response(request, item_id)


@login_required
@require_GET
def derived(request: HttpRequest, item_id: int, which: str) -> FileResponse:
    return downloads.derived_response(request, item_id, which)


@roles_required(REUSE_ROLES)
@require_GET
def reuse_signals(request: HttpRequest) -> HttpResponse:
    """The anti-fraud committee's list: every photo found in two evidence files, both named (R20)."""
    matches = selectors.reuse_matches_for_committee(user=request.user)
    return render(request, "evidence/reuse.html", {"matches": matches[:500]})


@roles_required(REUSE_ROLES)
@require_GET
def reuse_picture(request: HttpRequest, match_id: int) -> HttpResponse:
    """The two photos of one signal side by side with the matched points drawn (issue 14): for a person to judge."""
    return downloads.match_picture_response(request, match_id)
