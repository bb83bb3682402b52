from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from claimbridge.evidence.uploads import uploads_sweep


class Command(BaseCommand):
    help = (
        "Remove resumable uploads past their expiry (EVIDENCE_UPLOAD_EXPIRY_HOURS from their start if never whole, "
        "from their completion otherwise) with their parts in storage; each removal is recorded (decision 0025)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{uploads_sweep()} expired uploads removed")
