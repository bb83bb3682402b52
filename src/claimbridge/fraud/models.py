"""Clue reports from the scene and the committees' casework on them (R11, R20), with the adjusters' rewards (R11, R15).

A clue's personal data (names, ID numbers, phones, the free-text description) is encrypted at rest and found again
through blind indexes, as a case party's is. Once submitted, a clue's own rows never change: what comes later is an
addendum, and every person, vehicle, place and photo records the addendum that brought it (none: the report itself).
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claimbridge.core import crypto
from claimbridge.core.fields import EncryptedTextField
from claimbridge.core.masking import mask_id_number, mask_name, mask_phone
from claimbridge.fraud.flow import STATES
from claimbridge.fraud.vocabulary import CODE_MAX, PERSON_ROLES, PLACE_KINDS, URGENCIES
from claimbridge.organisations.models import AntiFraudCommittee, City, County, Insurer


class Clue(models.Model):
    number = models.CharField(_("clue number"), max_length=24, unique=True)
    state = models.CharField(_("state"), max_length=24, default="draft",
                             choices=[(code, text.en) for code, text in STATES.items()])  # fmt: skip
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("reporter"))  # fmt: skip
    reporter_insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    stop = models.ForeignKey("credentials.ServiceStop", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="clues", verbose_name=_("service stop"))  # fmt: skip
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="clues",
                             verbose_name=_("case"))  # fmt: skip
    evidence = models.OneToOneField("evidence.EvidenceFile", on_delete=models.PROTECT, related_name="clue")
    occurred_at = models.DateTimeField(_("observed at"))
    county = models.ForeignKey(County, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("county"))  # fmt: skip
    city = models.ForeignKey(City, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("city"))  # fmt: skip
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    observations = models.JSONField(_("observed"), default=list)  # codes of vocabulary.OBSERVATIONS
    description = EncryptedTextField(_("description"), blank=True)
    urgency = models.CharField(_("urgency"), max_length=CODE_MAX, default="normal",
                               choices=[(code, text.en) for code, text in URGENCIES.items()])  # fmt: skip
    cross_region = models.BooleanField(_("cross-region"), default=False)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("assigned to"))  # fmt: skip
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    investigation = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="linked", verbose_name=_("investigation"))  # fmt: skip
    decision_reasons = models.JSONField(_("decision reasons"), default=list)
    amount_saved = models.DecimalField(_("amount saved or refused (yuan)"), max_digits=12, decimal_places=2,
                                       null=True, blank=True)  # fmt: skip
    underwriter = models.ForeignKey(Insurer, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("underwriting company"))  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    events_count = models.PositiveIntegerField(default=0)
    last_event_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("fraud clue")
        verbose_name_plural = _("fraud clues")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number


class ClueRoute(models.Model):
    """The committee a clue went to (primary: the accident city's) or was shared with, and why (R20)."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="routes")
    committee = models.ForeignKey(AntiFraudCommittee, on_delete=models.PROTECT, related_name="clue_routes")
    primary = models.BooleanField(default=True)
    reasons = models.JSONField(default=list)  # [{"city": code, "kind": policy|person|vehicle, "what": …}]
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("clue routing")
        verbose_name_plural = _("clue routings")
        constraints = [models.UniqueConstraint(fields=["clue", "committee"], name="clue_route_once")]

    def __str__(self) -> str:
        return f"{self.clue_id} → {self.committee_id}"


class ClueInsurer(models.Model):
    """A company whose customer or case a clue touches (R11, R20, B8): a party of the clue's case it covers, or a
    vehicle of the clue it insures of record at the time of the accident. Its staff see the clue's number, state and
    outcome and this part only (fraud/selectors.clue_view); a company is told once and never untold."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="insurers")
    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="+", verbose_name=_("insurer"))
    reasons = models.JSONField(default=list)  # [{"kind": "case_party"|"vehicle", "what": party label or plate}]
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("company touched by a clue")
        verbose_name_plural = _("companies touched by clues")
        constraints = [models.UniqueConstraint(fields=["clue", "insurer"], name="clue_insurer_once")]

    def __str__(self) -> str:
        return f"{self.clue_id} · {self.insurer_id}"


class Addendum(models.Model):
    """What the reporter adds after submitting (nothing submitted is ever edited)."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="addenda")
    text = EncryptedTextField(_("text"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.clue_id}+{self.pk}"


class CluePerson(models.Model):
    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="people")
    addendum = models.ForeignKey(Addendum, on_delete=models.PROTECT, null=True, blank=True, related_name="people")
    role = models.CharField(_("role"), max_length=CODE_MAX,
                            choices=[(code, text.en) for code, text in PERSON_ROLES.items()])  # fmt: skip
    name = EncryptedTextField(_("name"), blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    phone = EncryptedTextField(_("mobile"), blank=True)
    name_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_region = models.CharField(max_length=6, blank=True)  # the ID number's region (not personal on its own)

    class Meta:
        verbose_name = _("person involved")
        verbose_name_plural = _("people involved")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.clue_id} {self.role}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from claimbridge.accounts.models import phone_blind_index

        self.name_index = crypto.name_blind_index(self.name) if self.name else ""
        self.id_index = crypto.id_number_blind_index(self.id_number.upper()) if self.id_number else ""
        self.phone_index = phone_blind_index(self.phone) if self.phone else ""
        self.id_region = self.id_number[:6] if self.id_number else ""
        super().save(*args, **kwargs)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number) if self.id_number else ""

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""


class ClueVehicle(models.Model):
    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="vehicles")
    addendum = models.ForeignKey(Addendum, on_delete=models.PROTECT, null=True, blank=True, related_name="vehicles")
    plate = models.CharField(_("plate"), max_length=12, blank=True, db_index=True)
    vin = models.CharField(_("VIN"), max_length=17, blank=True, db_index=True)

    class Meta:
        verbose_name = _("vehicle involved")
        verbose_name_plural = _("vehicles involved")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.plate or self.vin


class CluePlace(models.Model):
    """A place or a repair shop involved."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="places")
    addendum = models.ForeignKey(Addendum, on_delete=models.PROTECT, null=True, blank=True, related_name="places")
    kind = models.CharField(_("kind"), max_length=CODE_MAX,
                            choices=[(code, text.en) for code, text in PLACE_KINDS.items()])  # fmt: skip
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("place involved")
        verbose_name_plural = _("places involved")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class ClueNote(models.Model):
    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="notes")
    text = EncryptedTextField(_("note"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey(AntiFraudCommittee, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("casework note")
        verbose_name_plural = _("casework notes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.clue_id} note {self.pk}"


class FileRequest(models.Model):
    """A committee asks an insurer for its files on a clue; the insurer answers inside the platform."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="file_requests")
    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="+", verbose_name=_("insurer"))
    committee = models.ForeignKey(AntiFraudCommittee, on_delete=models.PROTECT, related_name="+")
    question = EncryptedTextField(_("what is asked"))  # may name people: encrypted at rest as the answer is
    due = models.DateField(_("answer by"), null=True, blank=True)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    answer = EncryptedTextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")  # fmt: skip
    answered_at = models.DateTimeField(null=True, blank=True)
    # The photographed documents the insurer answers with: their own evidence file, read by the committee and by the
    # company that answered (not by the reporter); added to until the answer is given, then closed with it.
    evidence = models.OneToOneField("evidence.EvidenceFile", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="file_request")  # fmt: skip

    class Meta:
        verbose_name = _("request for files")
        verbose_name_plural = _("requests for files")
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return f"{self.clue_id} → {self.insurer_id}"


class RewardRatio(models.Model):
    """An insurer's reward ratio for confirmed fraud, by effective date (a revision is a new row)."""

    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="+", verbose_name=_("insurer"))
    ratio = models.DecimalField(_("ratio"), max_digits=5, decimal_places=4,
                                help_text=_("A fraction of the amount saved: 0.0500 is 5 %."))  # fmt: skip
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)

    class Meta:
        verbose_name = _("reward ratio")
        verbose_name_plural = _("reward ratios")
        ordering = ["insurer__code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["insurer", "effective_from"], name="reward_ratio_once_per_day"),
            models.CheckConstraint(condition=models.Q(ratio__gte=0, ratio__lte=1), name="reward_ratio_fraction"),
        ]

    def __str__(self) -> str:
        return f"{self.insurer_id} {self.ratio} {self.effective_from}"


class Reward(models.Model):
    """What the underwriting company owes the reporting adjuster for a confirmed clue (R11), and its payment."""

    clue = models.OneToOneField(Clue, on_delete=models.PROTECT, related_name="reward")
    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="+")
    adjuster = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fraud_rewards")
    amount_saved = models.DecimalField(max_digits=12, decimal_places=2)
    ratio = models.DecimalField(max_digits=5, decimal_places=4)
    amount = models.DecimalField(_("reward (yuan)"), max_digits=12, decimal_places=2)
    computed_at = models.DateTimeField()
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=60, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")  # fmt: skip

    class Meta:
        verbose_name = _("fraud reward")
        verbose_name_plural = _("fraud rewards")
        ordering = ["-computed_at"]

    def __str__(self) -> str:
        return f"{self.clue_id} {self.amount}"


class ClueEvent(models.Model):
    """Append-only and hash-chained per clue (decision 0012): who did what, when."""

    clue = models.ForeignKey(Clue, on_delete=models.PROTECT, related_name="events")
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
        verbose_name = _("clue event")
        verbose_name_plural = _("clue events")
        ordering = ["clue_id", "sequence"]
        constraints = [models.UniqueConstraint(fields=["clue", "sequence"], name="clue_event_sequence")]

    def __str__(self) -> str:
        return f"{self.clue_id}#{self.sequence} {self.kind}"

    def payload(self, number: str) -> dict[str, object]:
        return {"clue": number, "sequence": self.sequence, "kind": self.kind, "actor": self.actor_id,
                "at": self.at.astimezone(UTC).isoformat(), "data": self.data}  # fmt: skip


# The analysis half (issue 16) lives in its own module; imported here so that Django finds its models.
from claimbridge.fraud.analysis_models import CaseLink, CaseScore, LearnedModel, Ring, RingLook, RingMember  # noqa: E402, F401
