from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claimbridge.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: its online backup API; PostgreSQL: pg_dump -Fc) and every stored file the "
        "database names (through the storage API: local disk or S3) into a new directory, with a signed manifest of "
        "each file's SHA-256 (issue 19). `claimbridge restore --from DIR` puts it back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="a new (or empty) directory to write the backup into")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup(Path(options["out"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
        for key in report.missing:
            self.stderr.write(f"named by the database but not in storage (not backed up): {key}")
        megabytes = report.bytes / 1024 / 1024
        self.stdout.write(self.style.SUCCESS(
            f"backup written to {report.directory}: the {report.vendor} database and {report.objects} stored files "
            f"({megabytes:.1f} MB){f', {len(report.missing)} missing' if report.missing else ''}"
        ))  # fmt: skip
