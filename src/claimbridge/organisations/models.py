"""The two cities, their counties, and every organisation that takes part in the integration (R16, R17)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from claimbridge.core.errors import reading_english


class BilingualName(models.Model):
    """Chinese is the name of record; the English name is shown when the user reads English."""

    name = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and reading_english():
            return self.name_en
        return self.name


class City(BilingualName):
    code = models.CharField(_("administrative code"), max_length=6, unique=True)
    plate_prefix = models.CharField(_("plate prefix"), max_length=2, unique=True)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["code"]


class County(BilingualName):
    code = models.CharField(_("administrative code"), max_length=6, unique=True)
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="counties", verbose_name=_("city"))

    class Meta:
        verbose_name = _("county or district")
        verbose_name_plural = _("counties and districts")
        ordering = ["code"]


class Insurer(BilingualName):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    short_name = models.CharField(_("short name"), max_length=40)
    short_name_en = models.CharField(_("short name (English)"), max_length=60, blank=True)
    hotline = models.CharField(_("claims hotline"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("insurer")
        verbose_name_plural = _("insurers")
        ordering = ["code"]

    @property
    def display_short_name(self) -> str:
        if self.short_name_en and reading_english():
            return self.short_name_en
        return self.short_name


class BranchLevel(models.TextChoices):
    CITY = "city", _("city-level branch")
    COUNTY = "county", _("county sub-branch")


class Branch(BilingualName):
    """A city-level branch (中心支公司) or a county sub-branch (支公司) under it."""

    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="branches", verbose_name=_("insurer"))
    level = models.CharField(_("level"), max_length=10, choices=BranchLevel.choices)
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="branches", verbose_name=_("city"))
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
        verbose_name=_("county"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_branches",
        verbose_name=_("parent branch"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("office phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["insurer__code", "city__code", "level", "county__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["insurer", "city"],
                condition=models.Q(level="city"),
                name="one_city_branch_per_insurer_and_city",
            ),
            models.CheckConstraint(
                condition=(models.Q(level="city", county__isnull=True, parent__isnull=True))
                | models.Q(level="county", county__isnull=False, parent__isnull=False),
                name="branch_level_matches_county_and_parent",
            ),
        ]


class ClaimsUnit(BilingualName):
    """A claims unit (理赔分部) of a branch: the people who serve the counties assigned to it (R16)."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="claims_units", verbose_name=_("branch"))
    phone = models.CharField(_("service phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    hours = models.CharField(_("opening hours"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("claims unit")
        verbose_name_plural = _("claims units")
        ordering = ["branch__insurer__code", "branch__city__code", "name"]

    @property
    def insurer(self) -> Insurer:
        return self.branch.insurer

    @property
    def city(self) -> City:
        return self.branch.city


class ServiceArea(models.Model):
    """County → the one claims unit of an insurer that serves it. The database refuses a county given twice."""

    insurer = models.ForeignKey(
        Insurer, on_delete=models.CASCADE, related_name="service_areas", verbose_name=_("insurer")
    )
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="service_areas", verbose_name=_("county"))
    claims_unit = models.ForeignKey(
        ClaimsUnit, on_delete=models.PROTECT, related_name="service_areas", verbose_name=_("claims unit")
    )

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        ordering = ["insurer__code", "county__code"]
        constraints = [
            models.UniqueConstraint(fields=["insurer", "county"], name="one_claims_unit_per_insurer_and_county"),
        ]

    def __str__(self) -> str:
        return f"{self.county} → {self.claims_unit}"


class Association(BilingualName):
    """A city's insurance industry association (保险行业协会)."""

    city = models.OneToOneField(City, on_delete=models.PROTECT, related_name="association", verbose_name=_("city"))

    class Meta:
        verbose_name = _("insurance association")
        verbose_name_plural = _("insurance associations")
        ordering = ["city__code"]


class CoordinationGroup(BilingualName):
    """The two associations' joint coordination group (R17)."""

    associations = models.ManyToManyField(Association, related_name="coordination_groups", verbose_name=_("members"))

    class Meta:
        verbose_name = _("coordination group")
        verbose_name_plural = _("coordination groups")


class AntiFraudCommittee(BilingualName):
    associations = models.ManyToManyField(Association, related_name="antifraud_committees", verbose_name=_("members"))

    class Meta:
        verbose_name = _("anti-fraud committee")
        verbose_name_plural = _("anti-fraud committees")


class TrafficPoliceUnit(BilingualName):
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="police_units", verbose_name=_("city"))
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="police_units",
        verbose_name=_("county"),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("traffic police unit")
        verbose_name_plural = _("traffic police units")
        ordering = ["city__code", "county__code"]
