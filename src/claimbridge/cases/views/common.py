"""What the case pages share: refusals shown next to their field, the saved message, the agreement download."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext

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


def agreement_response(case: Any) -> Any:  # a FileResponse
    if not case.agreement_name or not default_storage.exists(case.agreement_name):  # erased: decision 0028
        raise Http404
    response = FileResponse(default_storage.open(case.agreement_name, "rb"), content_type="application/pdf",
                            as_attachment=True, filename=f"agreement-{case.number}.pdf")  # fmt: skip
    response["Cache-Control"] = "private, no-store"
    return response
