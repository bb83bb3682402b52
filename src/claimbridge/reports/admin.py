"""The back office's view of the progress reports (R19): read-only — they are written only through their services
(four eyes; a published version never changes)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from claimbridge.reports.publication_models import ProgressReport, ReportEvent, ReportVersion


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnly):
    list_display = ("number", "kind", "period_start", "created_at")
    list_filter = ("kind",)


@admin.register(ReportVersion)
class ReportVersionAdmin(ReadOnly):
    list_display = ("report", "n", "state", "edited_at", "approved_at", "published_at")
    list_filter = ("state",)
    exclude = ("snapshot",)


@admin.register(ReportEvent)
class ReportEventAdmin(ReadOnly):
    list_display = ("report", "sequence", "version", "kind", "at")
    list_filter = ("kind",)
