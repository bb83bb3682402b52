from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claimbridge.core.errors import AppError
from claimbridge.core.inputs import plausible_accident_time
from claimbridge.core.widgets import IsoDateTimeInput
from claimbridge.organisations.models import Insurer


class EvidenceFileForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    accident_at = forms.DateTimeField(label=_("Accident time"), required=False,
                                      widget=IsoDateTimeInput())  # fmt: skip
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    crs = forms.ChoiceField(
        label=_("Coordinates from"), choices=[("gcj02", _("A Chinese map (GCJ-02)")), ("wgs84", _("GPS (WGS-84)"))]
    )
    insurers = forms.ModelMultipleChoiceField(
        label=_("Insurers involved"), queryset=Insurer.objects.filter(is_active=True), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def clean_accident_at(self) -> Any:
        value = self.cleaned_data.get("accident_at")
        if value is None:
            return value
        try:
            return plausible_accident_time(value)  # not in the future, not decades ago
        except AppError as refused:
            raise forms.ValidationError(refused.message) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."))
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        accident_at = data.get("accident_at")
        if accident_at is not None and timezone.is_naive(accident_at):
            accident_at = timezone.make_aware(accident_at)
        return {
            "title": data["title"], "accident_at": accident_at, "latitude": data.get("latitude"),
            "longitude": data.get("longitude"), "crs": data["crs"], "insurers": list(data["insurers"]),
        }  # fmt: skip


class UploadForm(forms.Form):
    slot = forms.CharField(max_length=32)
    party = forms.CharField(max_length=2, required=False)
    file = forms.FileField(label=_("Photo or video"))
    upload_key = forms.CharField(max_length=80, required=False)
