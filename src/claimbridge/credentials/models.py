"""The associations' register of adjusters and the credentials they issue (R4–R6). Personal data encrypted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from claimbridge.core.fields import EncryptedTextField
from claimbridge.organisations.models import Association, Insurer


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
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
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

    def __str__(self) -> str:
        return f"{self.insurer.code} {self.pk}"


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
