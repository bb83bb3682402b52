"""Background work on evidence (django-tasks): hashing, previews, the platform-wide reuse search, the orphan sweep."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from claimbridge.evidence import orphans, services


@task()
def process_evidence_item(item_id: int) -> None:
    services.evidence_item_process(item_id=item_id)


@task()
def sweep_evidence_orphans(dry_run: bool = False) -> dict[str, Any]:
    """Remove stored files without a row (after the grace period); enqueue it daily, e.g. from cron."""
    report = orphans.stored_orphans_sweep(dry_run=dry_run)
    return {"removed": len(report.orphans) if not dry_run else 0, "orphans": report.orphans,
            "too_recent": len(report.too_recent), "missing_originals": report.missing_originals}  # fmt: skip


@task()
def sweep_expired_uploads() -> dict[str, Any]:
    """Remove resumable uploads past their expiry with their parts (decision 0025); enqueue it hourly or daily, e.g.
    from cron (`claimbridge evidence_uploads_sweep` does the same at once)."""
    from claimbridge.evidence.uploads import uploads_sweep

    return {"removed": uploads_sweep()}
