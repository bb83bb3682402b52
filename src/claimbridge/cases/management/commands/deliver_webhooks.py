from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from claimbridge.cases.services.webhooks import deliver_due


class Command(BaseCommand):
    help = "Deliver due webhook messages; with --loop, keep doing so (retries come due with back-off)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--every", type=float, default=5.0, help="seconds between rounds with --loop")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            delivered = deliver_due()
            if delivered:
                self.stdout.write(f"delivered {delivered}")
            if not options["loop"]:
                return
            time.sleep(options["every"])
