"""On the first day of each month: compute and publish last month's reports (R15)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from claimbridge.credentials.reports import month_compute, month_publish, previous_month


@task()
def monthly_feedback() -> int:
    month = previous_month(timezone.localdate())
    month_compute(month=month)
    return month_publish(month=month)
