from django.contrib import admin

from claimbridge.evidence.models import EvidenceFile, EvidenceItem, ReuseMatch, StoredObject


class ReadOnlyAdmin(admin.ModelAdmin):
    """Evidence is never edited by hand: what was uploaded, by whom and when is the record."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(StoredObject)
class StoredObjectAdmin(ReadOnlyAdmin):
    list_display = ["sha256", "kind", "mime", "size", "taken_at", "created_at", "processed_at"]
    search_fields = ["sha256"]
    list_filter = ["kind", "mime"]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "accident_at", "created_at"]
    search_fields = ["reference", "title"]


@admin.register(EvidenceItem)
class EvidenceItemAdmin(ReadOnlyAdmin):
    list_display = ["file", "slot", "party", "stored", "uploaded_at"]
    list_filter = ["slot"]


@admin.register(ReuseMatch)
class ReuseMatchAdmin(ReadOnlyAdmin):
    list_display = ["item", "matched_item", "distance", "identical", "found_at"]
