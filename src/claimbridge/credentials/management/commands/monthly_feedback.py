"""`claimbridge monthly_feedback [--month YYYY-MM] [--reason TEXT]`: compute and publish a month's R15 reports
(by default last month; run from cron on the 1st). Re-running gives the same figures; a change after publication is
recorded as a correction with the reason."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from claimbridge.credentials.reports import month_compute, month_publish, previous_month


class Command(BaseCommand):
    help = "Compute and publish the monthly adjuster feedback (R15)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", default="")
        parser.add_argument("--reason", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = (
                date.fromisoformat(options["month"] + "-01")
                if options["month"]
                else previous_month(timezone.localdate())
            )
        except ValueError as error:
            raise CommandError("--month is YYYY-MM") from error
        reports = month_compute(month=month, reason=options["reason"])
        published = month_publish(month=month)
        self.stdout.write(f"{month:%Y-%m}: {len(reports)} reports, {published} newly published")
