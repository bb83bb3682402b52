"""Cases: one accident, its parties, and an append-only, hash-chained record of everything done to it (B8, B9)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from claimbridge.core.fields import EncryptedTextField
from claimbridge.evidence.models import EvidenceFile
from claimbridge.organisations.models import City, ClaimsUnit, County, Insurer
from claimbridge.rules.case_flow import STATES


class Channel(models.TextChoices):
    DRIVER = "driver", _("driver self-service")
    ADJUSTER = "adjuster", _("adjuster at the scene")
    HOTLINE = "hotline", _("insurer hotline")


class CaseNumberSequence(models.Model):
    """Per city and day: the last case number handed out (row-locked while numbering)."""

    city_code = models.CharField(max_length=6)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["city_code", "day"], name="case_sequence_per_city_day")]

    def __str__(self) -> str:
        return f"{self.city_code} {self.day} {self.last}"


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=24, unique=True)
    state = models.CharField(
        _("state"), max_length=24, choices=[(code, text.en) for code, text in STATES.items()], default="draft"
    )
    channel = models.CharField(_("reported by"), max_length=10, choices=Channel.choices)
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    accident_at = models.DateTimeField(_("accident time"), null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    crs = models.CharField(max_length=8, default="wgs84")
    evidence = models.OneToOneField(EvidenceFile, on_delete=models.PROTECT, related_name="case", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    join_code = models.CharField(_("join code"), max_length=8, blank=True, db_index=True)
    join_code_expires_at = models.DateTimeField(null=True, blank=True)
    events_count = models.PositiveIntegerField(default=0)  # so that deleting the newest events is noticed too
    last_event_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number


class CaseParty(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    label = models.CharField(_("party"), max_length=2)  # A, B, …
    plate = models.CharField(_("plate"), max_length=12, blank=True)
    vin = models.CharField(_("VIN"), max_length=17, blank=True)
    driver_name = EncryptedTextField(_("driver"), blank=True)
    driver_phone = EncryptedTextField(_("mobile"), blank=True)
    driver_licence = EncryptedTextField(_("driving licence number"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)  # verified mobile, as a blind index
    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    claims_unit = models.ForeignKey(ClaimsUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="cases")
    underwriting_city_code = models.CharField(max_length=6, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [models.UniqueConstraint(fields=["case", "label"], name="case_party_once")]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.label}"


class CaseEvent(models.Model):
    """Append-only: who did what to the case and when, each event chained to the one before (`audit verify`)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    data = models.JSONField(default=dict)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case_id", "sequence"]
        constraints = [models.UniqueConstraint(fields=["case", "sequence"], name="case_event_sequence")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.sequence} {self.kind}"

    def payload(self) -> dict[str, object]:
        return {"case": self.case_id, "sequence": self.sequence, "kind": self.kind, "actor": self.actor_id,
                "at": self.at.isoformat(), "data": self.data}  # fmt: skip


from claimbridge.cases.webhooks import DeliveryAttempt, OutboxMessage, WebhookEndpoint  # noqa: E402 - registered with the app

__all__ = [
    "Case",
    "CaseEvent",
    "CaseNumberSequence",
    "CaseParty",
    "DeliveryAttempt",
    "OutboxMessage",
    "WebhookEndpoint",
]
