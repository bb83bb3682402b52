"""The clue form of the adjuster's phone and the casework forms of the committee's desk (R11, R20)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from claimbridge.core.errors import in_current_language
from claimbridge.core.forms import OnceForm, YuanField
from claimbridge.core.widgets import IsoDateInput, IsoDateTimeInput
from claimbridge.fraud import services
from claimbridge.fraud.vocabulary import DECISION_REASONS, OBSERVATIONS, PERSON_ROLES, URGENCIES


def _set_choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _choices(catalogue: dict[str, Any]) -> list[tuple[str, str]]:
    return [(code, in_current_language(text.zh, text.en)) for code, text in catalogue.items()]


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
    underwriter = forms.CharField(label=_("Underwriting company (code)"), required=False, max_length=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "reasons", _choices(DECISION_REASONS))


class AssignForm(forms.Form):
    assignee = forms.CharField(label=_("Assign to"), max_length=150)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=IsoDateInput())


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=services.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class RequestForm(forms.Form):
    insurer = forms.CharField(label=_("Insurer (code)"), max_length=20)
    question = forms.CharField(label=_("Files needed"), max_length=services.TEXT_MAX,
                               widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    due = forms.DateField(label=_("Answer by"), required=False, widget=IsoDateInput())


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
