"""Traffic-police accident records, their loads, and what matching them to the platform's cases found (R20)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from claimbridge.core.fields import EncryptedTextField
from claimbridge.organisations.models import County, TrafficPoliceUnit
from claimbridge.rules.common import LIABILITY_NAMES
from claimbridge.rules.police_match import ACCIDENT_TYPES, SIGNAL_KINDS


class LoadStatus(models.TextChoices):
    RUNNING = "running", _("loading")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class PoliceLoad(models.Model):
    """One batch of records from a police unit (a file or an API call), with its per-row report."""

    unit = models.ForeignKey(TrafficPoliceUnit, on_delete=models.PROTECT, related_name="loads",
                             verbose_name=_("traffic police unit"))  # fmt: skip
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("loaded by"))  # fmt: skip
    source = models.CharField(_("source"), max_length=10, choices=[("api", "API"), ("web", _("web upload"))])
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    idempotency_key = models.CharField(max_length=120, blank=True)
    idempotency_fingerprint = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=LoadStatus.choices, default=LoadStatus.RUNNING)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_created = models.PositiveIntegerField(_("created"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_updated = models.PositiveIntegerField(_("updated"), default=0)
    rows_refused = models.PositiveIntegerField(_("refused"), default=0)
    # [{"row", "number", "outcome": created|unchanged|updated|refused, "code", "field", "zh", "en", "changed": [...]}]
    report = models.JSONField(_("per-row report"), default=list, blank=True)
    created_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("police record load")
        verbose_name_plural = _("police record loads")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "idempotency_key"], condition=~models.Q(idempotency_key=""), name="police_load_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.created_at:%Y-%m-%d %H:%M}"


class PoliceRecord(models.Model):
    """One accident as the traffic police recorded it: the record number is the unit's, unique within it."""

    unit = models.ForeignKey(TrafficPoliceUnit, on_delete=models.PROTECT, related_name="records",
                             verbose_name=_("traffic police unit"))  # fmt: skip
    number = models.CharField(_("record number"), max_length=40)
    accident_at = models.DateTimeField(_("accident time"), db_index=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    county = models.ForeignKey(County, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("county"))  # fmt: skip
    accident_type = models.CharField(_("accident type"), max_length=10,
                                     choices=[(code, text.en) for code, text in ACCIDENT_TYPES.items()])  # fmt: skip
    load = models.ForeignKey(PoliceLoad, on_delete=models.PROTECT, related_name="records", verbose_name=_("load"))
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("loaded by"))  # fmt: skip
    content_digest = models.CharField(max_length=64)  # keyed digest of the row as loaded: unchanged or corrected
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("police record")
        verbose_name_plural = _("police records")
        ordering = ["-accident_at"]
        constraints = [models.UniqueConstraint(fields=["unit", "number"], name="police_record_number_once")]

    def __str__(self) -> str:
        return self.number


class PoliceVehicle(models.Model):
    """A vehicle of a record, with the police's liability determination for it and its driver (encrypted)."""

    record = models.ForeignKey(PoliceRecord, on_delete=models.CASCADE, related_name="vehicles")
    position = models.PositiveSmallIntegerField()
    plate = models.CharField(_("plate"), max_length=12, db_index=True)  # normalised
    liability = models.CharField(_("police liability determination"), max_length=12,
                                 choices=[(code, text.en) for code, text in LIABILITY_NAMES.items()])  # fmt: skip
    driver_name = EncryptedTextField(_("driver"), blank=True)
    driver_id_number = EncryptedTextField(_("driver's ID number"), blank=True)
    driver_index = models.CharField(max_length=64, blank=True, db_index=True)  # blind index of the ID number

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["record", "position"]
        constraints = [models.UniqueConstraint(fields=["record", "position"], name="police_vehicle_once")]

    def __str__(self) -> str:
        return self.plate


class PoliceMatch(models.Model):
    record = models.ForeignKey(PoliceRecord, on_delete=models.CASCADE, related_name="matches")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="police_matches")
    minutes = models.PositiveIntegerField(_("minutes apart"))
    km = models.FloatField(_("km apart"), null=True, blank=True)
    plates = models.JSONField(_("plates in common"), default=list)
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("police record match")
        verbose_name_plural = _("police record matches")
        constraints = [models.UniqueConstraint(fields=["record", "case"], name="police_match_once")]

    def __str__(self) -> str:
        return f"{self.record_id} ↔ {self.case_id}"


class PoliceSignal(models.Model):
    """A discrepancy between the police's records and the platform's cases, for the committee (and the insurers of
    the case's parties). Found again by every run: `key` keeps one row per finding."""

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=24,
                            choices=[(code, text.en) for code, text in SIGNAL_KINDS.items()])  # fmt: skip
    reason = models.CharField(_("reason"), max_length=20)
    record = models.ForeignKey(PoliceRecord, on_delete=models.CASCADE, null=True, blank=True, related_name="signals")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, null=True, blank=True,
                             related_name="police_signals")  # fmt: skip
    subject = models.CharField(max_length=64, blank=True)
    text_zh = models.CharField(max_length=300)
    text_en = models.CharField(max_length=300)
    detail = models.JSONField(default=dict, blank=True)
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)

    class Meta:
        verbose_name = _("police discrepancy signal")
        verbose_name_plural = _("police discrepancy signals")
        ordering = ["-found_at", "-pk"]

    def __str__(self) -> str:
        return self.key

    @property
    def text(self) -> dict[str, str]:
        return {"zh": self.text_zh, "en": self.text_en}

    @property
    def kind_text(self) -> dict[str, str]:
        return SIGNAL_KINDS[self.kind].as_dict()


class PoliceEvent(models.Model):
    """Append-only audit of what was done with police records: each load, each correction, each matching run."""

    kind = models.CharField(max_length=30)  # police_load, police_record_updated, police_match_run
    load = models.ForeignKey(PoliceLoad, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    record = models.ForeignKey(PoliceRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")  # fmt: skip
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("police records event")
        verbose_name_plural = _("police records events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"
