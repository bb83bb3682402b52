from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Your mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    sms_code = forms.CharField(label=_("Code sent to your mobile"), max_length=6, required=False,
                               widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))  # fmt: skip


class JoinForm(PhoneForm):
    join_code = forms.CharField(label=_("Join code (from the other driver's phone)"), max_length=8)
    field_order = ["join_code", "phone", "sms_code"]


class StartForm(forms.Form):
    county = forms.ChoiceField(label=_("Where did it happen?"))
    accident_at = forms.DateTimeField(label=_("When?"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    plate = forms.CharField(label=_("Your plate number"), max_length=12)
    insurer = forms.ChoiceField(label=_("Your insurer"), required=False)

    def __init__(
        self,
        *args: object,
        counties: list[tuple[str, list[tuple[str, str]]]],
        insurers: list[tuple[str, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["county"].choices = [("", _("— choose —")), *counties]  # type: ignore[attr-defined]
        self.fields["insurer"].choices = [("", _("— choose —")), *insurers]  # type: ignore[attr-defined]

    def clean_plate(self) -> str:
        from claimbridge.rules.identifiers import check_plate

        plate = check_plate(self.cleaned_data["plate"])
        if not plate.valid:
            raise forms.ValidationError(_("This is not a valid plate number."))
        return plate.normalized


class PartyDetailsForm(forms.Form):
    """What each driver enters on their own phone, checked by the rules kernel as they submit."""

    driver_name = forms.CharField(label=_("Driver's name"), max_length=40)
    driver_licence = forms.CharField(label=_("Driving licence number (resident ID number)"), max_length=18)
    plate = forms.CharField(label=_("Plate number"), max_length=12)
    vin = forms.CharField(label=_("VIN, if you have it"), max_length=17, required=False)

    def clean_driver_licence(self) -> str:
        from claimbridge.rules.identifiers import check_id_number

        value = self.cleaned_data["driver_licence"].strip().upper()
        if not check_id_number(value).valid:
            raise forms.ValidationError(_("This is not a valid resident ID number."))
        return value

    def clean_plate(self) -> str:
        from claimbridge.rules.identifiers import check_plate

        plate = check_plate(self.cleaned_data["plate"])
        if not plate.valid:
            raise forms.ValidationError(_("This is not a valid plate number."))
        return plate.normalized

    def clean_vin(self) -> str:
        from claimbridge.rules.identifiers import check_vin

        value = self.cleaned_data["vin"].strip()
        if not value:
            return ""
        vin = check_vin(value)
        if not vin.valid:
            raise forms.ValidationError(_("This VIN is not valid: check the 17 characters (the 9th is a check digit)."))
        return vin.normalized
