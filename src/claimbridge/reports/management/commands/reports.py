"""`claimbridge reports rebuild|sweep|reconcile|check` (issue 17): the operator's and the scheduled jobs' door to the
roll-ups behind every figure.

- `rebuild`: recompute every fact and roll-up from the raw rows (after a restore, or a change to a figure's rule).
- `sweep`: refresh the facts whose service clock fell due without a write (cron, every 10 minutes:
  `*/10 * * * * claimbridge reports sweep`), so that SLA adherence counts a missed clock when it is missed.
- `reconcile [--days N]`: refresh every case of the last N days (default 35) whose facts do not match its rows — a
  refresh lost with a killed worker (nightly: `30 2 * * * claimbridge reports reconcile`).
- `check`: recompute the roll-ups from the facts in memory and compare them with the stored ones; exit 1 when they
  differ (what a restore drill runs).
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from claimbridge.reports import rollups


class Command(BaseCommand):
    help = "Rebuild the statistics' roll-ups from the raw rows, sweep clocks fallen due, reconcile lost refreshes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("rebuild", "sweep", "reconcile", "check"))
        parser.add_argument("--days", type=int, default=35, help="reconcile: how many days back")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        action = options["action"]
        result: dict[str, Any] = {}
        if action == "rebuild":
            result = dict(rollups.rebuild())
        elif action == "sweep":
            result = {"facts_refreshed": rollups.sweep_due()}
        elif action == "reconcile":
            if options["days"] < 1:
                raise CommandError("--days must be at least 1 / --days 至少为 1")
            since = timezone.now() - timedelta(days=options["days"])
            result = {"facts_refreshed": rollups.reconcile(since=since)}
        else:
            differences = rollups.check()
            result = {"differences": len(differences), "first": differences[:5]}
            if differences:
                self.stdout.write(json.dumps(result, default=str))
                raise CommandError("the roll-ups differ from the facts / 汇总与明细不一致")
        result["seconds"] = round(time.perf_counter() - started, 2)
        self.stdout.write(json.dumps(result, default=str))
