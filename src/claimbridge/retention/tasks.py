"""Background work on retention (django-tasks): the sweep, scheduled daily by cron (docs/operations/crontab)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def retention_sweep(dry_run: bool = False) -> dict[str, Any]:
    """Anonymise or delete what has expired under the retention schedule and report it (decision 0028);
    `claimbridge retention_sweep` does the same at once."""
    from claimbridge.retention.services import retention_sweep as sweep

    run = sweep(dry_run=dry_run)
    return {"run": run.pk, "counts": run.counts, "errors": run.errors}
