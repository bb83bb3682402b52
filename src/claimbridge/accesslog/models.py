"""The access log (issue 20 item 4; B8, R17, R19): one row for every showing of an unmasked personal field, every
export and every download of an original — who (the user, their organisation and role at the time), when, what (model
and field names or the export's name), about whom (a case number and party label, or another object's reference),
why (a purpose from a short list, with free text where the product asks for it), the request's id, and for an
export how many rows it held.

No personal data in clear: the row names fields, never their values, and the free text is redacted
(`core.masking.redact_text`) before it is stored. Append-only: the application never changes or deletes a row (the
admin reads them only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RecordIsAppendOnly(Exception):
    """An access record is written once and never changed or deleted."""


class Action(models.TextChoices):
    SHOWN_UNMASKED = "shown_unmasked", _("shown unmasked")
    EXPORTED = "exported", _("exported")
    ORIGINAL_DOWNLOADED = "original_downloaded", _("original downloaded")
    DATA_COPY_DOWNLOADED = "data_copy_downloaded", _("copy of a person's data downloaded")


class Purpose(models.TextChoices):
    """Why the data was shown: a short list (PIPL's "specific purpose"); `other` needs a few words of text."""

    CUSTOMER_CONTACT = "customer_contact", _("contacting the customer about the claim")
    CLAIM_HANDLING = "claim_handling", _("handling the claim")
    DISPUTE = "dispute", _("a dispute or complaint")
    FRAUD_INVESTIGATION = "fraud_investigation", _("fraud investigation")
    REGISTER_REVIEW = "register_review", _("reviewing the adjusters' register")
    REPORTING = "reporting", _("statistics and reporting")
    LEGAL_REQUEST = "legal_request", _("a request of the police or a court")
    DATA_SUBJECT_REQUEST = "data_subject_request", _("the person's own request for their data")
    OWN_CASE = "own_case", _("a party's own case")
    ADMINISTRATION = "administration", _("platform administration")
    OTHER = "other", _("other (say why)")


class Route(models.TextChoices):
    WEB = "web", _("web page")
    API = "api", "API"
    ADMIN = "admin", _("back office")
    TASK = "task", _("background task")


class AccessRecordQuerySet(models.QuerySet["AccessRecord"]):
    def update(self, **kwargs: object) -> int:
        raise RecordIsAppendOnly("access records are never changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RecordIsAppendOnly("access records are never deleted")


class AccessRecord(models.Model):
    """One look at personal data, one export or one download of an original (append-only)."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("who"))  # fmt: skip
    actor_id: int | None
    # No user: a driver's phone (`actor_label` names the party it acted as) or the system.
    actor_label = models.CharField(_("who, without an account"), max_length=40, blank=True)
    actor_role = models.CharField(_("role at the time"), max_length=20, blank=True)
    actor_insurer = models.ForeignKey("organisations.Insurer", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")  # fmt: skip
    actor_association = models.ForeignKey("organisations.Association", on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="+")  # fmt: skip
    actor_organisation = models.CharField(_("organisation at the time"), max_length=120, blank=True)
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    what = models.CharField(_("what"), max_length=200)  # "cases.CaseParty.driver_name,driver_phone", an export's name
    case = models.ForeignKey("cases.Case", on_delete=models.DO_NOTHING, null=True, blank=True, related_name="+",
                             db_constraint=False)  # fmt: skip
    case_number = models.CharField(_("case"), max_length=24, blank=True, db_index=True)
    party_label = models.CharField(_("party"), max_length=4, blank=True)
    object_ref = models.CharField(_("object"), max_length=80, blank=True)  # "evidence.item:12", "accounts.user:3"
    purpose = models.CharField(_("purpose"), max_length=24, choices=Purpose.choices)
    purpose_note = models.CharField(_("reason given"), max_length=200, blank=True)  # redacted before it is stored
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    route = models.CharField(_("route"), max_length=5, choices=Route.choices, default=Route.WEB)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["actor_insurer", "at"]), models.Index(fields=["actor_association", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id or self.actor_label} {self.action} {self.what}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RecordIsAppendOnly("access records are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RecordIsAppendOnly("access records are never deleted")
