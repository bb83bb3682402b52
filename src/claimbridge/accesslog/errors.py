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
