"""Cases: one accident, its parties, and an append-only, hash-chained record of everything done to it (B8, B9)."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claimbridge.core import crypto
from claimbridge.core.fields import EncryptedTextField
from claimbridge.evidence.models import EvidenceFile
from claimbridge.organisations.models import City, ClaimsUnit, County, Insurer
from claimbridge.rules.case_flow import STATES
from claimbridge.rules.claim_flow import CLAIM_STATES


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
    join_code_failures = models.PositiveSmallIntegerField(default=0)  # wrong phone codes against the live join code
    facts = models.JSONField(_("what happened"), default=dict, blank=True)  # the parties' account: see forms.FactsForm
    # Who gave each fact and when: {"casualties": {"by": "party:A" | "user:12", "at": "…"}} (the kernel sees every
    # fact; each answer is someone's).
    fact_sources = models.JSONField(default=dict, blank=True)
    circumstances = models.JSONField(_("circumstances"), default=dict, blank=True)  # party label → catalogue items
    agreement_name = models.CharField(max_length=200, blank=True)  # the signed 协议书 PDF in storage
    agreement_sha256 = models.CharField(max_length=64, blank=True)
    agreement_code = models.CharField(_("verification code"), max_length=24, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    events_count = models.PositiveIntegerField(default=0)  # so that deleting the newest events is noticed too
    last_event_hash = models.CharField(max_length=64, blank=True)  # the chain's head; both sealed with the rows
    created_parties: list[
        CaseParty
    ]  # set by case_create: the parties just written, so the answer need not re-read them
    audit_found_edited: bool  # set by services.record.case_lock: the rows did not match their seal when taken

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number


class CaseParty(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="parties", db_index=False
    )  # indexed by (case, label)
    label = models.CharField(_("party"), max_length=2)  # A, B, …
    plate = models.CharField(_("plate"), max_length=12, blank=True)
    vin = models.CharField(_("VIN"), max_length=17, blank=True)
    driver_name = EncryptedTextField(_("driver"), blank=True)
    driver_phone = EncryptedTextField(_("mobile"), blank=True)
    driver_licence = EncryptedTextField(_("driving licence number"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)  # verified mobile, as a blind index
    name_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)  # driver_name's, by save()
    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    claims_unit = models.ForeignKey(ClaimsUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="cases")
    underwriting_city_code = models.CharField(max_length=6, blank=True)
    ctpl_policy_number = models.CharField(_("交强险 policy number"), max_length=40, blank=True)
    cover_verified = models.BooleanField(default=False)  # the policy register confirmed the cover
    vehicle_type = models.CharField(_("vehicle type"), max_length=20, blank=True)
    collision_part = models.CharField(_("point of impact"), max_length=20, blank=True)
    driver_licensed = models.BooleanField(null=True)  # the driver's own statements, asked on the phone
    inspection_valid = models.BooleanField(null=True)
    impairment_free = models.BooleanField(null=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_name = EncryptedTextField(_("name typed to confirm"), blank=True)
    confirmed_device = models.CharField(max_length=200, blank=True)
    confirmed_digest = models.CharField(max_length=64, blank=True)  # what exactly was confirmed
    disagreed_at = models.DateTimeField(null=True, blank=True)
    # The language the driver used on their phone (start, join): their text messages are written in it.
    language = models.CharField(_("language"), max_length=8, default="zh-hans")
    # The party's triage route (rules.triage, R14) when the agreement was made: what the figures count as the online
    # one-stop claim (R14.1).
    route = models.CharField(_("triage route"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [models.UniqueConstraint(fields=["case", "label"], name="case_party_once")]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """The name's blind index follows the name, whichever service saved it (the inbox finds a driver by name)."""
        self.name_index = crypto.name_blind_index(self.driver_name or "")
        fields = kwargs.get("update_fields")
        if fields is not None and "driver_name" in fields and "name_index" not in fields:
            kwargs["update_fields"] = [*fields, "name_index"]
        super().save(*args, **kwargs)


class Claim(models.Model):
    """One insurer's claim for its party on a case: from registration (立案) to payment and closure."""

    party = models.OneToOneField(CaseParty, on_delete=models.PROTECT, related_name="claim")
    state = models.CharField(_("state"), max_length=20, choices=[(code, text.en) for code, text in CLAIM_STATES.items()],
                             default="registered")  # fmt: skip
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    losses = models.JSONField(_("assessed losses"), default=dict, blank=True)  # party label → vehicle loss (yuan)
    liability = models.JSONField(_("liability"), default=dict, blank=True)  # party label → grade or ratio
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    settlement = models.JSONField(_("settlement"), default=dict, blank=True)  # the kernel's answer
    payable = models.DecimalField(_("payable (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    approval_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                              blank=True, related_name="+")  # fmt: skip
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")  # fmt: skip
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_amount = models.DecimalField(_("paid (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=60, blank=True)
    # Where the vehicle is repaired (at 定损) and whose account is paid (at payment): both link cases (fraud rings).
    repair_shop_name = models.CharField(_("repair shop"), max_length=100, blank=True)
    repair_shop_code = models.CharField(_("repair shop's unified social credit code"), max_length=18, blank=True)
    payee_account = EncryptedTextField(_("payee's bank account"), blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(_("reason closed"), max_length=20, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")

    def __str__(self) -> str:
        return f"{self.party} {self.state}"


class Handoff(models.Model):
    """A party's claim moving from one claims unit to another (R1): who, when and why; never to nobody."""

    class Reason(models.TextChoices):
        CUSTOMER_ASKED = "customer_asked", _("the customer asked to be served in the underwriting city")
        WRONG_UNIT = "wrong_unit", _("routed to the wrong unit")
        WORKLOAD = "workload", _("workload")

    party = models.ForeignKey(CaseParty, on_delete=models.PROTECT, related_name="handoffs")
    from_unit = models.ForeignKey(ClaimsUnit, on_delete=models.PROTECT, related_name="+", null=True)
    to_unit = models.ForeignKey(ClaimsUnit, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    by_party = models.CharField(max_length=2, blank=True)  # the driver, from their phone
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hand-off")
        verbose_name_plural = _("hand-offs")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.party} → {self.to_unit_id}"


class ServicePoint(models.Model):
    """Where a driver can go when a claim cannot be settled online (R14.2): configured per county."""

    class Kind(models.TextChoices):
        QUICK_CLAIMS_CENTRE = "quick_claims_centre", _("quick-claims centre")
        TRAFFIC_POLICE = "traffic_police", _("traffic police")
        ASSESSMENT_POINT = "assessment_point", _("loss-assessment point")
        DEALER = "dealer", _("4S shop")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="service_points")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=160, blank=True)
    address = models.CharField(_("address"), max_length=200)
    hours = models.CharField(_("opening hours"), max_length=60)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["county__code", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class CaseEvent(models.Model):
    """Append-only: who did what to the case and when, each event chained to the one before (`audit verify`)."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="events", db_index=False
    )  # indexed by (case, sequence)
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    data = models.JSONField(default=dict)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)  # HMAC-SHA256 of the previous hash and the payload (decision 0012)
    key_id = models.CharField(max_length=8, blank=True)  # which audit key linked it (`hashchain.key_id`): rotation
    # The case's audited rows right after this event, sealed to its hash (`services/seal.py`): only the newest
    # event's seal is checked, against the rows as they are now.
    state_seal = models.CharField(max_length=64, blank=True)
    # The change this event records found the case's rows unlike the previous event's seal: edited outside the
    # services. Part of the payload when set, so that nobody without the key can clear it.
    found_edited = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case_id", "sequence"]
        constraints = [models.UniqueConstraint(fields=["case", "sequence"], name="case_event_sequence")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.sequence} {self.kind}"

    def payload(self, case_number: str) -> dict[str, object]:
        """What the hash covers: the case by its number (known before the case row is written), and the event."""
        # `at` in UTC, as the database gives it back: an event stamped with an aware time of another zone (a clock
        # frozen at a Shanghai time in the retention tests) would otherwise hash as "+08:00" and verify as "+00:00".
        payload = {"case": case_number, "sequence": self.sequence, "kind": self.kind, "actor": self.actor_id,
                   "at": self.at.astimezone(UTC).isoformat(), "data": self.data}  # fmt: skip
        if self.found_edited:
            payload["found_edited"] = True
        return payload


class DriverNotice(models.Model):
    """A text message to a party's proved mobile at a moment that matters (通知记录): written in the transaction of
    the change that calls for it, sent after the commit by a task; a refused or failed send is recorded here, never
    raised. The text holds no personal data; the number is the party's, read when sending."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("not delivered")
        LIMITED = "limited", _("not sent: too many messages")

    party = models.ForeignKey(CaseParty, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=24)
    event_sequence = models.PositiveIntegerField()  # the case event that called for it
    language = models.CharField(_("language"), max_length=8)
    text = models.CharField(_("text"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField(_("error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("text message to a driver")
        verbose_name_plural = _("text messages to drivers")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["party", "event_sequence", "kind"], name="driver_notice_once")]

    def __str__(self) -> str:
        return f"{self.party_id} {self.kind} {self.status}"


# --- webhooks: the outbox of events to insurers' systems (B9) --------------------------------------------------------


class WebhookEndpoint(models.Model):
    insurer = models.ForeignKey(Insurer, on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("insurer"))
    url = models.URLField(_("URL"), max_length=400)
    secret = EncryptedTextField(_("signing secret"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url


class OutboxMessage(models.Model):
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="messages")
    event_type = models.CharField(max_length=40)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    given_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("webhook message")
        verbose_name_plural = _("webhook messages")

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id}"


class DeliveryAttempt(models.Model):
    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="deliveries")
    at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.message_id} {self.status_code or self.error}"


__all__ = [
    "Case",
    "CaseEvent",
    "CaseNumberSequence",
    "CaseParty",
    "DeliveryAttempt",
    "DriverNotice",
    "Handoff",
    "OutboxMessage",
    "ServicePoint",
    "WebhookEndpoint",
]
