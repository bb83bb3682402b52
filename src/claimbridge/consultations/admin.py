"""The back office of the consultation service (R13): specialists are designated here by the platform's administrator
(an insurer's, or an association's; associations also do it on their page); questions, their events and the FAQ are
read here and written only through the services, which ask the scope."""

from __future__ import annotations

from django.contrib import admin

from claimbridge.consultations.models import Consultation, ConsultationEvent, FaqEntry, Specialist
from claimbridge.evidence.admin import ReadOnlyAdmin


@admin.register(Specialist)
class SpecialistAdmin(admin.ModelAdmin):
    list_display = ("__str__", "insurer", "association", "active")
    list_filter = ("active", "insurer", "association")
    raw_id_fields = ("user",)
    fields = ("user", "insurer", "association", "topics", "active")


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ("number", "state", "topic", "channel", "insurer", "association", "created_at", "due_at")
    list_filter = ("state", "topic", "channel")
    exclude = ("asker_phone", "asker_name", "question", "answer", "escalation_note", "rating_comment")  # personal data


@admin.register(ConsultationEvent)
class ConsultationEventAdmin(ReadOnlyAdmin):
    list_display = ("consultation", "sequence", "kind", "at")


@admin.register(FaqEntry)
class FaqEntryAdmin(ReadOnlyAdmin):
    list_display = ("question_zh", "topic", "published", "created_at")
    list_filter = ("topic", "published")
