"""The analysis half of the fraud app (issue 16; B5, R20): the link index, rings, scores and the looks at rings.

The link index holds pseudonyms only (fraud/pseudonyms.py, decision 0018): no ID number, phone, plate, VIN,
account, shop name or coordinate is ever written here, and a test reads every column of every row to prove it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claimbridge.cases.models import Case
from claimbridge.fraud import pseudonyms

LINK_KIND_NAMES = {
    "id_number": _("ID number"),
    "phone": _("mobile"),
    "plate": _("plate"),
    "vin": _("VIN"),
    "bank_account": _("bank account"),
    "repair_shop": _("repair shop"),
    "place": _("place"),
}
LINK_KINDS = [(kind, LINK_KIND_NAMES[kind]) for kind in pseudonyms.KINDS]  # the kernel's kinds, each named once


class CaseLink(models.Model):
    """One pseudonymised identifier of one case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="fraud_links", db_index=False)
    kind = models.CharField(_("kind"), max_length=16, choices=LINK_KINDS)
    pseudonym = models.CharField(max_length=64)  # hex HMAC-SHA256 under the link key of `key_version`
    key_version = models.CharField(max_length=8)
    masked = models.CharField(_("masked value"), max_length=40, blank=True)
    party = models.CharField(_("party"), max_length=2, blank=True)  # whose identifier ("": the case's own, a place)

    class Meta:
        verbose_name = _("case link")
        verbose_name_plural = _("case links")
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "pseudonym", "key_version"], name="case_link_once")
        ]
        indexes = [models.Index(fields=["key_version", "pseudonym"], name="case_link_pseudonym")]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.kind}"


class Ring(models.Model):
    """A connected group of cases (two or more); the committee's list shows those of at least `rings.MIN_SIZE`."""

    size = models.PositiveIntegerField(_("cases"), default=0)
    created_at = models.DateTimeField(_("found at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last grown"), default=timezone.now)

    class Meta:
        verbose_name = _("ring")
        verbose_name_plural = _("rings")
        indexes = [models.Index(fields=["-size"], name="ring_size")]

    def __str__(self) -> str:
        return f"R{self.pk} ({self.size})"


class RingMember(models.Model):
    """A case's place in a ring. A case linked to no other has none."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="ring_member")
    ring = models.ForeignKey(Ring, on_delete=models.CASCADE, related_name="members")
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ring member")
        verbose_name_plural = _("ring members")

    def __str__(self) -> str:
        return f"{self.case_id}∈{self.ring_id}"


class RingLook(models.Model):
    """Append-only: who looked at which ring, when, and which cases it showed them (B8: every look is recorded)."""

    ring_number = models.PositiveIntegerField(_("ring"))  # kept after a rescan has renumbered or dissolved it
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("user"))  # fmt: skip
    at = models.DateTimeField(_("at"), default=timezone.now)
    route = models.CharField(_("through"), max_length=8)  # "page" or "api"
    cases = models.JSONField(_("cases shown"), default=list)

    class Meta:
        verbose_name = _("look at a ring")
        verbose_name_plural = _("looks at rings")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"R{self.ring_number} · {self.user_id} · {self.at:%Y-%m-%d %H:%M}"


class LearnedModel(models.Model):
    """A trained score model (fraud/learn.py), identified by its content's SHA-256; at most one is in use."""

    version = models.CharField(_("version"), max_length=64, unique=True)
    content = models.TextField()  # the model file as `learn.Model.save` writes it
    rows = models.PositiveIntegerField(_("cases trained on"))
    positives = models.PositiveIntegerField(_("confirmed frauds among them"))
    metrics = models.JSONField(_("measured"), default=dict, blank=True)
    in_use = models.BooleanField(_("in use"), default=False)
    trained_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                   blank=True)  # fmt: skip
    created_at = models.DateTimeField(_("trained at"), default=timezone.now)

    class Meta:
        verbose_name = _("learned score model")
        verbose_name_plural = _("learned score models")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["in_use"], condition=models.Q(in_use=True), name="learned_model_one_in_use")
        ]

    def __str__(self) -> str:
        return self.version[:12]


class CaseScore(models.Model):
    """A case's fraud score: the kernel's rules (rules/fraud_score.py) with their reasons, and the learned model's
    calibrated probability with its contributions when a model is in use; recomputed whenever the case's facts do."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="fraud_score")
    score = models.PositiveSmallIntegerField(_("score"))
    band = models.CharField(_("band"), max_length=8)
    rules_version = models.PositiveIntegerField(_("rules version"))
    result = models.JSONField(default=dict)  # the kernel's FraudScore.as_dict()
    signals = models.JSONField(default=dict)  # the facts it read (counts and flags, no personal data)
    learned = models.FloatField(_("learned probability"), null=True, blank=True)
    learned_version = models.CharField(max_length=64, blank=True)
    learned_reasons = models.JSONField(default=list, blank=True)
    linked_cases = models.PositiveIntegerField(_("linked cases"), default=0)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("case score")
        verbose_name_plural = _("case scores")
        indexes = [models.Index(fields=["-score"], name="case_score_score")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.score}"
