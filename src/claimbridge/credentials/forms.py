from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from claimbridge.core.widgets import IsoDateInput, IsoDateTimeInput
from claimbridge.credentials import services

EDUCATION = [("secondary", _("secondary school")), ("college", _("college")), ("university", _("university or higher"))]
EQUIPMENT = [("uniform", _("uniform")), ("work_card", _("work card")), ("vest", _("reflective vest")),
             ("survey_tools", _("survey tools"))]  # fmt: skip
CITIES = [("621200", _("Longnan")), ("620500", _("Tianshui"))]


def _checked(check: Callable[[], Any]) -> Any:
    """A field checked by the register's own rule (the service's, which uses the kernel): its refusal, as the
    field's error, so that the form shows every refusal at once, each next to its field."""
    from claimbridge.core.errors import AppError

    try:
        return check()
    except AppError as refused:
        raise forms.ValidationError(refused.message, code=refused.code) from None


class AdjusterForm(forms.Form):
    """What a company submits for one adjuster (R4, R5). Sex and age are not asked (decision 0002). Each field is
    checked here by the same rule the service applies again (phone, ID number and its uniqueness in the register,
    plate, licence validity, portrait), so that every refusal shows at once; a portrait that passed is held under
    `photo_token` while the rest is corrected."""

    full_name = forms.CharField(label=_("Full name"), max_length=40)
    photo = forms.FileField(
        label=_("Photo for the card (head and shoulders)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/heic,image/webp"}),
    )
    photo_token = forms.CharField(required=False, widget=forms.HiddenInput, max_length=300)
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

    def __init__(self, *args: Any, user: Any, accounts: list[tuple[str, str]] | None = None,
                 editing_pk: int | None = None, **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.user, self.editing_pk = user, editing_pk
        self.portrait: bytes | None = None  # the chosen photo as the kernel re-encoded it, once it passed
        if accounts is None:
            del self.fields["account"]  # correcting a submission keeps its account
        else:
            self.fields["account"].choices = [("", _("— none —")), *accounts]  # type: ignore[attr-defined]

    def clean_phone(self) -> Any:
        return _checked(lambda: services.phone_clean(self.cleaned_data["phone"]))

    def clean_id_number(self) -> Any:
        return _checked(lambda: services.id_number_clean(self.cleaned_data["id_number"], exclude_pk=self.editing_pk))

    def clean_vehicle_plate(self) -> Any:
        return _checked(lambda: services.plate_clean(self.cleaned_data["vehicle_plate"]))

    def clean_licence_expiry(self) -> Any:
        return _checked(lambda: services.licence_expiry_clean(self.cleaned_data["licence_expiry"]))

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if photo:
            self.portrait = _checked(lambda: services.portrait_check(photo))
            photo.seek(0)
        return photo

    def clean_photo_token(self) -> Any:
        token = self.cleaned_data.get("photo_token", "")
        if token and not self.files.get("photo"):
            try:
                _checked(lambda: services.pending_portrait(user=self.user, token=token))
            except forms.ValidationError as gone:
                self.add_error("photo", gone)
                return ""
        return token

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
