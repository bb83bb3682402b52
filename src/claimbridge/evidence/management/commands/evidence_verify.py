from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claimbridge.evidence.orphans import stored_orphans_sweep
from claimbridge.evidence.services import stored_objects_reverify, stored_objects_verify


class Command(BaseCommand):
    help = (
        "Re-hash every stored original and report any whose bytes no longer match their SHA-256 (tamper evidence). "
        "With --orphans: remove stored files that no row refers to, once older than EVIDENCE_ORPHAN_GRACE_HOURS, "
        "and report rows whose original is missing (--dry-run only lists). With --reuse-records: give photos "
        "processed before reuse verification (issue 14) their verification record, and search them again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orphans", action="store_true", help="sweep stored files without a row")
        parser.add_argument("--dry-run", action="store_true", help="with --orphans: list, remove nothing")
        parser.add_argument("--reuse-records", action="store_true", help="add missing reuse verification records")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reuse_records"]:
            self.stdout.write(f"{stored_objects_reverify()} photos given a verification record and searched again")
            return
        if options["orphans"]:
            self._sweep(dry_run=options["dry_run"])
            return
        changed = stored_objects_verify()
        if changed:
            raise CommandError("originals changed since upload: " + ", ".join(changed))
        self.stdout.write(self.style.SUCCESS("every stored original matches its SHA-256"))

    def _sweep(self, *, dry_run: bool) -> None:
        report = stored_orphans_sweep(dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        for name in report.orphans:
            self.stdout.write(f"{verb} {name}")
        for name in report.too_recent:
            self.stdout.write(f"kept (younger than the grace period) {name}")
        self.stdout.write(f"{len(report.orphans)} orphaned files {verb}, {len(report.too_recent)} kept for now")
        if report.missing_originals:
            raise CommandError("stored objects whose original is missing: " + ", ".join(report.missing_originals))
