from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from claimbridge.retention.models import RetentionRule, RetentionRun


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    """Configured rules by effective date; `RetentionRule.clean` refuses one shorter than a legal minimum."""

    list_display = ("category", "holder", "keep_years", "keep_days", "keep_minutes", "effective_from", "source")
    list_filter = ("category", "holder")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "finished_at", "dry_run")
    readonly_fields = ("started_at", "finished_at", "dry_run", "counts", "errors", "actor")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
