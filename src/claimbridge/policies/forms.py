from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claimbridge.core.widgets import IsoDateTimeInput
from claimbridge.policies.rows import CHINA, EARLIEST, LATEST, plausible


class PolicyFileForm(forms.Form):
    file = forms.FileField(label=_("Policy file (CSV or Excel .xlsx)"))

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


class LookupForm(forms.Form):
    plate = forms.CharField(label=_("Plate number"), max_length=12, required=False)
    vin = forms.CharField(label=_("VIN"), max_length=17, required=False)
    at = forms.DateTimeField(label=_("At"), required=False, widget=IsoDateTimeInput())

    def clean_at(self):  # type: ignore[no-untyped-def]
        at = self.cleaned_data.get("at")
        if at is None:
            return None
        if timezone.is_naive(at):
            at = at.replace(tzinfo=CHINA)
        if not plausible(at):
            raise forms.ValidationError(
                _("Ask about a moment between %(first)s and %(last)s."),
                params={"first": EARLIEST.year, "last": LATEST.year - 1},
            )
        return at

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean() or {}
        if not data.get("plate") and not data.get("vin"):
            raise forms.ValidationError(_("Give a plate number or a VIN."))
        return data
