from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claimbridge.core.backup import BackupError, restore, verify


class Command(BaseCommand):
    help = (
        "Restore a backup written by `claimbridge backup`: the manifest's signature and every file's SHA-256 are "
        "checked first, and a backup that differs in anything is refused with nothing written; then the stored files "
        "are written back and the database replaced. Stop the servers and workers first. --check only verifies."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="source", required=True, help="the backup's directory")
        parser.add_argument("--check", action="store_true", help="verify the backup, restore nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["source"])
        try:
            if options["check"]:
                manifest = verify(directory)
                self.stdout.write(self.style.SUCCESS(
                    f"the backup verifies: its {manifest['database']['vendor']} database and "
                    f"{len(manifest['objects'])} stored files match their manifest"
                ))  # fmt: skip
                return
            report = restore(directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            f"restored from {directory}: the {report.vendor} database, {report.written} stored files written, "
            f"{report.unchanged} already there unchanged"
        ))  # fmt: skip
