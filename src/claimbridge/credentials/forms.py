from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claimbridge.core.widgets import IsoDateInput, IsoDateTimeInput

EDUCATION = [("secondary", _("secondary school")), ("college", _("college")), ("university", _("university or higher"))]
EQUIPMENT = [("uniform", _("uniform")), ("work_card", _("work card")), ("vest", _("reflective vest")),
             ("survey_tools", _("survey tools"))]  # fmt: skip
CITIES = [("621200", _("Longnan")), ("620500", _("Tianshui"))]


class AdjusterForm(forms.Form):
    """What a company submits for one adjuster (R4, R5). Sex and age are not asked (decision 0002). The service
    checks everything again (services.clean_details and the rest): this form only shapes the page."""

    full_name = forms.CharField(label=_("Full name"), max_length=40)
    photo = forms.FileField(
        label=_("Photo for the card (head and shoulders)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/heic,image/webp"}),
    )
    id_number = forms.CharField(label=_("Resident ID number"), max_length=18)
    phone = forms.CharField(label=_("Mobile"), max_length=20)
    city = forms.ChoiceField(label=_("City"), choices=CITIES)
    account = forms.ChoiceField(label=_("The adjuster's platform account (to log stops)"), required=False)
    education = forms.ChoiceField(label=_("Education"), choices=EDUCATION)
    mandarin = forms.CharField(label=_("Mandarin level"), max_length=10)
    licence_class = forms.CharField(label=_("Driving licence class"), max_length=6)
    licence_expiry = forms.DateField(label=_("Driving licence valid until"), widget=IsoDateInput())
    training = forms.CharField(
        label=_("Training (one course per line)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    knows_both_regions = forms.BooleanField(label=_("Knows the roads and offices of both cities"), required=False)
    vehicle_plate = forms.CharField(label=_("Survey vehicle plate"), max_length=12)
    vehicle_marked = forms.BooleanField(label=_("Vehicle carries the 警保联动 marking"), required=False)
    equipment = forms.MultipleChoiceField(
        label=_("Equipment"), choices=EQUIPMENT, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, accounts: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if accounts is None:
            del self.fields["account"]  # correcting a submission keeps its account
        else:
            self.fields["account"].choices = [("", _("— none —")), *accounts]  # type: ignore[attr-defined]

    def clean_licence_expiry(self) -> Any:
        expiry = self.cleaned_data["licence_expiry"]
        if expiry < timezone.localdate():
            raise forms.ValidationError(_("The driving licence has expired."))
        return expiry

    def details(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"education": data["education"], "mandarin": data["mandarin"], "licence_class": data["licence_class"],
                "licence_expiry": data["licence_expiry"].isoformat(),
                "training": [line.strip() for line in data["training"].splitlines() if line.strip()],
                "knows_both_regions": data["knows_both_regions"], "vehicle_plate": data["vehicle_plate"],
                "vehicle_marked": data["vehicle_marked"], "equipment": data["equipment"]}  # fmt: skip


class StopForm(forms.Form):
    at = forms.DateTimeField(label=_("When"), widget=IsoDateTimeInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=[("accident", _("accident")), ("breakdown", _("breakdown"))])
    county = forms.ChoiceField(label=_("County"), required=False)
    credential_shown = forms.BooleanField(label=_("I showed my work card and the claims guide"), required=False)
    customer_consented = forms.BooleanField(label=_("The customer agreed to my help"), required=False)
    services = forms.MultipleChoiceField(label=_("What I did"), required=False, widget=forms.CheckboxSelectMultiple)
    customer_insurer = forms.ChoiceField(label=_("The customer's insurer"), required=False)
    case_number = forms.CharField(label=_("Case number, if there is one"), max_length=24, required=False)

    def __init__(
        self, *args: Any, insurers: list[tuple[str, str]], counties: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        from claimbridge.credentials.models import ServiceStop

        super().__init__(*args, **kwargs)
        self.fields["services"].choices = ServiceStop.Service.choices  # type: ignore[attr-defined]
        self.fields["customer_insurer"].choices = [("", _("— not known —")), *insurers]  # type: ignore[attr-defined]
        self.fields["county"].choices = [("", _("— choose —")), *counties]  # type: ignore[attr-defined]
