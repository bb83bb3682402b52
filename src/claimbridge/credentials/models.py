"""The associations' register of adjusters and the credentials they issue (R4–R6). Personal data encrypted."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claimbridge.core.fields import EncryptedTextField
from claimbridge.organisations.models import Association, Insurer

LIVE_STATUSES = ("submitted", "needs_correction", "approved")  # an entry that still stands for its person


class Adjuster(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        NEEDS_CORRECTION = "needs_correction", _("needs correction")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        LEFT = "left", _("left the company")

    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="adjusters", verbose_name=_("insurer"))
    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="adjusters",
                                    verbose_name=_("association"))  # fmt: skip
    full_name = EncryptedTextField(_("full name"))
    id_number = EncryptedTextField(_("resident ID number"))
    id_index = models.CharField(max_length=64, db_index=True, editable=False)  # blind index: one person, many records
    phone = EncryptedTextField(_("mobile phone"))
    # The adjuster's own login, when they have one: a stop is recorded only under a credential of this entry (R8).
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="register_entries", verbose_name=_("platform account"))  # fmt: skip
    photo_name = models.CharField(max_length=200, blank=True)  # the re-encoded portrait in storage (no metadata)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    events_count = models.PositiveIntegerField(default=0, editable=False)  # the head of the entry's event chain
    last_event_hash = models.CharField(max_length=64, blank=True, editable=False)
    details = models.JSONField(_("qualifications and equipment"), default=dict, blank=True)
    review_note = models.CharField(_("review note"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("adjuster")
        verbose_name_plural = _("adjusters")
        ordering = ["-submitted_at"]
        constraints = [  # one person, one live entry in the whole register (a move leaves the old one first)
            models.UniqueConstraint(
                fields=["id_index"], condition=models.Q(status__in=LIVE_STATUSES), name="one_live_entry_per_person"
            ),
            models.UniqueConstraint(  # one login shows one person's work card (R8)
                fields=["account"], condition=models.Q(status__in=LIVE_STATUSES), name="one_live_entry_per_account"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.insurer.code} {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """The chain's head moves only with an event (`services.register_event`): a save of an entry loaded earlier
        never writes back an older head."""
        if self.pk is not None and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [field.name for field in self._meta.concrete_fields
                                       if not field.primary_key and field.name not in CHAIN_HEAD]  # fmt: skip
        super().save(*args, **kwargs)


CHAIN_HEAD = ("events_count", "last_event_hash")


class RegisterEvent(models.Model):
    """Append-only: who did what to an entry, and who was shown its personal data (the reviewer's full name, ID
    number, phone and portrait), when (B8)."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        RESUBMITTED = "resubmitted", _("corrected and submitted again")
        REVIEWED = "reviewed", _("reviewed")
        PERSONAL_DATA_SHOWN = "personal_data_shown", _("personal data shown")
        PORTRAIT_SHOWN = "portrait_shown", _("portrait shown")

    adjuster = models.ForeignKey(Adjuster, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")  # fmt: skip
    at = models.DateTimeField(default=timezone.now)  # set before the link is computed: the link covers it
    details = models.JSONField(default=dict, blank=True)
    # Each entry's events are a keyed hash chain, as a case's are (decision 0012): `audit verify` finds an event
    # edited, reordered or removed, and the entry's head (`Adjuster.last_event_hash`) finds the newest cut off.
    sequence = models.PositiveIntegerField(default=0)
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)
    key_id = models.CharField(max_length=8, blank=True)

    class Meta:
        verbose_name = _("register event")
        verbose_name_plural = _("register events")
        ordering = ["at", "pk"]
        constraints = [models.UniqueConstraint(fields=["adjuster", "sequence"], name="register_event_sequence")]

    def __str__(self) -> str:
        return f"{self.adjuster_id} {self.kind}"

    def payload(self) -> dict[str, object]:
        """What the link covers: the entry, the event's place in its chain, and the event."""
        return {"adjuster": self.adjuster_id, "sequence": self.sequence, "kind": self.kind, "actor": self.actor_id,
                "at": self.at.astimezone(UTC).isoformat(), "details": self.details}  # fmt: skip


class Credential(models.Model):
    """One industry credential; revoked at once when the holder leaves or moves, never edited: history is kept."""

    number = models.CharField(_("credential number"), max_length=20, unique=True)
    adjuster = models.ForeignKey(Adjuster, on_delete=models.PROTECT, related_name="credentials")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    token = models.TextField(editable=False)  # what the card's QR code carries
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason revoked"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number


class ServiceStop(models.Model):
    """An adjuster stopped at an accident or breakdown (遇事必停, R7–R9, R12, R13): what they did, with consent."""

    class Kind(models.TextChoices):
        ACCIDENT = "accident", _("accident")
        BREAKDOWN = "breakdown", _("breakdown")

    class Service(models.TextChoices):
        CALLED_POLICE = "called_police", _("called the police")
        REPORTED_CLAIM = "reported_claim", _("reported the claim")
        SCENE_PHOTOS = "scene_photos", _("took scene photos")
        SCENE_HELP = "scene_help", _("helped at the scene")
        CLAIMS_GUIDANCE = "claims_guidance", _("gave claims guidance")
        ANSWERED_QUESTIONS = "answered_questions", _("answered questions")
        ESCALATED = "escalated", _("passed a question to a specialist")

    adjuster = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_stops")
    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="+")  # the adjuster's company
    at = models.DateTimeField(_("time"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    county = models.ForeignKey(
        "organisations.County", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    credential_shown = models.BooleanField(_("credential shown"), default=False)
    customer_consented = models.BooleanField(_("customer consented"), default=False)
    services = models.JSONField(_("services given"), default=list)
    customer_insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                         verbose_name=_("customer's insurer"))  # fmt: skip
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="service_stops"
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.CharField(_("comment"), max_length=300, blank=True)
    rating_token = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("service stop")
        verbose_name_plural = _("service stops")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.adjuster_id} {self.at:%Y-%m-%d %H:%M}"

    @property
    def other_company_customer(self) -> bool:
        """Served another company's customer: what the associations count each month (R15)."""
        return self.customer_insurer_id is not None and self.customer_insurer_id != self.insurer_id


class MonthlyReport(models.Model):
    """R15: per association, company and month, how many other companies' customers each of the company's adjusters
    served, and the reward at the rate in force. Computed on the 1st; recomputing gives the same figures; after
    publication a change is recorded as a correction, never edited in place."""

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="+")
    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # the first day
    rate = models.DecimalField(_("reward per case (yuan)"), max_digits=8, decimal_places=2)
    # [{"adjuster": user id, "name": masked, "cases": n, "reward": "…", "fraud_rewards": n, "fraud_reward": "…"}]
    rows = models.JSONField(default=list)
    total_cases = models.PositiveIntegerField(default=0)
    total_reward = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # Rewards for confirmed fraud (R11) the underwriting companies owe the company's adjusters for the month's clues.
    total_fraud_reward = models.DecimalField(_("fraud rewards (yuan)"), max_digits=12, decimal_places=2, default=0)
    computed_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "association_id", "insurer_id"]
        constraints = [models.UniqueConstraint(fields=["association", "insurer", "month"], name="one_report_per_month")]

    def __str__(self) -> str:
        return f"{self.association_id}/{self.insurer_id} {self.month:%Y-%m}"


class ReportCorrection(models.Model):
    report = models.ForeignKey(MonthlyReport, on_delete=models.PROTECT, related_name="corrections")
    rows_before = models.JSONField()
    rows_after = models.JSONField()
    reason = models.CharField(_("reason"), max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report correction")
        verbose_name_plural = _("report corrections")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.report} {self.at:%Y-%m-%d}"
