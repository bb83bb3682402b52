"""The access log in the back office: read-only, like every record (append-only by design)."""

from django.contrib import admin

from claimbridge.accesslog.models import AccessRecord
from claimbridge.evidence.admin import ReadOnlyAdmin


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "actor_role", "actor_organisation", "action", "what", "case_number", "party_label",
                    "purpose", "rows", "route"]  # fmt: skip
    list_filter = ["action", "purpose", "route", "actor_role"]
    search_fields = ["case_number", "actor__username", "object_ref", "request_id"]
    date_hierarchy = "at"
