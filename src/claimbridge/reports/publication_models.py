"""The periodic progress report the associations publish (R19, B10): a report per month or quarter, in versions.

A version is drafted with the period's figures as they stand in the roll-ups at that moment, already made public-safe
(`reports.publication_snapshot`), and the association's texts; approved by another association user than the one who
last wrote it (four eyes); then published, with its PDF and spreadsheet stored beside it. A published version never
changes: the services only ever insert one and then set it published in the same statement as its files, and a
database trigger (migration 0003) refuses any later update of it. A correction is a new version of the same report,
with its reason, approved and published again; the public sees the newest published version and the earlier ones
with their reasons.

Every step writes a `ReportEvent`, append-only and hash-chained per report as the register's are (decision 0012).
"""

from __future__ import annotations

from datetime import UTC, date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")


class VersionState(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
    PUBLISHED = "published", _("published")


class ProgressReport(models.Model):
    """第N期: one period's report; its versions carry the figures and texts."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("first month"))  # the first day of the period's first month
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    events_count = models.PositiveIntegerField(default=0)  # the head of the report's event chain
    last_event_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-period_start", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "period_start"], name="one_report_per_period")]

    def __str__(self) -> str:
        return f"{self.number} {self.kind} {self.period_start:%Y-%m}"

    @property
    def period_last(self) -> date:
        """The first day of the period's last month."""
        if self.kind == PeriodKind.MONTHLY:
            return self.period_start
        month = self.period_start.month + 2
        return date(self.period_start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


class ReportVersion(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="versions")
    n = models.PositiveSmallIntegerField(_("version"))
    state = models.CharField(_("state"), max_length=10, choices=VersionState.choices, default=VersionState.DRAFT)
    snapshot = models.JSONField(default=dict)  # the public-safe figures (publication_snapshot.build)
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    highlights_zh = models.TextField(_("highlights (Chinese)"), blank=True)
    highlights_en = models.TextField(_("highlights (English)"), blank=True)
    correction_reason = models.TextField(_("reason for the correction"), blank=True)  # every version after the first
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(default=timezone.now)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")  # the last
    edited_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                    blank=True)  # fmt: skip
    approved_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                     blank=True)  # fmt: skip
    published_at = models.DateTimeField(null=True, blank=True)
    pdf_name = models.CharField(max_length=200, blank=True)  # in default storage, written when published
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    xlsx_name = models.CharField(max_length=200, blank=True)
    xlsx_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["report", "n"]
        constraints = [
            models.UniqueConstraint(fields=["report", "n"], name="one_version_number_per_report"),
            # one version at a time is being worked on: a correction waits for the open one to be published
            models.UniqueConstraint(fields=["report"], condition=~Q(state="published"), name="one_open_version"),
            models.CheckConstraint(condition=Q(n=1) | ~Q(correction_reason=""), name="correction_has_a_reason"),
            models.CheckConstraint(
                condition=~Q(state="published") | (Q(published_at__isnull=False) & ~Q(pdf_sha256="")),
                name="published_version_has_its_files",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report.number} v{self.n} {self.state}"


class ReportEvent(models.Model):
    """Append-only: who did what to a report's versions, when (B9)."""

    class Kind(models.TextChoices):
        DRAFTED = "drafted", _("drafted")
        EDITED = "edited", _("edited")  # details: the fields changed; whether the figures were computed again and
        # an approval withdrawn (an approved version edited goes back to draft)
        APPROVED = "approved", _("approved")
        PUBLISHED = "published", _("published")
        CORRECTION_STARTED = "correction_started", _("correction started")

    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="events")
    version = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    details = models.JSONField(default=dict, blank=True)
    sequence = models.PositiveIntegerField()
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=8, blank=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["report", "sequence"]
        constraints = [models.UniqueConstraint(fields=["report", "sequence"], name="report_event_sequence")]

    def __str__(self) -> str:
        return f"{self.report_id}#{self.sequence} v{self.version} {self.kind}"

    def payload(self) -> dict[str, object]:
        """What the link covers: the report, the event's place in its chain, and the event."""
        return {"report": self.report_id, "sequence": self.sequence, "version": self.version, "kind": self.kind,
                "actor": self.actor_id, "at": self.at.astimezone(UTC).isoformat(), "details": self.details}  # fmt: skip
