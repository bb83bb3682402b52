"""`claimbridge recover`: enqueue again the background work whose task was lost (issue 19; B8).

A worker killed mid-task, or a queue out of reach when the work was enqueued, loses the task but not the work: the
rows say what is still to do. Run it every few minutes from cron (docs/operations/crontab). Drivers' texts and
webhooks have their own retry (`deliver_webhooks --loop`), the statistics their reconciliation (`reports`).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from claimbridge.evidence.services import evidence_processing_recover
from claimbridge.policies.services import policy_loads_recover


class Command(BaseCommand):
    help = "Enqueue again photos left unprocessed and uploaded policy tables left queued (their task was lost)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-minutes", type=float, default=5.0,
                            help="only work waiting at least this long (younger work may still be in the queue)")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        older_than = timedelta(minutes=options["older_than_minutes"])
        done = {
            "photos": evidence_processing_recover(older_than=older_than),
            "policy_loads": policy_loads_recover(older_than=older_than),
        }
        self.stdout.write(json.dumps(done))
