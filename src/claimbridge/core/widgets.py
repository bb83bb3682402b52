"""The date and time inputs of every form: the browser's own pickers, always given ISO values.

`<input type="date">` and `datetime-local` accept only `2026-12-01` and `2026-12-01T09:30`. Django would otherwise
render a date in the active language's first input format (`2026/12/01` in zh-hans), which Chromium rejects: the
field then looks empty and a default submit fails. Every form uses these two widgets (tests/test_house_rules.py
refuses Django's bare DateInput/DateTimeInput elsewhere); tests/test_date_inputs.py walks every page for the rest.
"""

from __future__ import annotations

from typing import Any

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class IsoDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={**(attrs or {}), "type": "date"}, format=ISO_DATE)


class IsoDateTimeInput(forms.DateTimeInput):
    """A local date and time (the field turns it into an aware time in the current zone, Asia/Shanghai)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={**(attrs or {}), "type": "datetime-local"}, format=ISO_DATETIME_LOCAL)
