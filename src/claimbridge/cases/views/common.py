"""What the case pages share: refusals shown next to their field, the saved message, the agreement download."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext

from claimbridge.cases.agreement import agreement_kept
from claimbridge.core.errors import AppError


def show_refusal(request: HttpRequest, form: forms.Form | None, error: AppError) -> bool:
    """A refusal next to the field it is about when the form has that field (True); otherwise above the form, among
    the form's own errors, or as a message when there is no form (False)."""
    field = error.field.split(".")[0].split("[")[0] if error.field else ""
    if form is not None and field in form.fields and field not in form.errors:
        form.add_error(field, error.message)
        return True
    if form is not None:
        form.add_error(None, error.message)
    else:
        messages.error(request, error.message)
    return False


def saved() -> str:
    return gettext("Saved.")


AGREEMENT_FIELDS = ("cases.CaseParty.driver_name", "driver_licence", "driver_phone", "confirmed_name")


def agreement_response(case: Any, *, request: HttpRequest, party_label: str = "") -> Any:  # a FileResponse
    """The 协议书 as a download: it names every party with their licence and mobile, so each download is an access
    record (issue 20) — by the signed-in user, or by a party's phone (`party_label`, no account)."""
    from claimbridge.accesslog.services import Action, access_record, download_purpose

    if not agreement_kept(case):  # never made, or erased (decision 0028)
        raise Http404
    user = request.user if getattr(request.user, "is_authenticated", False) else None
    purpose, note = download_purpose(user, request.GET) if user is not None else ("own_case", "")
    access_record(actor=user, actor_label=f"phone:{party_label}" if user is None and party_label else "",
                  action=Action.ORIGINAL_DOWNLOADED, what=AGREEMENT_FIELDS, purpose=purpose, note=note, case=case,
                  party_label=party_label, object_ref=f"cases.agreement:{case.number}")  # fmt: skip
    response = FileResponse(default_storage.open(case.agreement_name, "rb"), content_type="application/pdf",
                            as_attachment=True, filename=f"agreement-{case.number}.pdf")  # fmt: skip
    response["Cache-Control"] = "private, no-store"
    return response
