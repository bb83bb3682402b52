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
    (a case counted once however many stops it took), and the rewards for confirmed fraud that the underwriting
    companies owe them for clues of the city decided in the month (R11, R15)."""
    start, end = month_bounds(month)
    stops = (ServiceStop.objects.filter(insurer_id=insurer_id, at__gte=start, at__lt=end, county__city=association.city,
                                        customer_insurer__isnull=False)
             .exclude(customer_insurer_id=insurer_id).select_related("adjuster").order_by("adjuster_id", "at"))  # fmt: skip
    counted: dict[int, dict[str, Any]] = {}

    def row_of(user: Any) -> dict[str, Any]:
        return counted.setdefault(user.pk, {"adjuster": user.pk, "name": mask_name(user.full_name or user.username),
                                            "cases": 0, "fraud_rewards": 0, "fraud_reward": Decimal(0)})  # fmt: skip

    seen: set[tuple[int, Any]] = set()
    for stop in stops:
        key = (stop.adjuster_id, stop.case_id if stop.case_id else f"stop-{stop.pk}")
        if key in seen:
            continue
        seen.add(key)
        row_of(stop.adjuster)["cases"] += 1
    for reward in fraud_rewards_of(association=association, insurer_id=insurer_id, start=start, end=end):
        row = row_of(reward.adjuster)
        row["fraud_rewards"] += 1
        row["fraud_reward"] += reward.amount
    rows = sorted(counted.values(), key=lambda r: r["adjuster"])
    for row in rows:
        row["reward"] = str((rate * row["cases"]).quantize(Decimal("0.01")))
        row["fraud_reward"] = str(Decimal(row["fraud_reward"]).quantize(Decimal("0.01")))
    return rows


def fraud_rewards_of(*, association: Association, insurer_id: int, start: datetime, end: datetime) -> Any:
    """The fraud rewards (R11) computed in [start, end) for clues filed by the company's adjusters, counted in the
    report of the city where the clue happened (a clue with no known place: the city of the reporter's register
    entry), so that each reward is in exactly one report."""
    from django.db.models import Q

    from claimbridge.fraud.models import Reward

    home = Q(clue__city__isnull=True, adjuster__register_entries__association=association)
    return (Reward.objects.filter(clue__reporter_insurer_id=insurer_id, computed_at__gte=start, computed_at__lt=end)
            .filter(Q(clue__city_id=association.city_id) | home).select_related("adjuster").distinct()
            .order_by("pk"))  # fmt: skip


def figures(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What a report says, for telling whether a recomputation changed it (rows made before the fraud rewards were
    counted said nothing of them: zero)."""
    return [(r["adjuster"], r["cases"], r["reward"], r.get("fraud_rewards", 0), r.get("fraud_reward", "0.00"))
            for r in rows]  # fmt: skip


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
                      "total_reward": sum((Decimal(r["reward"]) for r in rows), Decimal(0)),
                      "total_fraud_reward": sum((Decimal(r["fraud_reward"]) for r in rows), Decimal(0))}  # fmt: skip
            report = MonthlyReport.objects.filter(association=association, insurer=insurer, month=month).first()
            if report is None:
                report = MonthlyReport.objects.create(association=association, insurer=insurer, month=month, rate=rate,
                                                      rows=rows, computed_at=timezone.now(), **totals)  # fmt: skip
            elif figures(report.rows) != figures(rows):
                if report.published_at is not None:
                    ReportCorrection.objects.create(report=report, rows_before=report.rows, rows_after=rows,
                                                    reason=reason or "recomputed", by=by)  # fmt: skip
                report.rows, report.computed_at = rows, timezone.now()
                report.total_cases, report.total_reward = totals["total_cases"], totals["total_reward"]
                report.total_fraud_reward = totals["total_fraud_reward"]
                report.save(update_fields=["rows", "computed_at", "total_cases", "total_reward", "total_fraud_reward"])
            reports.append(report)
    return reports


def month_publish(*, month: date) -> int:
    return MonthlyReport.objects.filter(month=month.replace(day=1), published_at__isnull=True).update(
        published_at=timezone.now()
    )
