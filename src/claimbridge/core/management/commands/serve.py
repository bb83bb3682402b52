from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from claimbridge.core.launcher import commands, supervise


class Command(BaseCommand):
    help = "Serve the site and run the background task worker, together (development: `make run`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="address:port, as runserver takes")
        parser.add_argument("--noreload", action="store_true", help="do not restart on code changes")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = settings.TASKS["default"]["BACKEND"]
        if backend != "django_tasks_db.DatabaseBackend":
            self.stderr.write(f"Tasks run by {backend}: no worker is needed, serving only.")
        children = commands(options["addrport"], reload=not options["noreload"])
        if backend != "django_tasks_db.DatabaseBackend":
            children = children[:1]
        self.stdout.write(f"Serving http://{options['addrport']}/ with the task worker (Ctrl-C stops both).")
        self.stdout.flush()
        sys.exit(supervise(children))
