"""Exports of the figures' rows (issue 17, item 6): made by a task, their progress shown while they run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("being written")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    insurer_id = models.IntegerField(null=True)  # the company the rows are cut to (None: every company's cells)
    first = models.DateField(_("from month"))
    last = models.DateField(_("to month"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "reports"
        verbose_name = _("figures export")
        verbose_name_plural = _("figures exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.pk} {self.first:%Y-%m}…{self.last:%Y-%m} {self.state}"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(self.rows_done * 100 / self.rows_total) if self.rows_total else 0
