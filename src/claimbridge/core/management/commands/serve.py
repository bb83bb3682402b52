from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from claimbridge.core.launcher import commands, supervise
from claimbridge.core.management.commands.worker import has_worker


class Command(BaseCommand):
    help = (
        "Serve the site and run the background task worker (`claimbridge worker`), together (development: `make run`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="address:port, as runserver takes")
        parser.add_argument("--noreload", action="store_true", help="do not restart on code changes")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = str(settings.TASKS["default"]["BACKEND"])
        children = commands(options["addrport"], reload=not options["noreload"], backend=backend)
        if not has_worker(backend):
            self.stderr.write(f"Tasks run by {backend}: no worker is needed, serving only.")
            children = children[:1]
        alongside = " with the task worker (Ctrl-C stops both)" if len(children) > 1 else ""
        self.stdout.write(f"Serving http://{options['addrport']}/{alongside}.")
        self.stdout.flush()
        sys.exit(supervise(children))
