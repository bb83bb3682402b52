"""The forms of the "my data" pages (decision 0030): a correction or a deletion asked by the person, a request worked
by the holder's staff. The services check everything again; the forms only shape the page. A creating form carries
the page's hidden key (`web.once.form_key`), drawn by the template."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from claimbridge.subjects.vocabulary import CORRECTION_MAX, FIELDS, NOTE_MAX, REASON_MAX


def _field_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for fields in FIELDS.values():
        for code, text in fields.items():
            seen.setdefault(code, text.zh)
    return list(seen.items())


class CorrectionForm(forms.Form):
    record = forms.ChoiceField(label=_("Which record"))
    field = forms.ChoiceField(label=_("What is wrong"), choices=_field_choices)
    correction = forms.CharField(label=_("What it should say"), max_length=CORRECTION_MAX)
    note = forms.CharField(label=_("Note (optional)"), max_length=NOTE_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args: Any, records: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = records  # type: ignore[attr-defined]


class DeletionForm(forms.Form):
    record = forms.ChoiceField(label=_("Which record"))
    note = forms.CharField(label=_("Why (optional)"), max_length=NOTE_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args: Any, records: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = records  # type: ignore[attr-defined]


class RefuseForm(forms.Form):
    reason_zh = forms.CharField(label=_("Reason (Chinese)"), max_length=REASON_MAX)
    reason_en = forms.CharField(label=_("Reason (English, optional)"), max_length=REASON_MAX, required=False)


class CompleteForm(forms.Form):
    resolution = forms.CharField(label=_("What was done"), max_length=NOTE_MAX, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


def show(form: forms.Form, error: Any) -> None:
    """A refusal next to the field it names, or above the form."""
    if error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
    else:
        form.add_error(None, error.message)
