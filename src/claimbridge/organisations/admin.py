"""Back office for association staff: the cities, insurers, branches, claims units and who serves which county."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from claimbridge.accounts.scope import scope_for
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


class CityScoped:
    """An admin whose rows belong to a city: association staff see and change only their own city's (the scope's
    `administers_q`); the platform administrator everything."""

    city_lookup = "city_id"

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        return queryset.filter(scope_for(request.user).administers_q(self.city_lookup))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """Choices of a city, county or branch limited to what the user administers (no routing into the other city)."""
        scope = scope_for(request.user)
        related = {"city": "pk", "county": "city_id", "branch": "city_id", "claims_unit": "branch__city_id"}
        if db_field.name in related and not scope.is_platform_admin:
            kwargs["queryset"] = db_field.related_model.objects.filter(scope.administers_q(related[db_field.name]))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class CountyInline(CityScoped, admin.TabularInline):
    model = County
    extra = 0
    fields = ["code", "name", "name_en"]


@admin.register(City)
class CityAdmin(CityScoped, admin.ModelAdmin):
    city_lookup = "pk"

    list_display = ["code", "name", "name_en", "plate_prefix"]
    inlines = [CountyInline]


@admin.register(County)
class CountyAdmin(CityScoped, admin.ModelAdmin):
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


class ServiceAreaInline(CityScoped, admin.TabularInline):
    model = ServiceArea
    city_lookup = "county__city_id"
    formset = ServiceAreaFormSet
    extra = 0
    autocomplete_fields = ["county", "claims_unit"]


class BranchInline(CityScoped, admin.TabularInline):
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
class BranchAdmin(CityScoped, admin.ModelAdmin):
    list_display = ["name", "insurer", "level", "city", "county"]
    list_filter = ["insurer", "level", "city"]
    search_fields = ["name", "name_en"]
    list_select_related = ["insurer", "city", "county"]


@admin.register(ClaimsUnit)
class ClaimsUnitAdmin(CityScoped, admin.ModelAdmin):
    city_lookup = "branch__city_id"

    list_display = ["name", "branch", "phone", "hours"]
    list_filter = ["branch__insurer", "branch__city"]
    search_fields = ["name", "name_en", "branch__name"]
    list_select_related = ["branch__insurer"]

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        return super().get_search_results(request, queryset.select_related("branch__insurer"), search_term)


@admin.register(Association)
class AssociationAdmin(CityScoped, admin.ModelAdmin):
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
class TrafficPoliceUnitAdmin(CityScoped, admin.ModelAdmin):
    list_display = ["name", "city", "county", "phone"]
    list_filter = ["city"]
