"""Back office for association staff: the cities, insurers, branches, claims units and who serves which county."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from claimbridge.organisations.models import (
    AntiFraudCommittee,
    Association,
    Branch,
    City,
    ClaimsUnit,
    CoordinationGroup,
    County,
    Insurer,
    ServiceArea,
    TrafficPoliceUnit,
)
from claimbridge.organisations.services import service_area_check


class CountyInline(admin.TabularInline):
    model = County
    extra = 0
    fields = ["code", "name", "name_en"]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "plate_prefix"]
    inlines = [CountyInline]


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "city"]
    list_filter = ["city"]
    search_fields = ["code", "name", "name_en"]


class ServiceAreaFormSet(BaseInlineFormSet):
    """Refuses to save a service area with a county left uncovered or covered twice (R16)."""

    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms):
            return
        pairs = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("county") or not data.get("claims_unit"):
                continue
            pairs.append((data["county"], data["claims_unit"]))
        issues = service_area_check(insurer=self.instance, assignments=pairs)
        if issues:
            raise ValidationError([issue.message for issue in issues])

    def validate_unique(self) -> None:
        # The coverage check reports a county given twice in the user's words; skip Django's generic message.
        return


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    formset = ServiceAreaFormSet
    extra = 0
    autocomplete_fields = ["county", "claims_unit"]


class BranchInline(admin.TabularInline):
    model = Branch
    extra = 0
    fields = ["level", "city", "county", "parent", "name", "name_en", "phone"]
    show_change_link = True


@admin.register(Insurer)
class InsurerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "is_active", "service_area_status"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "short_name", "name_en"]
    readonly_fields = ["service_area_status"]
    inlines = [BranchInline, ServiceAreaInline]

    @admin.display(description=_("service area"))
    def service_area_status(self, insurer: Insurer) -> str:
        if insurer.pk is None:
            return "—"
        issues = service_area_check(insurer=insurer)
        if not issues:
            return str(_("complete"))
        return format_html(
            '<ul class="errorlist">{}</ul>',
            format_html_join("", "<li>{}</li>", ((i.message,) for i in issues)),
        )


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["name", "insurer", "level", "city", "county"]
    list_filter = ["insurer", "level", "city"]
    search_fields = ["name", "name_en"]
    list_select_related = ["insurer", "city", "county"]


@admin.register(ClaimsUnit)
class ClaimsUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "branch", "phone", "hours"]
    list_filter = ["branch__insurer", "branch__city"]
    search_fields = ["name", "name_en", "branch__name"]
    list_select_related = ["branch__insurer"]

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        return super().get_search_results(request, queryset.select_related("branch__insurer"), search_term)


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "city"]


@admin.register(CoordinationGroup)
class CoordinationGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en"]
    filter_horizontal = ["associations"]


@admin.register(AntiFraudCommittee)
class AntiFraudCommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en"]
    filter_horizontal = ["associations"]


@admin.register(TrafficPoliceUnit)
class TrafficPoliceUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "county", "phone"]
    list_filter = ["city"]
