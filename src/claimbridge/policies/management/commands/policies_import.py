from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claimbridge.accounts.models import User
from claimbridge.organisations.models import Insurer
from claimbridge.policies import services
from claimbridge.policies.tables import read_rows


class Command(BaseCommand):
    help = "Load a CSV or Excel file of policies for one insurer (idempotent: re-running it changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--insurer", required=True, help="insurer code, e.g. tianlong")
        parser.add_argument("--user", required=True, help="the account the load is recorded under")

    def handle(self, *args: Any, **options: Any) -> None:
        insurer = Insurer.objects.filter(code=options["insurer"]).first()
        user = User.objects.filter(username=options["user"]).first()
        if insurer is None or user is None:
            raise CommandError("unknown insurer or user")
        path: Path = options["file"]
        load, _ = services.policy_load_start(insurer=insurer, user=user, source="command", file_name=path.name)
        with path.open("rb") as stream:
            load = services.policy_rows_load(load=load, rows=read_rows(stream, path.name))
        self.stdout.write(
            f"{load.rows_done} rows: {load.rows_created} new, {load.rows_changed} changed, "
            f"{load.rows_unchanged} unchanged, {load.rows_rejected} rejected"
        )
        for error in load.errors[:50]:
            self.stdout.write(f"  row {error['row']} {error['field']}: {error['en']}")
