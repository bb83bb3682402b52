from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from claimbridge.rules.identifiers import check_id_number, check_plate, check_vin

CHECKS: dict[str, Callable[[str], Any]] = {"plate": check_plate, "vin": check_vin, "idcard": check_id_number}


class Command(BaseCommand):
    help = "Validate a licence plate, a VIN or a resident ID number; prints one JSON document."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(CHECKS))
        parser.add_argument("value")

    def handle(self, *args: Any, **options: Any) -> None:
        result = dataclasses.asdict(CHECKS[options["kind"]](options["value"]))
        self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
