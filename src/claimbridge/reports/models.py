"""Roll-ups of the integration's figures (issue 17): kept at write time, so that no dashboard scans the raw cases.

`PartyFact` remembers what each party of a reported case contributes (stats.facts), so a change applies the
difference to the roll-ups; `CaseRollup` sums the facts per month × county × company × claims unit × channel;
`DurationCount` counts waits per bucket at the groupings dashboards ask for; stops and clues have their own.
Dimension columns are plain integers (0: none or not part of the grouping), amounts whole fen (exact on SQLite too).
`claimbridge reports rebuild` recomputes all of it from the raw rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from claimbridge.stats.facts import MEASURES

SLA_CLOCKS = ("first_contact", "survey", "closure")  # settings.CASE_SLA_MINUTES' clocks; a test keeps them the same


class PartyFact(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+", db_index=False)
    label = models.CharField(max_length=2)
    month = models.DateField()
    city_id = models.IntegerField(default=0)
    county_id = models.IntegerField(default=0)
    insurer_id = models.IntegerField(default=0)
    claims_unit_id = models.IntegerField(default=0)
    channel = models.CharField(max_length=10)
    cases = models.PositiveIntegerField(default=0)
    cases_ins = models.PositiveIntegerField(default=0)
    agreed = models.PositiveIntegerField(default=0)
    agreed_ins = models.PositiveIntegerField(default=0)
    police = models.PositiveIntegerField(default=0)
    police_ins = models.PositiveIntegerField(default=0)
    parties = models.PositiveIntegerField(default=0)
    uw_known = models.PositiveIntegerField(default=0)
    cross_region = models.PositiveIntegerField(default=0)
    one_stop = models.PositiveIntegerField(default=0)
    claims = models.PositiveIntegerField(default=0)
    settled = models.PositiveIntegerField(default=0)
    paid = models.PositiveIntegerField(default=0)
    handoffs = models.PositiveIntegerField(default=0)
    amount_settled_fen = models.BigIntegerField(default=0)
    amount_paid_fen = models.BigIntegerField(default=0)
    sla_first_contact = models.CharField(max_length=8, blank=True)  # met | missed | open | none | ""
    sla_survey = models.CharField(max_length=8, blank=True)
    sla_closure = models.CharField(max_length=8, blank=True)
    bucket_first_contact = models.IntegerField(null=True)
    bucket_survey = models.IntegerField(null=True)
    bucket_settlement = models.IntegerField(null=True)
    bucket_payment = models.IntegerField(null=True)
    minutes_first_contact = models.IntegerField(null=True)
    minutes_survey = models.IntegerField(null=True)
    minutes_settlement = models.IntegerField(null=True)
    minutes_payment = models.IntegerField(null=True)
    next_due_at = models.DateTimeField(null=True, db_index=True)  # the sweep refreshes the fact then
    events_count = models.PositiveIntegerField(default=0)  # the case's, when the fact was made

    class Meta:
        verbose_name = _("party fact")
        verbose_name_plural = _("party facts")
        constraints = [models.UniqueConstraint(fields=["case", "label"], name="one_fact_per_party")]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.label}"


CASE_KEYS = ("month", "city_id", "county_id", "insurer_id", "claims_unit_id", "channel")


class CaseRollup(models.Model):
    month = models.DateField()
    city_id = models.IntegerField(default=0)
    county_id = models.IntegerField(default=0)
    insurer_id = models.IntegerField(default=0)
    claims_unit_id = models.IntegerField(default=0)
    channel = models.CharField(max_length=10)
    cases = models.IntegerField(default=0)
    cases_ins = models.IntegerField(default=0)
    agreed = models.IntegerField(default=0)
    agreed_ins = models.IntegerField(default=0)
    police = models.IntegerField(default=0)
    police_ins = models.IntegerField(default=0)
    parties = models.IntegerField(default=0)
    uw_known = models.IntegerField(default=0)
    cross_region = models.IntegerField(default=0)
    one_stop = models.IntegerField(default=0)
    claims = models.IntegerField(default=0)
    settled = models.IntegerField(default=0)
    paid = models.IntegerField(default=0)
    handoffs = models.IntegerField(default=0)
    amount_settled_fen = models.BigIntegerField(default=0)
    amount_paid_fen = models.BigIntegerField(default=0)
    sla_first_contact_met = models.IntegerField(default=0)
    sla_first_contact_due = models.IntegerField(default=0)
    sla_survey_met = models.IntegerField(default=0)
    sla_survey_due = models.IntegerField(default=0)
    sla_closure_met = models.IntegerField(default=0)
    sla_closure_due = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("case roll-up")
        verbose_name_plural = _("case roll-ups")
        constraints = [models.UniqueConstraint(fields=list(CASE_KEYS), name="one_case_rollup_per_cell")]
        indexes = [models.Index(fields=["insurer_id", "month"], name="case_rollup_insurer_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.county_id}/{self.insurer_id}/{self.claims_unit_id}/{self.channel}"


# Groupings the waits are counted at: (grain → the dimensions it keeps). A dashboard reads the coarsest one that
# answers its question (reports.selectors), so a market-wide median reads a few thousand rows whatever the volume.
GRAINS: dict[str, tuple[str, ...]] = {
    "all": (),
    "city": ("city_id",),
    "county": ("city_id", "county_id"),
    "insurer": ("insurer_id",),
    "insurer_city": ("insurer_id", "city_id"),
    "insurer_county": ("insurer_id", "city_id", "county_id"),
    "unit": ("insurer_id", "claims_unit_id"),
}
DURATION_KEYS = ("grain", "month", "city_id", "county_id", "insurer_id", "claims_unit_id", "measure", "bucket")


class DurationCount(models.Model):
    grain = models.CharField(max_length=16, choices=[(grain, grain) for grain in GRAINS])
    month = models.DateField()
    city_id = models.IntegerField(default=0)
    county_id = models.IntegerField(default=0)
    insurer_id = models.IntegerField(default=0)
    claims_unit_id = models.IntegerField(default=0)
    measure = models.CharField(max_length=16, choices=[(measure, measure) for measure in MEASURES])
    bucket = models.IntegerField()
    n = models.IntegerField(default=0)
    minutes = models.BigIntegerField(default=0)  # their sum: a quantile above four hours is its bucket's mean

    class Meta:
        verbose_name = _("wait count")
        verbose_name_plural = _("wait counts")
        constraints = [models.UniqueConstraint(fields=list(DURATION_KEYS), name="one_duration_count_per_bucket")]

    def __str__(self) -> str:
        return f"{self.grain} {self.month:%Y-%m} {self.measure} {self.bucket}: {self.n}"


STOP_KEYS = ("month", "city_id", "county_id", "insurer_id")


class StopRollup(models.Model):
    """Adjusters' stops per month, county and the adjuster's company (R7, R15)."""

    month = models.DateField()
    city_id = models.IntegerField(default=0)
    county_id = models.IntegerField(default=0)
    insurer_id = models.IntegerField(default=0)
    stops = models.IntegerField(default=0)
    stops_other = models.IntegerField(default=0)  # another company's customer served

    class Meta:
        verbose_name = _("stop roll-up")
        verbose_name_plural = _("stop roll-ups")
        constraints = [models.UniqueConstraint(fields=list(STOP_KEYS), name="one_stop_rollup_per_cell")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.county_id}/{self.insurer_id}"


CLUE_KEYS = ("month", "city_id", "county_id", "insurer_id")


class ClueRollup(models.Model):
    """Fraud clues per month of submission, county and the reporting adjuster's company (R11, R20)."""

    month = models.DateField()
    city_id = models.IntegerField(default=0)
    county_id = models.IntegerField(default=0)
    insurer_id = models.IntegerField(default=0)
    clues = models.IntegerField(default=0)
    confirmed = models.IntegerField(default=0)
    amount_saved_fen = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("clue roll-up")
        verbose_name_plural = _("clue roll-ups")
        constraints = [models.UniqueConstraint(fields=list(CLUE_KEYS), name="one_clue_rollup_per_cell")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.county_id}/{self.insurer_id}"


# Exports live in their own module; imported here so that Django finds the model.
from claimbridge.reports.export_models import ExportJob  # noqa: E402, F401

# The publication half (R19, B10) lives in its own module; imported here so that Django finds its models.
from claimbridge.reports.publication_models import ProgressReport, ReportEvent, ReportVersion  # noqa: E402, F401
