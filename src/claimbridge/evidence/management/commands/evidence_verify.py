from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from claimbridge.evidence.services import stored_objects_verify


class Command(BaseCommand):
    help = "Re-hash every stored original and report any whose bytes no longer match their SHA-256 (tamper evidence)."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = stored_objects_verify()
        if changed:
            raise CommandError("originals changed since upload: " + ", ".join(changed))
        self.stdout.write(self.style.SUCCESS("every stored original matches its SHA-256"))
