"""The forms of the "my data" pages (decision 0030): a correction or a deletion asked by the person, a request worked
by the holder's staff. The services check everything again; the forms only shape the page. A creating form carries
the page's hidden key (`web.once.form_key`), drawn by the template."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from claimbridge.subjects.vocabulary import CORRECTION_MAX, NOTE_MAX, REASON_MAX


class CorrectionForm(forms.Form):
    """One held item (a record and one of its fields, grouped by record), the value it should hold, an optional
    reason. The services check the value as the owning app does; their errors land next to the field they name."""

    item = forms.ChoiceField(label=_("What is wrong"), error_messages={"required": _("Choose what is to be corrected."),
                             "invalid_choice": _("Choose what is to be corrected.")})  # fmt: skip
    correction = forms.CharField(label=_("What it should say"), max_length=CORRECTION_MAX,
                                 error_messages={"required": _("Write what it should say.")})  # fmt: skip
    note = forms.CharField(label=_("Why (optional)"), max_length=NOTE_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args: Any, items: list[tuple[str, list[tuple[str, str]]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("Choose…")), *items]  # type: ignore[attr-defined]

    def request_arguments(self) -> dict[str, str]:
        record, _bar, field = self.cleaned_data["item"].partition("|")
        return {"record": record, "field": field, "correction": self.cleaned_data["correction"],
                "note": self.cleaned_data.get("note", "")}  # fmt: skip


class DeletionForm(forms.Form):
    record = forms.ChoiceField(label=_("Which record"), error_messages={"required": _("Choose the record."),
                               "invalid_choice": _("Choose the record.")})  # fmt: skip
    note = forms.CharField(label=_("Why (optional)"), max_length=NOTE_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args: Any, records: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = [("", _("Choose…")), *records]  # type: ignore[attr-defined]

    def request_arguments(self) -> dict[str, str]:
        return {"record": self.cleaned_data["record"], "field": "", "correction": "",
                "note": self.cleaned_data.get("note", "")}  # fmt: skip


class RefuseForm(forms.Form):
    """The decision note of a refusal: what the person reads. Required — the service says so, next to the field, in
    the same words as the API."""

    reason_zh = forms.CharField(label=_("Reason the person reads (Chinese, required)"), max_length=REASON_MAX,
                                required=False, widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    reason_en = forms.CharField(label=_("Reason in English (optional)"), max_length=REASON_MAX, required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class CompleteForm(forms.Form):
    resolution = forms.CharField(label=_("Note to the person: what was done"), max_length=NOTE_MAX, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args: Any, required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if required:
            self.fields["resolution"].label = _("Note to the person: what was done (required)")


def show(form: forms.Form, error: Any) -> None:
    """A refusal next to the field it names, or above the form."""
    name = error.field
    if isinstance(form, CorrectionForm) and name in ("record", "field"):
        name = "item"
    if name and name in form.fields:
        form.add_error(name, error.message)
    else:
        form.add_error(None, error.message)
