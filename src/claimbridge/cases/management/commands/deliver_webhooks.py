from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from claimbridge.cases.services.notifications import notices_send_stale
from claimbridge.cases.services.webhooks import deliver_due


class Command(BaseCommand):
    help = (
        "Deliver due webhook messages, and drivers' texts left waiting when the task queue was down; with --loop, "
        "keep doing so (retries come due with back-off)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--every", type=float, default=5.0, help="seconds between rounds with --loop")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            delivered = deliver_due()
            if delivered:
                self.stdout.write(f"delivered {delivered}")
            texts = notices_send_stale()
            if texts["sent"] or texts["failed"]:
                self.stdout.write(f"texts sent {texts['sent']}, failed {texts['failed']}")
            if not options["loop"]:
                return
            time.sleep(options["every"])
