"""The access log's refusals, in Chinese and English."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from claimbridge.core.errors import AppError


def purpose_missing() -> AppError:
    return AppError.translated("purpose_required", _("Say why you need to see this."), field="purpose")


def purpose_unknown() -> AppError:
    return AppError.translated("purpose_unknown", _("Choose one of the listed purposes."), field="purpose")


def note_missing() -> AppError:
    return AppError.translated("purpose_note_required", _("Say in a few words why you need to see this."),
                               field="purpose_note")  # fmt: skip


def log_refused() -> AppError:
    return AppError.translated("not_found", _("No such case."), status=404)


def day_invalid(field: str) -> AppError:
    return AppError.translated("invalid_date", _("Enter a real day, as 2026-12-05."), status=400, field=field)


def days_reversed() -> AppError:
    return AppError.translated("dates_reversed", _("The last day is before the first: swap them."), status=400,
                               field="to")  # fmt: skip


def action_unknown() -> AppError:
    return AppError.translated("action_unknown", _("Choose one of the listed actions."), status=400, field="action")


def purpose_filter_unknown() -> AppError:
    return AppError.translated("purpose_unknown", _("Choose one of the listed purposes."), status=400,
                               field="purpose")  # fmt: skip
