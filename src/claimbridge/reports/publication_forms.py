"""The associations' forms for the progress report (R19): a draft for a period, the texts, a correction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from claimbridge.core.errors import in_current_language
from claimbridge.reports.public_tables import period_label
from claimbridge.reports.publication import REASON_MAX, TEXT_MAX


def _text(label: Any, rows: int = 4) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": rows}))  # fmt: skip


class TextsForm(forms.Form):
    summary_zh = _text(_("Summary (Chinese)"))
    summary_en = _text(_("Summary (English)"))
    highlights_zh = _text(_("Highlights (Chinese), one per line"))
    highlights_en = _text(_("Highlights (English), one per line"))


def period_value(kind: str, start: date) -> str:
    return f"{kind}:{start:%Y-%m}"


class DraftForm(TextsForm):
    period = forms.ChoiceField(label=_("Period"))

    field_order = ["period", "summary_zh", "summary_en", "highlights_zh", "highlights_en"]

    def __init__(self, *args: Any, periods: list[tuple[str, date]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(period_value(kind, start), in_current_language(*period_label(kind, start)))
                         for kind, start in periods]  # fmt: skip

    def cleaned_period(self) -> tuple[str, date]:
        kind, month = str(self.cleaned_data["period"]).split(":")
        year, number = (int(part) for part in month.split("-"))
        return kind, date(year, number, 1)


class EditForm(TextsForm):
    refresh_figures = forms.BooleanField(label=_("Compute the figures again from today's data"), required=False)


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("Why the report is corrected"), max_length=REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    refresh_figures = forms.BooleanField(label=_("Compute the figures again from today's data"), required=False)
