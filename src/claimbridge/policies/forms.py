from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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
    at = forms.DateTimeField(
        label=_("At"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean() or {}
        if not data.get("plate") and not data.get("vin"):
            raise forms.ValidationError(_("Give a plate number or a VIN."))
        return data
