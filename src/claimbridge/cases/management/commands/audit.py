from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claimbridge.cases.services.audit import audit_verify


class Command(BaseCommand):
    help = "audit verify: check every case's hash-chained event log; any edit, reordering or deletion fails."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        problems = audit_verify()
        if problems:
            raise CommandError("the audit chain is broken:\n" + "\n".join(problems))
        self.stdout.write(self.style.SUCCESS("every case's audit chain verifies"))
