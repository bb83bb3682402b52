"""The back office of the anti-fraud casework: reward ratios are configured here (by date: a revision is a new row);
clues and everything about them are read-only (they are written only through the services, which ask the scope)."""

from __future__ import annotations

from django.contrib import admin

from claimbridge.evidence.admin import ReadOnlyAdmin
from claimbridge.fraud.models import Clue, ClueEvent, ClueRoute, FileRequest, Reward, RewardRatio


@admin.register(RewardRatio)
class RewardRatioAdmin(admin.ModelAdmin):
    list_display = ("insurer", "ratio", "effective_from", "effective_until")
    list_filter = ("insurer",)


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
