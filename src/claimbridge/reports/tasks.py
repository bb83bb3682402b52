"""The reports app's background work (issue 17): roll-ups refreshed after the commits that changed their rows."""

from __future__ import annotations

from datetime import date

from django_tasks import task

from claimbridge.reports import rollups


@task()
def refresh_facts(case_ids: list[int]) -> int:
    return rollups.refresh_cases(case_ids)


@task()
def refresh_month(kind: str, month: str) -> None:
    day = date.fromisoformat(month)
    (rollups.refresh_stop_month if kind == "stops" else rollups.refresh_clue_month)(day)


@task()
def run_export(job_id: int) -> str:
    from claimbridge.reports.row_exports import export_run

    return export_run(job_id).state
