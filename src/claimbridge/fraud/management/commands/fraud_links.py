"""`claimbridge fraud_links rescan|rebuild|rescore` (issue 16; R20, B5): the operator's and the nightly job's door
to the link index.

- `rescan`: rebuild every ring from the link index (the kernel's full scan), then rescore the cases whose ring
  changed and score the cases that have none yet (a case linked to nothing at intake is scored at its next change). Nightly (cron: `15 2 * * * claimbridge fraud_links rescan`), and after a hub forms or a link is removed.
- `rebuild`: re-make every case's pseudonyms with the newest link key (after adding a key to LINK_INDEX_KEYS), then
  rescan; the old key can be removed afterwards.
- `rescore`: score every case again (after a new rules version or a new learned model is put in use).
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from claimbridge.cases.models import Case
from claimbridge.fraud import linking, scoring


class Command(BaseCommand):
    help = "Rebuild the fraud rings (rescan), re-make every pseudonym with the newest key (rebuild), or rescore cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("rescan", "rebuild", "rescore"))

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        action = options["action"]
        if action == "rescan":
            report = linking.rings_rescan()
            unscored = Case.objects.filter(fraud_score__isnull=True).values_list("pk", flat=True)
            rescored = scoring.cases_rescore({*report.changed, *unscored})
            result: dict[str, Any] = {"cases_with_links": report.cases, "links": report.links, "hubs": report.hubs,
                                      "rings": report.rings, "changed": len(report.changed), "rescored": rescored}  # fmt: skip
        elif action == "rebuild":
            result = {"cases_indexed": linking.links_rebuild(), "key_version": linking.link_keys().current}
            result["rescored"] = scoring.cases_rescore(Case.objects.values_list("pk", flat=True))
        else:
            result = {"rescored": scoring.cases_rescore(Case.objects.values_list("pk", flat=True))}
        result["seconds"] = round(time.perf_counter() - started, 2)
        self.stdout.write(json.dumps(result))
