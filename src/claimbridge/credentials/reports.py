"""R15: the monthly count of other companies' customers served, per association, company and adjuster."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claimbridge.core.masking import mask_name
from claimbridge.credentials.models import MonthlyReport, ReportCorrection, ServiceStop
from claimbridge.organisations.models import Association

CHINA = ZoneInfo("Asia/Shanghai")


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month in China time, as aware instants: [first day 00:00, next month's first day 00:00)."""
    start = month.replace(day=1)
    following = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return datetime.combine(start, time(), CHINA), datetime.combine(following, time(), CHINA)


def previous_month(today: date) -> date:
    first = today.replace(day=1)
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def compute_rows(*, association: Association, insurer_id: int, month: date, rate: Decimal) -> list[dict[str, Any]]:
    """Each adjuster of the company whose stops were in the association's city: other companies' customers served
    (a case counted once however many stops it took)."""
    start, end = month_bounds(month)
    stops = (ServiceStop.objects.filter(insurer_id=insurer_id, at__gte=start, at__lt=end, county__city=association.city,
                                        customer_insurer__isnull=False)
             .exclude(customer_insurer_id=insurer_id).select_related("adjuster").order_by("adjuster_id", "at"))  # fmt: skip
    counted: dict[int, dict[str, Any]] = {}
    seen: set[tuple[int, Any]] = set()
    for stop in stops:
        key = (stop.adjuster_id, stop.case_id if stop.case_id else f"stop-{stop.pk}")
        if key in seen:
            continue
        seen.add(key)
        row = counted.setdefault(
            stop.adjuster_id,
            {
                "adjuster": stop.adjuster_id,
                "name": mask_name(stop.adjuster.full_name or stop.adjuster.username),
                "cases": 0,
            },
        )
        row["cases"] += 1
    rows = sorted(counted.values(), key=lambda r: r["adjuster"])
    for row in rows:
        row["reward"] = str((rate * row["cases"]).quantize(Decimal("0.01")))
    return rows


@transaction.atomic
def month_compute(*, month: date, by: Any = None, reason: str = "") -> list[MonthlyReport]:
    """Compute (or recompute) every association × company report of the month. Unpublished reports are replaced;
    a published one whose figures changed keeps them and gets a correction with the reason."""
    from claimbridge.organisations.models import Insurer

    month = month.replace(day=1)
    rate = Decimal(str(settings.ADJUSTER_REWARD_PER_CASE))
    reports = []
    for association in Association.objects.select_related("city"):
        for insurer in Insurer.objects.all():
            rows = compute_rows(association=association, insurer_id=insurer.pk, month=month, rate=rate)
            totals = {"total_cases": sum(r["cases"] for r in rows),
                      "total_reward": sum((Decimal(r["reward"]) for r in rows), Decimal(0))}  # fmt: skip
            report = MonthlyReport.objects.filter(association=association, insurer=insurer, month=month).first()
            if report is None:
                report = MonthlyReport.objects.create(association=association, insurer=insurer, month=month, rate=rate,
                                                      rows=rows, computed_at=timezone.now(), **totals)  # fmt: skip
            elif report.rows != rows:
                if report.published_at is not None:
                    ReportCorrection.objects.create(report=report, rows_before=report.rows, rows_after=rows,
                                                    reason=reason or "recomputed", by=by)  # fmt: skip
                report.rows, report.computed_at = rows, timezone.now()
                report.total_cases, report.total_reward = totals["total_cases"], totals["total_reward"]
                report.save(update_fields=["rows", "computed_at", "total_cases", "total_reward"])
            reports.append(report)
    return reports


def month_publish(*, month: date) -> int:
    return MonthlyReport.objects.filter(month=month.replace(day=1), published_at__isnull=True).update(
        published_at=timezone.now()
    )
