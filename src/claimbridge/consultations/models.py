"""Consultations (R13): a customer's question to an insurer or a city's association, its answer, an escalation to a
specialist with a deadline, the customer's rating; the specialists designated to answer hard questions; the public
FAQ that common questions grow into.

A question, its answer and the rating's comment may name people or give their phones: they are personal data,
encrypted at rest (`EncryptedTextField`) and shown redacted in lists. The asker's mobile is kept encrypted with a
blind index, which is how a phone that proved the number finds its questions again (as `cases.PhoneProof` finds a
phone's cases). Every state change is an append-only, hash-chained event (decision 0012).
"""

from __future__ import annotations

from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from claimbridge.consultations.flow import STATES
from claimbridge.consultations.vocabulary import CHANNELS, TOPICS
from claimbridge.core.fields import EncryptedTextField
from claimbridge.core.masking import mask_phone, redact_text
from claimbridge.organisations.models import Association, Insurer

TOPIC_CHOICES = [(code, text.en) for code, text in TOPICS.items()]


class Specialist(models.Model):
    """A person designated to answer the questions their organisation's staff cannot (R13). Not a role: an insurer's
    staff member (or adjuster) for their insurer, or an association's staff member for their association, named by
    the platform's administrator (admin) or by the association (its page)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="specialist_roles",
                             verbose_name=_("user"))  # fmt: skip
    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("insurer"))  # fmt: skip
    association = models.ForeignKey(Association, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("association"))  # fmt: skip
    topics = models.JSONField(_("topics"), default=list, blank=True)  # codes of vocabulary.TOPICS; empty: every topic
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("specialist")
        verbose_name_plural = _("specialists")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "insurer", "association"], name="specialist_once"),
            models.CheckConstraint(
                condition=models.Q(insurer__isnull=False, association__isnull=True)
                | models.Q(insurer__isnull=True, association__isnull=False),
                name="specialist_one_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.masked_name} · {self.organisation_name}"

    @property
    def organisation_name(self) -> str:
        organisation = self.insurer or self.association
        return organisation.display_name if organisation is not None else ""

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from claimbridge.consultations.services import specialist_problems

        problems = specialist_problems(user=self.user, insurer=self.insurer, association=self.association,
                                       topics=self.topics)  # fmt: skip
        if problems:
            raise ValidationError(problems)


class Consultation(models.Model):
    number = models.CharField(_("question number"), max_length=24, unique=True)
    state = models.CharField(_("state"), max_length=16, default="asked",
                             choices=[(code, text.en) for code, text in STATES.items()])  # fmt: skip
    channel = models.CharField(_("channel"), max_length=16, default="web",
                               choices=[(code, text.en) for code, text in CHANNELS.items()])  # fmt: skip
    topic = models.CharField(_("topic"), max_length=16, default="other", choices=TOPIC_CHOICES)
    # Addressed to exactly one: the insurer (on a case, the asker's party's insurer of record) or a city's association.
    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("insurer"))  # fmt: skip
    association = models.ForeignKey(Association, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("association"))  # fmt: skip
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("case"))  # fmt: skip
    party_label = models.CharField(max_length=2, blank=True)
    asker_phone = EncryptedTextField(_("mobile phone"), blank=True)
    asker_phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_proved = models.BooleanField(default=False)  # by a text-message code (web); typed by the hotline otherwise
    asker_name = EncryptedTextField(_("name"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))  # fmt: skip
    language = models.CharField(max_length=8, default="zh-hans")
    question = EncryptedTextField(_("question"))
    answer = EncryptedTextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("answered by"))  # fmt: skip
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    escalated_to = models.ForeignKey(Specialist, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="consultations", verbose_name=_("specialist"))  # fmt: skip
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalation_note = EncryptedTextField(_("note for the specialist"), blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)  # aware, stored UTC
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = EncryptedTextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    events_count = models.PositiveIntegerField(default=0)
    last_event_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(insurer__isnull=False, association__isnull=True)
                | models.Q(insurer__isnull=True, association__isnull=False),
                name="consultation_one_addressee",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.asker_phone) if self.asker_phone else ""

    @property
    def preview(self) -> str:
        """The question for a list line: phones, ID and account numbers masked, at most 60 characters."""
        text = redact_text(" ".join(self.question.split()))
        return text if len(text) <= 60 else text[:59] + "…"

    @property
    def addressee_name(self) -> str:
        organisation = self.insurer or self.association
        return organisation.display_name if organisation is not None else ""

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.state == "escalated" and self.due_at is not None and self.due_at < timezone.now()


class ConsultationEvent(models.Model):
    """Append-only and hash-chained per consultation (decision 0012): who did what, when."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="events")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")  # fmt: skip
    at = models.DateTimeField()
    data = models.JSONField(default=dict)  # never personal data: states, codes, ids
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=8, blank=True)

    class Meta:
        verbose_name = _("consultation event")
        verbose_name_plural = _("consultation events")
        ordering = ["consultation_id", "sequence"]
        constraints = [models.UniqueConstraint(fields=["consultation", "sequence"], name="consultation_event_sequence")]

    def __str__(self) -> str:
        return f"{self.consultation_id}#{self.sequence} {self.kind}"

    def payload(self, number: str) -> dict[str, object]:
        return {"consultation": number, "sequence": self.sequence, "kind": self.kind, "actor": self.actor_id,
                "at": self.at.astimezone(UTC).isoformat(), "data": self.data}  # fmt: skip


class FaqEntry(models.Model):
    """A common question, rewritten without personal data by the staff who answered it, published for everyone
    (R13, R18). Chinese first; English optional (shown when the reader reads English and it is there)."""

    topic = models.CharField(_("topic"), max_length=16, choices=TOPIC_CHOICES)
    question_zh = models.CharField(_("question (Chinese)"), max_length=300)
    answer_zh = models.TextField(_("answer (Chinese)"))
    question_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    answer_en = models.TextField(_("answer (English)"), blank=True)
    source = models.ForeignKey(Consultation, on_delete=models.PROTECT, null=True, blank=True, related_name="faq",
                               verbose_name=_("from the question"))  # fmt: skip
    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    association = models.ForeignKey(Association, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        ordering = ["topic", "-created_at", "pk"]

    def __str__(self) -> str:
        return self.question_zh[:40]
