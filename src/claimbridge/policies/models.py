"""The register of motor policies insurers keep current, with every version kept (R3, B9)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from claimbridge.core.fields import EncryptedTextField
from claimbridge.organisations.models import Branch, Insurer


class CoverType(models.TextChoices):
    CTPL = "ctpl", _("交强险 (compulsory)")
    THIRD_PARTY = "third_party", _("commercial third-party")
    OWN_DAMAGE = "own_damage", _("own damage")
    OTHER = "other", _("other")


class LoadStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("loading")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class PolicyLoad(models.Model):
    """One import: who, when, from where, how many rows in, loaded, unchanged and rejected, and why."""

    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="policy_loads")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(
        max_length=10, choices=[("api", "API"), ("web", _("web upload")), ("command", _("command"))]
    )
    file_name = models.CharField(max_length=255, blank=True)
    file_name_stored = models.CharField(max_length=255, blank=True)
    idempotency_key = models.CharField(max_length=120, blank=True)
    idempotency_fingerprint = models.CharField(max_length=64, blank=True)  # of the request: a key names one request
    status = models.CharField(max_length=10, choices=LoadStatus.choices, default=LoadStatus.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_changed = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("policy load")
        verbose_name_plural = _("policy loads")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["insurer", "idempotency_key"], condition=~models.Q(idempotency_key=""), name="policy_load_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.insurer_id} {self.created_at:%Y-%m-%d %H:%M} {self.file_name}"

    @property
    def percent_done(self) -> int:
        return 100 if not self.rows_total else min(100, round(100 * self.rows_done / self.rows_total))


class Policy(models.Model):
    """What stays the same across endorsements: whose policy it is, its number, its cover, its cancellation."""

    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="policies")
    policy_number = models.CharField(_("policy number"), max_length=40)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    underwriting_division = models.CharField(_("written by (division code)"), max_length=6)
    underwriting_city_code = models.CharField(_("written in (city code)"), max_length=6, db_index=True)
    cover_type = models.CharField(_("cover"), max_length=12, choices=CoverType.choices)
    cover_name = models.CharField(_("cover name"), max_length=60, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        constraints = [models.UniqueConstraint(fields=["insurer", "policy_number"], name="policy_number_per_insurer")]

    def __str__(self) -> str:
        return self.policy_number


class PolicyVersion(models.Model):
    """The policy as it stood from `effective_from` until `effective_to` (an endorsement closes one and opens the next)."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    effective_from = models.DateTimeField()
    effective_to = models.DateTimeField(null=True, blank=True)
    period_start = models.DateTimeField(_("cover from"))
    period_end = models.DateTimeField(_("cover until (exclusive)"))
    plate = models.CharField(_("plate"), max_length=12)
    vin = models.CharField(_("VIN"), max_length=17, blank=True)
    vehicle_type = models.CharField(_("vehicle type"), max_length=40, blank=True)
    third_party_limit = models.DecimalField(_("limit"), max_digits=14, decimal_places=2, null=True, blank=True)
    personal = EncryptedTextField(_("holder and insured (encrypted)"), blank=True)  # JSON of names, ID numbers, phones
    load = models.ForeignKey(PolicyLoad, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        indexes = [
            models.Index(fields=["plate", "period_start"], name="policy_version_plate"),
            models.Index(fields=["vin", "period_start"], name="policy_version_vin"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id}@{self.effective_from:%Y-%m-%d}"


class RecordIsAppendOnly(Exception):
    """A lookup record was about to be changed or deleted: the record of who looked at the register is kept whole."""


class PolicyLookupQuerySet(models.QuerySet["PolicyLookup"]):
    def update(self, **kwargs: object) -> int:
        raise RecordIsAppendOnly("policy lookups are never changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RecordIsAppendOnly("policy lookups are never deleted")


class LookupRoute(models.TextChoices):
    WEB = "web", _("web page")
    API = "api", "API"


class PolicyLookup(models.Model):
    """One look at the register (B8): who asked and when, for which plate or VIN and instant, how many policies the
    answer showed, and through which route. Append-only: written once by the lookup, never changed or deleted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20)
    looked_up_at = models.DateTimeField(_("looked up at"), auto_now_add=True, db_index=True)
    plate = models.CharField(_("plate asked"), max_length=20, blank=True)
    vin = models.CharField(_("VIN asked"), max_length=17, blank=True)
    instant = models.DateTimeField(_("cover asked at"))
    shown = models.PositiveIntegerField(_("policies shown"))
    route = models.CharField(_("route"), max_length=3, choices=LookupRoute.choices)

    objects = PolicyLookupQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy lookup")
        verbose_name_plural = _("policy lookups")
        ordering = ["-looked_up_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.plate or self.vin} @ {self.looked_up_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RecordIsAppendOnly("policy lookups are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RecordIsAppendOnly("policy lookups are never deleted")
