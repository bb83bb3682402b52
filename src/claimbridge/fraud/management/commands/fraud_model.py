"""`claimbridge fraud_model train [--use] --as USERNAME`: train the learned score on the committees' confirmed outcomes
(issue 16, decision 0019) and keep the model; with `--use`, put it in use (then `claimbridge fraud_links rescore`)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claimbridge.accounts.models import User
from claimbridge.core.errors import AppError
from claimbridge.fraud import learning


class Command(BaseCommand):
    help = "Train the learned fraud score on the committees' decided cases; --use puts it in use."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("train",))
        parser.add_argument("--use", action="store_true", help="put the new model in use")
        parser.add_argument("--as", dest="username", required=True, help="the platform administrator training it")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no such user: {options['username']}")
        try:
            model = learning.model_train(user=user, put_in_use=options["use"], seed=options["seed"])
        except AppError as refused:
            raise CommandError(f"{refused.zh} / {refused.en}") from refused
        self.stdout.write(json.dumps({"version": model.version, "rows": model.rows, "positives": model.positives,
                                      "in_use": model.in_use}))  # fmt: skip
