"""Configured retention rules (dated overrides of the kernel's schedule) and the sweep's reports (decision 0028)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from claimbridge.rules import retention as kernel

CATEGORY_CHOICES = [(category.value, category.value) for category in kernel.Category]
HOLDER_CHOICES = [(holder.value, holder.value) for holder in kernel.Holder]


class RetentionRule(models.Model):
    """A configured rule: from `effective_from` on, records of this category held by this role are kept this long
    from the kernel's anchor for them. It never rewrites the past; one shorter than a legal minimum is refused."""

    category = models.CharField(_("category"), max_length=32, choices=CATEGORY_CHOICES)
    holder = models.CharField(_("holder"), max_length=24, choices=HOLDER_CHOICES)
    keep_years = models.PositiveSmallIntegerField(_("years"), default=0)
    keep_days = models.PositiveIntegerField(_("days"), default=0)
    keep_minutes = models.PositiveIntegerField(_("minutes"), default=0)
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("basis"), max_length=200, help_text=_("the provision, agreement or rule behind it"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["category", "holder", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["category", "holder", "effective_from"], name="retention_rule_once")
        ]

    def __str__(self) -> str:
        return f"{self.category}/{self.holder} {self.effective_from}"

    def as_rule(self) -> kernel.Rule:
        """The kernel's rule, with the default's anchor for the same category and holder (the anchor is what the
        record is, not configuration)."""
        category, holder = kernel.Category(self.category), kernel.Holder(self.holder)
        default = next((rule for rule in kernel.DEFAULT_SCHEDULE if (rule.category, rule.holder) == (category, holder)),
                       None) or next(rule for rule in kernel.DEFAULT_SCHEDULE if rule.category == category)  # fmt: skip
        keep = kernel.Keep(self.keep_years, self.keep_days, self.keep_minutes)
        return kernel.Rule(category, holder, keep, default.anchor, self.effective_from, self.source)

    def clean(self) -> None:
        try:
            kernel.validate(self.as_rule())
        except kernel.RetentionRuleError as refused:
            raise ValidationError(f"{refused.zh} / {refused.en}", code=refused.code) from None
        except (ValueError, StopIteration):
            raise ValidationError(_("Unknown category or holder."), code="retention_unknown") from None


class RetentionRun(models.Model):
    """One sweep: when, whether it only looked (dry run), and per category how many records were anonymised,
    deleted and kept, with any errors. Holds no personal data: counts and record numbers."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    # {category: {"anonymised": n, "deleted": n, "kept": n}}
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)  # ["category number: what went wrong", …]
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")  # fmt: skip

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}{' (dry run)' if self.dry_run else ''}"

    def total(self, what: str) -> int:
        return sum(int(entry.get(what, 0)) for entry in self.counts.values())

    @property
    def total_anonymised(self) -> int:
        return self.total("anonymised")

    @property
    def total_deleted(self) -> int:
        return self.total("deleted")

    @property
    def total_kept(self) -> int:
        return self.total("kept")

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [{"category": name, **entry} for name, entry in sorted(self.counts.items())]
