from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, connections

from claimbridge.cases.services.notifications import notices_send_stale
from claimbridge.cases.services.webhooks import deliver_due

logger = logging.getLogger("claimbridge.webhooks")


class Command(BaseCommand):
    help = (
        "Deliver due webhook messages, and drivers' texts left waiting when the task queue was down; with --loop, "
        "keep doing so (retries come due with back-off)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--every", type=float, default=5.0, help="seconds between rounds with --loop")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["loop"]:
            self.round()
            return
        while True:
            try:
                self.round()
            except DatabaseError as error:  # a database restart or failover: wait, reconnect, go on (B8)
                logger.warning("webhook round failed, retrying after %s s: %s", options["every"], error)
                connections.close_all()
            time.sleep(options["every"])

    def round(self) -> None:
        delivered = deliver_due()
        if delivered:
            self.stdout.write(f"delivered {delivered}")
        texts = notices_send_stale()
        if texts["sent"] or texts["failed"]:
            self.stdout.write(f"texts sent {texts['sent']}, failed {texts['failed']}")
