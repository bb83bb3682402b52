from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from claimbridge.core.forms import OnceForm


class PoliceFileForm(OnceForm):
    file = forms.FileField(label=_("Accident records file (CSV or Excel .xlsx)"))

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload
