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
