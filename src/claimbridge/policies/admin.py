"""The register in the back office: the record of lookups, read-only (B8)."""

from django.contrib import admin

from claimbridge.evidence.admin import ReadOnlyAdmin
from claimbridge.policies.models import PolicyLookup


@admin.register(PolicyLookup)
class PolicyLookupAdmin(ReadOnlyAdmin):
    """Append-only by design: who looked which vehicle's cover up, when, and how much they were shown."""

    list_display = ["looked_up_at", "user", "role", "plate", "vin", "instant", "shown", "route"]
    list_filter = ["route", "role"]
    search_fields = ["plate", "vin", "user__username"]
    date_hierarchy = "looked_up_at"
