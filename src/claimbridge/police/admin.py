"""The back office's view of police records (R20): the platform administrator reads and, rarely, corrects; the loads,
matches, signals and events are read-only (the services write them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from claimbridge.police.models import PoliceEvent, PoliceLoad, PoliceMatch, PoliceRecord, PoliceSignal, PoliceVehicle


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VehicleInline(admin.TabularInline):
    model = PoliceVehicle
    fields = ("position", "plate", "liability")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(PoliceRecord)
class PoliceRecordAdmin(ReadOnly):
    list_display = ("number", "unit", "accident_at", "accident_type", "county")
    list_filter = ("unit", "accident_type")
    search_fields = ("number", "vehicles__plate")
    exclude = ("content_digest",)
    inlines = [VehicleInline]


@admin.register(PoliceLoad)
class PoliceLoadAdmin(ReadOnly):
    list_display = ("created_at", "unit", "source", "file_name", "rows_total", "rows_created", "rows_updated",
                    "rows_refused")  # fmt: skip
    list_filter = ("unit", "source", "status")
    exclude = ("report", "idempotency_fingerprint")


@admin.register(PoliceMatch)
class PoliceMatchAdmin(ReadOnly):
    list_display = ("record", "case", "minutes", "km", "found_at")


@admin.register(PoliceSignal)
class PoliceSignalAdmin(ReadOnly):
    list_display = ("kind", "reason", "record", "case", "text_zh", "found_at")
    list_filter = ("kind",)


@admin.register(PoliceEvent)
class PoliceEventAdmin(ReadOnly):
    list_display = ("at", "kind", "load", "record", "actor")
    list_filter = ("kind",)
