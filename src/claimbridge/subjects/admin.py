"""The back office of the personal data requests (decision 0030): read here, written only through the services, which
ask the scope."""

from __future__ import annotations

from django.contrib import admin

from claimbridge.evidence.admin import ReadOnlyAdmin
from claimbridge.subjects.models import SubjectRequest, SubjectRequestEvent


@admin.register(SubjectRequest)
class SubjectRequestAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "state", "holder_association", "holder_insurer", "received_at", "deadline")
    list_filter = ("kind", "state")
    exclude = ("phone", "correction", "note", "resolution")  # personal data


@admin.register(SubjectRequestEvent)
class SubjectRequestEventAdmin(ReadOnlyAdmin):
    list_display = ("request", "sequence", "kind", "at")
