"""The clue form of the adjuster's phone and the casework forms of the committee's desk (R11, R20)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from claimbridge.core.errors import in_current_language
from claimbridge.core.forms import OnceForm, YuanField
from claimbridge.core.widgets import IsoDateInput, IsoDateTimeInput
from claimbridge.fraud import services
from claimbridge.fraud.vocabulary import DECISION_REASONS, OBSERVATIONS, PERSON_ROLES, REASONS_FOR, URGENCIES


def _set_choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _choices(catalogue: dict[str, Any]) -> list[tuple[str, str]]:
    return [(code, in_current_language(text.zh, text.en)) for code, text in catalogue.items()]


# The clue form's field for a refusal naming a part of a person, a vehicle or a place (`people[0].phone` → phone).
FIELD_OF = {"role": "person_role", "name": "person_name", "id_number": "person_id_number", "phone": "person_phone",
            "plate": "plate", "vin": "vin", "occurred_at": "occurred_at", "county": "county", "case": "case",
            "stop": "stop", "description": "description", "observations": "observations", "urgency": "urgency"}  # fmt: skip


class ClueForm(OnceForm):
    """One screen at the scene: what was seen, how urgent, photos, one person and one vehicle (more as addenda)."""

    observations = forms.MultipleChoiceField(label=_("What you observed"), required=False,
                                             widget=forms.CheckboxSelectMultiple)  # fmt: skip
    description = forms.CharField(label=_("Describe it"), required=False, max_length=services.TEXT_MAX,
                                  widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    urgency = forms.ChoiceField(label=_("Urgency"))
    occurred_at = forms.DateTimeField(label=_("When"), required=False, widget=IsoDateTimeInput())
    county = forms.ChoiceField(label=_("County or district"), required=False)
    case = forms.CharField(label=_("Case number (if any)"), required=False, max_length=24)
    stop = forms.TypedChoiceField(label=_("From my service stop"), required=False, coerce=int, empty_value=None)
    person_role = forms.ChoiceField(label=_("Person involved: role"), required=False)
    person_name = forms.CharField(label=_("Name"), required=False, max_length=services.NAME_MAX)
    person_id_number = forms.CharField(label=_("ID number"), required=False, max_length=18)
    person_phone = forms.CharField(label=_("Mobile"), required=False, max_length=20)
    plate = forms.CharField(label=_("Vehicle involved: plate"), required=False, max_length=12)
    vin = forms.CharField(label=_("VIN"), required=False, max_length=17)
    repair_shop = forms.CharField(label=_("Repair shop involved"), required=False, max_length=services.PLACE_MAX)

    def __init__(
        self, *args: Any, counties: list[tuple[str, str]], stops: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "observations", _choices(OBSERVATIONS))
        _set_choices(self, "urgency", _choices(URGENCIES))
        self.fields["urgency"].initial = "normal"
        _set_choices(self, "county", [("", "—"), *counties])
        _set_choices(self, "stop", [("", "—"), *stops])
        _set_choices(self, "person_role", [("", "—"), *_choices(PERSON_ROLES)])

    def clean(self) -> dict[str, Any]:
        """Every mistake of the person, the vehicle and the place at once, each next to its field (the services'
        own checks: one rule), so that nobody sends the form three times to find three mistakes."""
        from claimbridge.core.errors import AppError

        cleaned = super().clean() or {}
        checks: list[tuple[Any, dict[str, str]]] = []
        role = cleaned.get("person_role")
        if not role and any(cleaned.get(f) for f in ("person_name", "person_id_number", "person_phone")):
            self.add_error("person_role", _("Say who this person is (driver, witness…), or the person is not kept."))
        for part, name in (("name", "person_name"), ("id_number", "person_id_number"), ("phone", "person_phone")):
            if role and cleaned.get(name):
                checks.append((services.person_clean, {"role": role, part: cleaned[name]}))
        if cleaned.get("plate"):
            checks.append((services.vehicle_clean, {"plate": cleaned["plate"]}))
        if cleaned.get("vin"):
            checks.append((services.vehicle_clean, {"vin": cleaned["vin"]}))
        for check, raw in checks:
            try:
                check(raw, 0)
            except AppError as refused:
                field = FIELD_OF.get((refused.field or "").split(".")[-1])
                if field and field in self.fields and field not in self.errors:
                    self.add_error(field, refused.message)
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        people = []
        if data["person_role"] and (data["person_name"] or data["person_id_number"] or data["person_phone"]):
            people.append({"role": data["person_role"], "name": data["person_name"],
                           "id_number": data["person_id_number"], "phone": data["person_phone"]})  # fmt: skip
        vehicles = [{"plate": data["plate"], "vin": data["vin"]}] if data["plate"] or data["vin"] else []
        places = [{"kind": "repair_shop", "name": data["repair_shop"]}] if data["repair_shop"] else []
        return {"observations": data["observations"], "description": data["description"], "urgency": data["urgency"],
                "occurred_at": data["occurred_at"], "county_code": data["county"], "case_number": data["case"],
                "stop_id": data["stop"], "people": people, "vehicles": vehicles, "places": places}  # fmt: skip


class StepForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("screen", "investigate", "refer_to_police", "confirm_fraud",
                                                         "clear", "close")])  # fmt: skip
    reasons = forms.MultipleChoiceField(label=_("Reasons"), required=False, widget=forms.CheckboxSelectMultiple)
    amount_saved = YuanField(label=_("Amount saved or refused (yuan)"), required=False)
    underwriter = forms.ChoiceField(label=_("Underwriting company"), required=False)

    def __init__(self, *args: Any, underwriters: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "reasons", _choices(DECISION_REASONS))
        _set_choices(self, "underwriter", [("", "—"), *(underwriters or [])])

    def reasons_for(self, action: str) -> list[Any]:
        """The reason boxes that go with a decision (vocabulary.REASONS_FOR), for the page to group them."""
        return [box for box in self["reasons"] if box.data["value"] in REASONS_FOR[action]]


class AssignForm(forms.Form):
    assignee = forms.CharField(label=_("Assign to"), max_length=150)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=IsoDateInput())


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=services.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class RequestForm(forms.Form):
    insurer = forms.ChoiceField(label=_("Insurer"))
    question = forms.CharField(label=_("Files needed"), max_length=services.TEXT_MAX,
                               widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    due = forms.DateField(label=_("Answer by"), required=False, widget=IsoDateInput())

    def __init__(self, *args: Any, insurers: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "insurer", [("", "—"), *(insurers or [])])


class AnswerForm(forms.Form):
    request = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Answer"), max_length=services.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class AddendumForm(forms.Form):
    text = forms.CharField(label=_("What you add"), required=False, max_length=services.TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    person_role = forms.ChoiceField(label=_("Person involved: role"), required=False)
    person_name = forms.CharField(label=_("Name"), required=False, max_length=services.NAME_MAX)
    person_phone = forms.CharField(label=_("Mobile"), required=False, max_length=20)
    plate = forms.CharField(label=_("Vehicle involved: plate"), required=False, max_length=12)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "person_role", [("", "—"), *_choices(PERSON_ROLES)])


class LinkForm(forms.Form):
    into = forms.CharField(label=_("Into the investigation of clue"), max_length=24)


class PaymentForm(forms.Form):
    reference = forms.CharField(label=_("Payment reference"), max_length=60)
