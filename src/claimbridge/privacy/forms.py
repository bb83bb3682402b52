"""The consent box a driver's form carries where the flow needs consent (cases: start, join)."""

from __future__ import annotations

from typing import Any

from django import forms

from claimbridge.privacy.errors import consent_required, consent_version_stale
from claimbridge.privacy.notice import NOTICE_VERSION


class ConsentForm(forms.Form):
    """Mixed into a form: the box (unticked by default) and the version of the notice the page showed. Refused next
    to the box, in the reader's language, when not ticked or when the notice changed since the page was drawn."""

    consent = forms.BooleanField(required=False)
    consent_version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    consent_needed = True  # a form may ask for it only on some submits (join: not to send the code)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("consent_version", NOTICE_VERSION)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.consent_needed:
            if not data.get("consent"):
                self.add_error("consent", consent_required().message)
            elif data.get("consent_version") != NOTICE_VERSION:
                self.add_error("consent", consent_version_stale(str(data.get("consent_version") or "")).message)
        return data

    @property
    def consent_version_given(self) -> str:
        """The notice version consented to (after is_valid with consent needed)."""
        return str(self.cleaned_data.get("consent_version") or "")
