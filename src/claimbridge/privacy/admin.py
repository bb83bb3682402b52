from django.contrib import admin

from claimbridge.privacy.models import ConsentRecord


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    """Read-only: a consent is evidence (PIPL art. 14); it is withdrawn by its service, never edited."""

    list_display = ("given_at", "purpose", "notice_version", "channel", "case", "withdrawn_at")
    list_filter = ("purpose", "notice_version", "channel")
    readonly_fields = ("phone_index", "case", "party", "purpose", "notice_version", "given_at", "channel", "device",
                       "withdrawn_at")  # fmt: skip

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
