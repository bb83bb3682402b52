"""The back office of the anti-fraud casework: reward ratios are configured here (by date: a revision is a new row,
and a ratio in force is never edited);
clues and everything about them are read-only (they are written only through the services, which ask the scope)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claimbridge.evidence.admin import ReadOnlyAdmin
from claimbridge.fraud.models import (
    Clue,
    ClueEvent,
    ClueRoute,
    FileRequest,
    LearnedModel,
    Reward,
    RewardRatio,
    RingLook,
)


class RewardRatioForm(forms.ModelForm):
    class Meta:
        model = RewardRatio
        fields = ("insurer", "ratio", "effective_from", "effective_until")

    def clean_effective_from(self) -> date:
        start: date = self.cleaned_data["effective_from"]
        if start < timezone.localdate():
            raise forms.ValidationError(_("A ratio starts today or later: the past keeps the ratios it had."))
        return start

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, until = cleaned.get("effective_from"), cleaned.get("effective_until")
        if start and until and until < start:
            self.add_error("effective_until", _("The last day cannot be before the first."))
        return cleaned


@admin.register(RewardRatio)
class RewardRatioAdmin(admin.ModelAdmin):
    """R11: a ratio that has come into force is history, read and never changed or removed (each computed reward
    keeps the ratio of its day, and the admin's log says who added which); a revision is a new row from today or a
    later day. A ratio still to come may be corrected or removed."""

    form = RewardRatioForm
    list_display = ("insurer", "ratio", "effective_from", "effective_until")
    list_filter = ("insurer",)

    @staticmethod
    def _in_force(obj: RewardRatio | None) -> bool:
        return obj is not None and obj.effective_from <= timezone.localdate()

    def get_readonly_fields(self, request: HttpRequest, obj: RewardRatio | None = None) -> Any:
        return RewardRatioForm.Meta.fields if self._in_force(obj) else ()

    def has_change_permission(self, request: HttpRequest, obj: RewardRatio | None = None) -> bool:
        return not self._in_force(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: RewardRatio | None = None) -> bool:
        return not self._in_force(obj) and super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> Any:
        """No bulk delete: it would not ask each row whether it is in force."""
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(Clue)
class ClueAdmin(ReadOnlyAdmin):
    list_display = ("number", "state", "urgency", "occurred_at", "county", "cross_region", "submitted_at")
    list_filter = ("state", "urgency", "cross_region")
    search_fields = ("number",)
    exclude = ("description",)  # personal data: read on the clue's page, masked where it must be


@admin.register(ClueRoute)
class ClueRouteAdmin(ReadOnlyAdmin):
    list_display = ("clue", "committee", "primary", "at")


@admin.register(FileRequest)
class FileRequestAdmin(ReadOnlyAdmin):
    list_display = ("clue", "insurer", "asked_at", "due", "answered_at")
    exclude = ("answer",)


@admin.register(Reward)
class RewardAdmin(ReadOnlyAdmin):
    list_display = ("clue", "insurer", "amount_saved", "ratio", "amount", "computed_at", "paid_at")


@admin.register(ClueEvent)
class ClueEventAdmin(ReadOnlyAdmin):
    list_display = ("clue", "sequence", "kind", "actor", "at")


# --- the analysis half (issue 16): read-only records; a learned model is put in use by the platform administrator --


@admin.register(RingLook)
class RingLookAdmin(ReadOnlyAdmin):
    """Who looked at which ring and when (B8): the record of every look, read here, written only by the pages."""

    list_display = ("ring_number", "user", "route", "at")
    list_filter = ("route",)
    search_fields = ("user__username",)


@admin.register(LearnedModel)
class LearnedModelAdmin(ReadOnlyAdmin):
    """The trained score models (`claimbridge fraud_model train`): read here; the one in use is chosen by the
    platform administrator with the action below (never by editing a row)."""

    list_display = ("version", "in_use", "rows", "positives", "created_at")
    exclude = ("content",)
    actions = ["put_in_use"]

    @admin.action(description=_("Use this model for every score from now on"))
    def put_in_use(self, request: HttpRequest, queryset: Any) -> None:
        from claimbridge.fraud import analysis_services

        chosen = list(queryset[:2])
        if len(chosen) != 1:
            self.message_user(request, _("Choose exactly one model."), level="error")
            return
        analysis_services.learned_model_put_in_use(user=request.user, model=chosen[0])
        self.message_user(request, _("The model is in use; run `claimbridge fraud_links rescore` to rescore."))
