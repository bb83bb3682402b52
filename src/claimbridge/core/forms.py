"""What every form that creates something shares: it is done once, however often it is sent (issue 12).

A hidden key is drawn when the page is drawn; the view runs the work under it with `core.idempotency.run_once`, so
a double tap, a reload or a retry after a dropped connection answers with the first result instead of a second object.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms


class OnceForm(forms.Form):
    form_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_key", secrets.token_urlsafe(16))

    @property
    def key(self) -> str:
        """The submission's key (empty when the page was older than this form: then the work simply runs)."""
        return str(self.cleaned_data.get("form_key") or "") if hasattr(self, "cleaned_data") else ""


class YuanField(forms.Field):
    """Yuan as the platform reads typed money everywhere (`core.inputs.checked_money`): "12,000", "１２０００元" and
    "¥1,500.50" are read, "12,00" is refused with the range in the reader's language. Empty is refused when the field
    is required and is None otherwise — never 0.00 by accident."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                                           "maxlength": "24"}))  # fmt: skip
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        from claimbridge.core.errors import AppError
        from claimbridge.core.inputs import checked_money

        if value in self.empty_values or not str(value).strip():
            return None
        try:
            return checked_money(str(value)[:40], field="amount")
        except AppError as refused:
            raise forms.ValidationError(refused.message, code=refused.code) from None
