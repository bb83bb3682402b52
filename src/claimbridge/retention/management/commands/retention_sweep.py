from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claimbridge.retention.services import retention_sweep


class Command(BaseCommand):
    help = (
        "Anonymise or delete the personal data whose retention period has ended (decision 0028): per category, "
        "records anonymised, deleted and kept, written as a retention run (admin, /retention/). With --dry-run: "
        "decide the same and change nothing. Exits non-zero when a record could not be erased."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="report what would go, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        run = retention_sweep(dry_run=options["dry_run"])
        verb = "would anonymise/delete" if run.dry_run else "anonymised/deleted"
        for row in run.rows:
            self.stdout.write(f"{row['category']}: {row['anonymised']} anonymised, {row['deleted']} deleted, "
                              f"{row['kept']} kept")  # fmt: skip
        self.stdout.write(f"retention run {run.pk}: {run.total('anonymised')}/{run.total('deleted')} {verb}")
        if run.errors:
            raise CommandError("retention sweep errors: " + "; ".join(run.errors))
