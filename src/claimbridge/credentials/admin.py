from django.contrib import admin

from claimbridge.credentials.models import Adjuster, Credential, MonthlyReport, ReportCorrection, ServiceStop
from claimbridge.evidence.admin import ReadOnlyAdmin


@admin.register(Adjuster)
class AdjusterAdmin(ReadOnlyAdmin):
    """Written through the register's pages and API, which check who may do what; here for looking up."""

    list_display = ["pk", "insurer", "association", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "association", "insurer"]
    exclude = ["full_name", "id_number", "phone", "id_index"]  # personal data stays on the masked pages


@admin.register(Credential)
class CredentialAdmin(ReadOnlyAdmin):
    list_display = ["number", "adjuster", "valid_from", "valid_until", "revoked_at"]
    search_fields = ["number"]
    exclude = ["token"]


@admin.register(ServiceStop)
class ServiceStopAdmin(ReadOnlyAdmin):
    list_display = ["at", "adjuster", "insurer", "kind", "customer_insurer", "rating"]
    list_filter = ["kind", "insurer"]
    exclude = ["rating_token"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    list_display = ["month", "association", "insurer", "total_cases", "total_reward", "published_at"]
    list_filter = ["association", "insurer"]


@admin.register(ReportCorrection)
class ReportCorrectionAdmin(ReadOnlyAdmin):
    list_display = ["report", "reason", "by", "at"]
