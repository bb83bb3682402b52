"""Consents given by drivers (PIPL art. 14, 23): who, to what, under which notice version, when, from where, and
when withdrawn. Written by `privacy.services.consent_record` in the transaction of the step the consent belongs to."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentChannel(models.TextChoices):
    WEB = "web", _("web page")
    API = "api", _("API")


class ConsentRecord(models.Model):
    # Who: the proved mobile as its blind index (core.crypto.blind_index, purpose "phone"), never in clear.
    phone_index = models.CharField(max_length=64, db_index=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("case"))  # fmt: skip
    party = models.ForeignKey("cases.CaseParty", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("party"))  # fmt: skip
    purpose = models.CharField(_("purpose"), max_length=40)  # a key of privacy.notice.PURPOSES
    notice_version = models.CharField(_("notice version"), max_length=20)
    given_at = models.DateTimeField(_("given at"))  # aware, stored UTC
    channel = models.CharField(_("channel"), max_length=8, choices=ConsentChannel.choices)
    device = models.CharField(_("device"), max_length=200, blank=True)  # the browser's User-Agent, cut
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.purpose} {self.notice_version} {self.given_at:%Y-%m-%d %H:%M}"
