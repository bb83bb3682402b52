"""A person's request about the personal data the platform holds about them (PIPL arts. 44–47, decision 0030):
a correction or a deletion, asked by a driver who proved their mobile (the person is the mobile's blind index) or by a
signed-in adjuster (the person is the account), worked by the one organisation that holds the data — the insurance
association of the city where it sits, the party's insurer for a claim record, the association that issued an
adjuster's credential — within a deadline, every change an append-only, keyed, hash-chained event (decision 0012).

What the person wrote (the corrected value, their note) and the holder's note are personal data: encrypted at rest.
"""

from __future__ import annotations

from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claimbridge.core.fields import EncryptedTextField
from claimbridge.core.masking import mask_phone
from claimbridge.organisations.models import Association, Insurer
from claimbridge.subjects.flow import FINAL, KINDS, STATES

# What a request is about: a party of a case (by case number), a question (by its number), the adjuster's account or
# one of their register entries (by its id).
RECORD_KINDS = ("case", "consultation", "account", "register")


class SubjectRequest(models.Model):
    number = models.CharField(_("request number"), max_length=24, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=[(code, text.en) for code, text in KINDS.items()])
    state = models.CharField(_("state"), max_length=12, default="received",
                             choices=[(code, text.en) for code, text in STATES.items()])  # fmt: skip
    # The person: a proved mobile (its blind index; the number itself encrypted, so the holder may call back) or a user.
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedTextField(_("mobile phone"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("account"))  # fmt: skip
    # What about: the record (one of RECORD_KINDS and its reference), the field, and for a correction the value asked.
    record_kind = models.CharField(max_length=16)
    record_ref = models.CharField(max_length=24, blank=True)
    field = models.CharField(_("field"), max_length=40, blank=True)
    correction = EncryptedTextField(_("correct value"), blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    # Who must work it: exactly one organisation.
    holder_association = models.ForeignKey(Association, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("association"))  # fmt: skip
    holder_insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                       verbose_name=_("insurer"))  # fmt: skip
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"))
    worked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("worked by"))  # fmt: skip
    worked_at = models.DateTimeField(_("worked at"), null=True, blank=True)
    refusal_code = models.CharField(max_length=32, blank=True)
    refusal_zh = models.CharField(_("reason (Chinese)"), max_length=300, blank=True)
    refusal_en = models.CharField(_("reason (English)"), max_length=300, blank=True)
    retained_until = models.DateField(_("kept until"), null=True, blank=True)  # a deletion refused for a retention duty
    resolution = EncryptedTextField(_("what was done"), blank=True)
    events_count = models.PositiveIntegerField(default=0, editable=False)
    last_event_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(holder_association__isnull=False, holder_insurer__isnull=True)
                | models.Q(holder_association__isnull=True, holder_insurer__isnull=False),
                name="subject_request_one_holder",
            ),
            models.CheckConstraint(
                condition=~models.Q(phone_index="") | models.Q(user__isnull=False), name="subject_request_has_person"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""

    @property
    def holder_name(self) -> str:
        holder = self.holder_association or self.holder_insurer
        return holder.display_name if holder is not None else ""

    @property
    def open(self) -> bool:
        return self.state not in FINAL

    @property
    def overdue(self) -> bool:
        return self.open and self.deadline < timezone.now()

    @property
    def record_label(self) -> str:
        return f"{self.record_kind}:{self.record_ref}" if self.record_ref else self.record_kind


class SubjectRequestEvent(models.Model):
    """Append-only and hash-chained per request (decision 0012): who did what, when. Codes and ids, never the words."""

    request = models.ForeignKey(SubjectRequest, on_delete=models.PROTECT, related_name="events")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")  # fmt: skip
    at = models.DateTimeField()
    data = models.JSONField(default=dict)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=8, blank=True)

    class Meta:
        verbose_name = _("personal data request event")
        verbose_name_plural = _("personal data request events")
        ordering = ["request_id", "sequence"]
        constraints = [models.UniqueConstraint(fields=["request", "sequence"], name="subject_request_event_sequence")]

    def __str__(self) -> str:
        return f"{self.request_id}#{self.sequence} {self.kind}"

    def payload(self, number: str) -> dict[str, object]:
        return {"request": number, "sequence": self.sequence, "kind": self.kind, "actor": self.actor_id,
                "at": self.at.astimezone(UTC).isoformat(), "data": self.data}  # fmt: skip
