"""Reading the progress reports (R19, B10): the public reads published versions only; the associations, the regulator
and the platform read every version (accounts/scope.py `sees_all_statistics`); the figures of a new version come from
the roll-ups only (reports.selectors.compute), made public-safe before they are kept (reports.public_tables)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from claimbridge.accounts.scope import Scope, scope_for
from claimbridge.organisations.models import City, County, Insurer
from claimbridge.reports import public_tables
from claimbridge.reports.public_tables import RawRow, period_last, trend_months
from claimbridge.reports.publication_models import ProgressReport, ReportEvent, ReportVersion, VersionState
from claimbridge.reports.selectors import FigureQuery, FigureRow, compute
from claimbridge.rules.common import Text
from claimbridge.stats.figures import FIGURES, base_of, value_of

UNKNOWN = Text("地区不明", "place not known")

# --- the figures of a new version ----------------------------------------------------------------------------------


def _raw(row: FigureRow | None, key: str, label: Text, group: str | None = None) -> RawRow:
    """A computed row; a place or month without any case is a row of zeros (it is published as such)."""
    if row is None:
        return RawRow(key, label, {f.code: value_of(f, {}, {}) for f in FIGURES}, {f.code: base_of(f, {}, {})
                      for f in FIGURES}, group)  # fmt: skip
    return RawRow(key, label, dict(row.values), dict(row.bases), group)


def snapshot_for(*, kind: str, start: date, now: datetime | None = None) -> dict[str, Any]:
    """The public-safe figures of the period as the roll-ups hold them now: totals, by city, by county, by insurer
    and the monthly trend (the twelve months up to the period's end)."""
    last = period_last(kind, start)
    period = FigureQuery(first=start, last=last)
    total = compute(period).total
    by_city = {row.key: row for row in compute(FigureQuery(first=start, last=last, by="city")).rows}
    by_county = {row.key: row for row in compute(FigureQuery(first=start, last=last, by="county")).rows}
    by_insurer = {row.key: row for row in compute(FigureQuery(first=start, last=last, by="insurer")).rows}
    months = trend_months(last)
    by_month = {row.key: row for row in compute(FigureQuery(first=months[0], last=last, by="month")).rows}

    cities = list(City.objects.order_by("-code"))  # 陇南 first, as the integration is named
    city_code = {city.pk: city.code for city in cities}
    city_rows = [_raw(by_city.get(str(city.pk)), city.code, Text(city.name, city.name_en or city.name))
                 for city in cities]  # fmt: skip
    county_rows = [
        _raw(by_county.get(str(county.pk)), county.code, Text(county.name, county.name_en or county.name),
             group=city_code.get(county.city_id))
        for county in County.objects.order_by("-city__code", "code")
    ]  # fmt: skip
    if "0" in by_county:  # cases placed in no county: a row of their own, in no city's line
        county_rows.append(_raw(by_county["0"], "", UNKNOWN))
    insurers = {str(insurer.pk): insurer for insurer in Insurer.objects.all()}
    insurer_rows = [
        _raw(row, insurers[key].code, Text(insurers[key].short_name, insurers[key].short_name_en or
                                           insurers[key].short_name))
        for key, row in sorted(by_insurer.items(), key=lambda item: insurers[item[0]].code if item[0] in insurers
                               else "~")
        if key in insurers
    ]  # fmt: skip
    month_rows = [
        _raw(by_month.get(f"{month:%Y-%m}"), f"{month:%Y-%m}", public_tables.month_label(f"{month:%Y-%m}"),
             group="period" if month >= start else None)
        for month in months
    ]  # fmt: skip
    moment = timezone.localtime(now or timezone.now())
    return public_tables.public_snapshot(
        kind=kind, start=start, computed_at=moment.isoformat(timespec="minutes"),
        total=_raw(total, "total", Text("合计", "Total")), cities=city_rows, counties=county_rows,
        insurers=insurer_rows, months=month_rows,
    )  # fmt: skip


# --- who reads what -------------------------------------------------------------------------------------------------


def reads_every_version(scope: Scope) -> bool:
    """Drafts and approved versions: those who see all the statistics (the associations, the regulator, the
    platform); everyone else, the public included, reads published versions only."""
    return scope.sees_all_statistics


def _versions(scope: Scope) -> QuerySet[ReportVersion]:
    versions = ReportVersion.objects.select_related("report").order_by("n")
    if not reads_every_version(scope):
        versions = versions.filter(state=VersionState.PUBLISHED)
    return versions


def report_list_for_user(*, user: Any) -> list[ProgressReport]:
    """Every report with its versions (drafts included) for those who read them; nothing for anyone else."""
    scope = scope_for(user)
    if not reads_every_version(scope):
        return []
    return list(
        ProgressReport.objects.prefetch_related(Prefetch("versions", queryset=ReportVersion.objects.order_by("n")))
    )


def report_get_for_user(*, user: Any, number: int) -> ProgressReport | None:
    """A report as the user may see it: any report for the readers of every version; for the public, a report with
    at least one published version."""
    scope = scope_for(user)
    reports = ProgressReport.objects.filter(number=number)
    if not reads_every_version(scope):
        reports = reports.filter(versions__state=VersionState.PUBLISHED).distinct()
    return reports.first()


def versions_of(*, user: Any, report: ProgressReport) -> list[ReportVersion]:
    people = [f"{who}__association" for who in ("drafted_by", "edited_by", "approved_by", "published_by")]
    return list(_versions(scope_for(user)).filter(report=report).select_related(*people))


def version_get_for_user(*, user: Any, number: int, n: int) -> ReportVersion | None:
    return _versions(scope_for(user)).filter(report__number=number, n=n).first()


def open_version(report: ProgressReport) -> ReportVersion | None:
    """The version being worked on (a draft or approved, not yet published), if any."""
    return report.versions.exclude(state=VersionState.PUBLISHED).order_by("-n").first()


def events_of(*, user: Any, report: ProgressReport) -> list[ReportEvent]:
    if not reads_every_version(scope_for(user)):
        return []
    return list(report.events.select_related("actor__association").order_by("sequence"))


# --- what the public reads ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    report: ProgressReport
    version: ReportVersion  # the one shown
    versions: list[ReportVersion]  # every published version of the report, the newest first


def published_reports() -> list[Published]:
    """Every report with a published version, the latest period first (quarterly before monthly for the same
    start), each with its newest published version."""
    versions = ReportVersion.objects.filter(state=VersionState.PUBLISHED).select_related("report").order_by("-n")
    by_report: dict[int, list[ReportVersion]] = {}
    for version in versions:
        by_report.setdefault(version.report_id, []).append(version)
    found = [Published(found[0].report, found[0], found) for found in by_report.values()]
    return sorted(found, key=lambda item: (-period_last(item.report.kind, item.report.period_start).toordinal(),
                                           item.report.kind != "quarterly"))  # fmt: skip


def published(*, number: int | None = None, n: int | None = None) -> Published | None:
    """The newest published report (or report `number`), showing its newest published version (or version `n`)."""
    reports = published_reports()
    chosen = reports[0] if reports and number is None else next((r for r in reports if r.report.number == number), None)
    if chosen is None:
        return None
    if n is None:
        return chosen
    version = next((v for v in chosen.versions if v.n == n), None)
    return Published(chosen.report, version, chosen.versions) if version is not None else None


def next_number() -> int:
    last = ProgressReport.objects.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def report_for_period(*, kind: str, start: date) -> ProgressReport | None:
    return ProgressReport.objects.filter(kind=kind, period_start=start).first()


def drafted_periods() -> set[tuple[str, date]]:
    return set(ProgressReport.objects.values_list("kind", "period_start"))


def stored_document(version: ReportVersion, kind: str) -> bytes | None:
    """The PDF or spreadsheet stored when the version was published (None if it is not, or the file is gone)."""
    from django.core.files.storage import default_storage

    name = version.pdf_name if kind == "pdf" else version.xlsx_name if kind == "xlsx" else ""
    if not name or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as stored:
        return bytes(stored.read())
