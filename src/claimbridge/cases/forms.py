from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class JoinForm(forms.Form):
    join_code = forms.CharField(label=_("Join code (from the other driver's phone)"), max_length=8)
    phone = forms.CharField(
        label=_("Your mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    sms_code = forms.CharField(label=_("Code sent to your mobile"), max_length=6, required=False,
                               widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))  # fmt: skip
