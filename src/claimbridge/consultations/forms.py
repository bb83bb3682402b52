"""The consultation pages' forms (R13). Checks that need the database (whose case, which specialist) are the
services'; a refusal is shown next to the field it names (`FIELD_OF`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from claimbridge.consultations.vocabulary import ANSWER_MAX, CHANNELS, COMMENT_MAX, NOTE_MAX, QUESTION_MAX, TOPICS
from claimbridge.core.errors import in_current_language


def _choices(vocabulary: dict[str, Any]) -> list[tuple[str, str]]:
    return [(code, in_current_language(text.zh, text.en)) for code, text in vocabulary.items()]


class AskForm(forms.Form):
    """A customer's question: on one of their cases, or to an insurer or a city's association."""

    about = forms.ChoiceField(label=_("About"))
    topic = forms.ChoiceField(label=_("Topic"))
    question = forms.CharField(label=_("Your question"), max_length=QUESTION_MAX,
                               widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip

    def __init__(self, *args: Any, cases: list[tuple[str, str]], addressees: list[tuple[str, str]],
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        groups: list[tuple[str, Any]] = []
        if cases:
            groups.append((str(_("My cases")), [(f"case:{number}", label) for number, label in cases]))
        groups.append((str(_("Not about a case: ask")), addressees))
        self.fields["about"].choices = [("", str(_("Choose…"))), *groups]  # type: ignore[attr-defined]
        self.fields["topic"].choices = _choices(TOPICS)  # type: ignore[attr-defined]

    def addressing(self) -> dict[str, str]:
        """The service's arguments for `about`: a case number, an insurer's code or a city's code."""
        kind, _sep, value = str(self.cleaned_data["about"]).partition(":")
        return {"case_number": value if kind == "case" else "", "insurer_code": value if kind == "insurer" else "",
                "city_code": value if kind == "city" else ""}  # fmt: skip


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("Your rating"), coerce=int, choices=[
        (5, _("5★ very helpful")), (4, _("4★ helpful")), (3, _("3★ so-so")), (2, _("2★ not much help")),
        (1, _("1★ no help at all"))], widget=forms.RadioSelect)  # fmt: skip
    comment = forms.CharField(label=_("Comment (optional)"), max_length=COMMENT_MAX, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class RecordForm(forms.Form):
    """The hotline records a caller's question for its own company."""

    caller_phone = forms.CharField(label=_("Caller's mobile"), max_length=20,
                                   widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))  # fmt: skip
    caller_name = forms.CharField(label=_("Caller's name (optional)"), max_length=40, required=False)
    channel = forms.ChoiceField(label=_("Asked through"))
    topic = forms.ChoiceField(label=_("Topic"))
    case = forms.CharField(label=_("Case number (optional)"), max_length=24, required=False)
    question = forms.CharField(label=_("Question"), max_length=QUESTION_MAX, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = _choices(CHANNELS)  # type: ignore[attr-defined]
        self.fields["channel"].initial = "hotline"
        self.fields["topic"].choices = _choices(TOPICS)  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 5}))


class EscalateForm(forms.Form):
    specialist = forms.TypedChoiceField(label=_("Specialist"), coerce=int)
    working_days = forms.IntegerField(label=_("Deadline (working days)"), min_value=1, max_value=10, initial=2)
    note = forms.CharField(label=_("Note for the specialist (optional)"), max_length=NOTE_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args: Any, specialists: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["specialist"].choices = [("", str(_("Choose…"))), *specialists]  # type: ignore[attr-defined]


class FaqForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"))
    question_zh = forms.CharField(label=_("Question (Chinese)"), max_length=300)
    answer_zh = forms.CharField(
        label=_("Answer (Chinese)"), max_length=ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    question_en = forms.CharField(label=_("Question (English, optional)"), max_length=300, required=False)
    answer_en = forms.CharField(label=_("Answer (English, optional)"), max_length=ANSWER_MAX, required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = _choices(TOPICS)  # type: ignore[attr-defined]


class DesignateForm(forms.Form):
    username = forms.CharField(label=_("Colleague's login name"), max_length=150)
    topics = forms.MultipleChoiceField(label=_("Topics (none: every topic)"), required=False,
                                       widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = _choices(TOPICS)  # type: ignore[attr-defined]


FIELD_OF = {"case": "about", "insurer": "about", "city": "about", "phone": "caller_phone"}  # service → form


def show(form: forms.Form, error: Any) -> None:
    """A refusal next to the field it names (the form's own name first, then the service's), or above the form."""
    field = error.field or ""
    for name in (field, FIELD_OF.get(field, "")):
        if name and name in form.fields:
            form.add_error(name, error.message)
            return
    form.add_error(None, error.message)
