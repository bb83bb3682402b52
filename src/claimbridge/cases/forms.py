from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from claimbridge.cases.vocabulary import CollisionForm, CollisionPart, Damage, VehicleType, Weather
from claimbridge.core.errors import AppError
from claimbridge.core.forms import OnceForm, YuanField
from claimbridge.core.widgets import IsoDateTimeInput
from claimbridge.privacy.forms import ConsentForm


def checked_plate(value: str) -> str:
    """The plate as the kernel writes it, or the error the driver sees; empty stays empty (optional fields)."""
    from claimbridge.rules.identifiers import check_plate

    if not value:
        return ""
    plate = check_plate(value)
    if not plate.valid:
        raise forms.ValidationError(_("This is not a valid plate number."))
    return plate.normalized


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Your mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    sms_code = forms.CharField(label=_("Code sent to your mobile"), max_length=6, required=False,
                               widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))  # fmt: skip


class JoinForm(ConsentForm, PhoneForm):
    """The consent box is needed to join (issue 20), not to have the code sent."""

    join_code = forms.CharField(label=_("Join code (from the other driver's phone)"), max_length=8)
    field_order = ["join_code", "phone", "sms_code"]

    def __init__(self, *args: Any, joining: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consent_needed = joining


def plausible_time(value: Any) -> Any:
    """An accident time that has happened, recently enough to be reported now (core.inputs), as a form error."""
    from claimbridge.core.inputs import plausible_accident_time

    try:
        return plausible_accident_time(value)
    except AppError as refused:
        raise forms.ValidationError(refused.message) from None


def county_from_place(form: forms.Form, data: dict[str, Any], crs: str) -> None:
    """The county from the place when one was given inside the two cities (the one point → county rule), the county
    picked otherwise; a form error next to the county when there is neither."""
    from claimbridge.rulebook.services import county_code_at

    choices = form.fields["county"].choices  # type: ignore[attr-defined]
    valid = {code for _city, options in choices for code, _name in (options if isinstance(options, list) else [])}
    found = county_code_at(data.get("latitude"), data.get("longitude"), crs)
    if found in valid:
        data["county"] = found


class StartForm(ConsentForm, OnceForm):
    """Who and where, with the consent the case needs (issue 20: recorded with the case)."""

    county = forms.ChoiceField(label=_("Where did it happen?"), required=False)
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    accident_at = forms.DateTimeField(label=_("When?"), widget=IsoDateTimeInput())
    plate = forms.CharField(label=_("Your plate number"), max_length=12)
    insurer = forms.ChoiceField(label=_("Your insurer"), required=False)

    def __init__(
        self,
        *args: object,
        counties: list[tuple[str, list[tuple[str, str]]]],
        insurers: list[tuple[str, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", _("— choose —")), *counties]  # type: ignore[attr-defined]
        self.fields["insurer"].choices = [("", _("— choose —")), *insurers]  # type: ignore[attr-defined]

    def clean_plate(self) -> str:
        return checked_plate(self.cleaned_data["plate"])

    def clean_accident_at(self) -> Any:
        return plausible_time(self.cleaned_data["accident_at"])

    def clean(self) -> dict[str, Any]:
        """The phone's position (GPS: WGS-84) decides the county when it lies in the two cities; otherwise the county
        picked."""
        data = super().clean() or {}
        county_from_place(self, data, "wgs84")
        if not data.get("county"):
            self.add_error("county", _("Choose the county, or let the phone find it."))
        return data


class PartyDetailsForm(forms.Form):
    """What each driver enters on their own phone, checked by the rules kernel as they submit."""

    driver_name = forms.CharField(label=_("Driver's name"), max_length=40)
    driver_licence = forms.CharField(label=_("Driving licence number (resident ID number)"), max_length=18)
    plate = forms.CharField(label=_("Plate number"), max_length=12)
    vin = forms.CharField(label=_("VIN, if you have it"), max_length=17, required=False)
    vehicle_type = forms.ChoiceField(label=_("Vehicle type"), choices=VehicleType.choices)
    collision_part = forms.ChoiceField(label=_("Where was your vehicle hit?"), choices=CollisionPart.choices)
    driver_licensed = forms.BooleanField(label=_("I hold a valid driving licence for this vehicle"), required=False)
    inspection_valid = forms.BooleanField(label=_("The vehicle's inspection is valid"), required=False)
    impairment_free = forms.BooleanField(label=_("I have not had alcohol or drugs"), required=False)

    def clean_driver_licence(self) -> str:
        from claimbridge.rules.identifiers import check_id_number

        value = self.cleaned_data["driver_licence"].strip().upper()
        if not check_id_number(value).valid:
            raise forms.ValidationError(_("This is not a valid resident ID number."))
        return value

    def clean_plate(self) -> str:
        return checked_plate(self.cleaned_data["plate"])

    def clean_vin(self) -> str:
        from claimbridge.rules.identifiers import check_vin

        value = self.cleaned_data["vin"].strip()
        if not value:
            return ""
        vin = check_vin(value)
        if not vin.valid:
            raise forms.ValidationError(_("This VIN is not valid: check the 17 characters (the 9th is a check digit)."))
        return vin.normalized


def _yes_no(label: Any, *, required: bool = True) -> forms.TypedChoiceField:
    """A question asked of the person: nothing is ticked for them, so an answer is always theirs (issue 13). One not
    required may be skipped: then it is None (not known), never No."""
    return forms.TypedChoiceField(label=label, choices=[("no", _("No")), ("yes", _("Yes"))],
                                  coerce=lambda value: value == "yes", widget=forms.RadioSelect, required=required,
                                  empty_value=None)  # fmt: skip


def _yes_no_unknown(label: Any) -> forms.TypedChoiceField:
    """A question a reporter may not be able to answer: left unanswered, the parties answer it on their phones."""
    return forms.TypedChoiceField(label=label, choices=[("", _("not known")), ("no", _("No")), ("yes", _("Yes"))],
                                  coerce=lambda value: value == "yes", empty_value=None, required=False,
                                  widget=forms.RadioSelect, initial="")  # fmt: skip


# Questions the 快处易赔 conditions and the triage need answered about the accident (R2, R14): the parties answer
# them on their phones (FactsForm), a reporter at the scene or on the hotline may answer them too (BackOfficeCaseForm).
FACILITY_DAMAGE = _("Was a road facility damaged (guard rail, sign, light pole, green belt)?")
INTENTIONAL = _("Could anyone have caused the accident on purpose?")
LEFT_SCENE = _("Has a driver involved left the scene?")
SCENE_DIFFICULT = _(
    "Is the scene hard to handle (expressway, tunnel, bridge, middle of a junction, vehicles cannot be moved safely)?"
)
# Asked with them but optional, and no 快处易赔 condition: it feeds only the fraud score's `night_no_witness` (issue
# 16). Not answered is not known: the answer is left out of the facts, never taken for "no".
WITNESSES = _("Were there witnesses (anyone not in the two vehicles who saw it)?")
OPTIONAL_FACTS = ("witnesses",)


class FactsForm(forms.Form):
    """What happened, shared by the parties; every answer feeds the 快处易赔 conditions or the 协议书 (witnesses: the
    协议书 and the fraud score). An optional question skipped is left out of `facts()`, so a stored answer stays."""

    place = forms.CharField(label=_("Where exactly (road, landmark)"), max_length=100, required=False)
    weather = forms.ChoiceField(label=_("Weather"), choices=Weather.choices)
    collision_form = forms.ChoiceField(label=_("Kind of collision"), choices=CollisionForm.choices)
    casualties = _yes_no(_("Was anyone injured or killed?"))
    other_property_damaged = _yes_no(_("Was anyone else's property damaged (a parked car, a shop front, goods)?"))
    facility_damage = _yes_no(FACILITY_DAMAGE)
    non_motor_involved = _yes_no(_("Was a bicycle, pedestrian or third vehicle involved?"))
    witnesses = _yes_no(WITNESSES, required=False)
    vehicles_drivable = forms.TypedChoiceField(label=_("Can both vehicles be driven away?"), choices=[("yes", _("Yes")), ("no", _("No"))],
                                               coerce=lambda value: value == "yes", widget=forms.RadioSelect)  # fmt: skip
    dangerous_goods = _yes_no(_("Was either vehicle carrying dangerous goods?"))
    facts_disputed = _yes_no(_("Do you disagree about what happened?"))
    intentional_suspected = _yes_no(INTENTIONAL)
    party_left_scene = _yes_no(LEFT_SCENE)
    scene_difficult = _yes_no(SCENE_DIFFICULT)
    damage = forms.ChoiceField(label=_("How bad is the damage?"), choices=Damage.choices)
    estimated_loss = YuanField(label=_("Estimated loss, both vehicles (yuan)"))

    def facts(self) -> dict[str, Any]:
        data = _given(self.cleaned_data)
        data["estimated_loss"] = str(data["estimated_loss"])
        return data


def _given(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The answers given: an optional question skipped (None) is not an answer."""
    return {name: value for name, value in cleaned.items() if not (name in OPTIONAL_FACTS and value is None)}


# The quick claim on the phone asks what happened in two screens (issue 13): the account of the accident with the
# circumstances, then the questions the 快处易赔 conditions depend on; each part is saved on its own.
WHAT_HAPPENED = ("place", "weather", "collision_form", "damage", "estimated_loss")
SAFETY_QUESTIONS = ("casualties", "other_property_damaged", "facility_damage", "non_motor_involved",
                    "vehicles_drivable", "dangerous_goods", "facts_disputed", "intentional_suspected",
                    "party_left_scene", "scene_difficult")  # fmt: skip
# The questions screen: those, and the optional ones (shown in FactsForm's order; never needed for the step).
CHECK_QUESTIONS = (*SAFETY_QUESTIONS, *OPTIONAL_FACTS)


class FactsPartForm(FactsForm):
    """One screen's share of `FactsForm`: the other answers stay as they were."""

    def __init__(self, *args: Any, part: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in set(self.fields) - set(part):
            del self.fields[name]
        for field in self.fields.values():  # a few choices: thumb-sized buttons, not a drop-down
            if isinstance(field.widget, forms.Select):
                field.widget = forms.RadioSelect(choices=field.choices)  # type: ignore[attr-defined]

    def facts(self) -> dict[str, Any]:
        data = _given(self.cleaned_data)
        if "estimated_loss" in data:
            data["estimated_loss"] = str(data["estimated_loss"])
        return data


class Declaration(forms.TypedChoiceField):
    """A driver's own statement (licence, inspection, no alcohol): yes, no, or not answered yet. A ticked box
    ("on") from older pages reads as yes."""

    def __init__(self, label: Any) -> None:
        super().__init__(label=label, choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda value: value == "yes",
                         required=False, empty_value=None, widget=forms.RadioSelect)  # fmt: skip

    def to_python(self, value: Any) -> str:
        return "yes" if value in ("on", True) else super().to_python(value)


class PhoneDetailsForm(PartyDetailsForm):
    """The details on the party's own phone: the three statements are questions with nothing ticked for the driver;
    unanswered, the conditions they decide show as "to answer", never as failed."""

    driver_licensed = Declaration(_("Do you hold a valid driving licence for this vehicle?"))  # type: ignore[assignment]
    inspection_valid = Declaration(_("Is the vehicle's inspection valid?"))  # type: ignore[assignment]
    impairment_free = Declaration(_("Are you free of alcohol and drugs?"))  # type: ignore[assignment]


class CircumstancesForm(forms.Form):
    """For each party, the listed circumstance that applies to it, if any (R2): the liability follows."""

    def __init__(self, *args: Any, labels: list[str], choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for label in labels:
            self.fields[f"party_{label}"] = forms.TypedChoiceField(
                label=_("Party %(label)s") % {"label": label}, choices=[("", _("— none —")), *choices],
                coerce=int, required=False, empty_value=None,
            )  # fmt: skip

    def circumstances(self) -> dict[str, list[int]]:
        """The choices made on this form: "none of these" is a choice (an empty list); a party whose row was left
        untouched has not answered here and is left out, so it is not taken for "none" (issue 13)."""
        return {
            name.removeprefix("party_"): [value] if value is not None else []
            for name, value in self.cleaned_data.items()
            if name in self.data
        }


class ConfirmForm(forms.Form):
    typed_name = forms.CharField(label=_("Type your name to sign"), max_length=40)
    consent = forms.BooleanField(label=_("I have read the facts and the liability above and I agree to them"))


class PhotoForm(forms.Form):
    slot = forms.ChoiceField(label=_("What the photo shows"))
    file = forms.FileField(
        label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/*,video/*", "capture": "environment"})
    )
    upload_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from claimbridge.evidence.slots import SLOTS

        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [(slot.code, slot.name) for slot in SLOTS]  # type: ignore[attr-defined]


class BackOfficeCaseForm(OnceForm):
    """A case reported by insurer staff from a hotline call, or by an adjuster at the scene (R7–R9)."""

    county = forms.ChoiceField(label=_("County"), required=False)
    latitude = forms.FloatField(label=_("Latitude (map pin)"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude (map pin)"), required=False, min_value=-180, max_value=180)
    crs = forms.ChoiceField(
        label=_("Coordinates from"), choices=[("gcj02", _("a Chinese map app (GCJ-02)")), ("wgs84", _("GPS (WGS-84)"))]
    )
    accident_at = forms.DateTimeField(label=_("When?"), widget=IsoDateTimeInput())
    plate_a = forms.CharField(label=_("Plate of party A"), max_length=12)
    insurer_a = forms.ChoiceField(label=_("Insurer of party A"), required=False)
    plate_b = forms.CharField(label=_("Plate of party B"), max_length=12, required=False)
    insurer_b = forms.ChoiceField(label=_("Insurer of party B"), required=False)
    credential_shown = forms.BooleanField(
        label=_("I showed my industry work card and the claims guide"), required=False
    )
    customer_consented = forms.BooleanField(
        label=_("The customer agreed that I report and act for them"), required=False
    )
    facility_damage = _yes_no_unknown(FACILITY_DAMAGE)
    intentional_suspected = _yes_no_unknown(INTENTIONAL)
    party_left_scene = _yes_no_unknown(LEFT_SCENE)
    scene_difficult = _yes_no_unknown(SCENE_DIFFICULT)
    witnesses = _yes_no_unknown(WITNESSES)

    def __init__(
        self, *args: Any, counties: list[Any], insurers: list[tuple[str, str]], adjuster: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", _("— choose —")), *counties]  # type: ignore[attr-defined]
        for name in ("insurer_a", "insurer_b"):
            self.fields[name].choices = [("", _("— from the policy register —")), *insurers]  # type: ignore[attr-defined]
        if not adjuster:
            del self.fields["credential_shown"], self.fields["customer_consented"]

    def clean_plate_a(self) -> str:
        return checked_plate(self.cleaned_data.get("plate_a", ""))

    def clean_plate_b(self) -> str:
        return checked_plate(self.cleaned_data.get("plate_b", ""))

    def clean_accident_at(self) -> Any:
        return plausible_time(self.cleaned_data["accident_at"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("county"):
            county_from_place(self, data, data.get("crs") or "gcj02")
            if not data.get("county"):
                self.add_error(
                    "county", _("Choose the county, or give the place's coordinates in Longnan or Tianshui.")
                )
        return data

    def facts(self) -> dict[str, bool]:
        """The reporter's answers to the kernel's questions (unanswered ones left out)."""
        from claimbridge.cases.services.intake import REPORTER_FACTS

        return {name: self.cleaned_data[name] for name in REPORTER_FACTS if self.cleaned_data.get(name) is not None}
