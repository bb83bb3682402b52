from django.contrib import admin

from claimbridge.cases.models import (
    Case,
    CaseEvent,
    Claim,
    DeliveryAttempt,
    Handoff,
    OutboxMessage,
    ServicePoint,
    WebhookEndpoint,
)
from claimbridge.evidence.admin import ReadOnlyAdmin


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "state", "channel", "county", "accident_at", "created_at"]
    list_filter = ["state", "channel"]
    search_fields = ["number"]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    """Append-only by design: the audit chain (`claimbridge audit verify`) would show any edit."""

    list_display = ["case", "sequence", "kind", "actor", "at"]
    list_filter = ["kind"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["insurer", "url", "active"]
    list_filter = ["active"]


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["at", "status_code", "error", "duration_ms"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["event_type", "endpoint", "created_at", "attempts", "delivered_at", "given_up_at"]
    list_filter = ["event_type"]
    inlines = [DeliveryAttemptInline]


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    """The directory drivers are sent to when a claim cannot be finished online (R14.2): kept here per county."""

    list_display = ["name", "kind", "county", "hours", "phone", "active"]
    list_filter = ["kind", "active", "county__city"]
    search_fields = ["name", "name_en", "address"]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    """Written only through the claim steps, each of which leaves an event on the case's chain."""

    list_display = ["party", "state", "payable", "paid_amount", "registered_at", "closed_at"]
    list_filter = ["state"]
    exclude = ["payee_account"]  # personal data, encrypted at rest: shown masked to the claim's handler only


@admin.register(Handoff)
class HandoffAdmin(ReadOnlyAdmin):
    list_display = ["party", "from_unit", "to_unit", "reason", "by", "by_party", "at"]
    list_filter = ["reason"]
