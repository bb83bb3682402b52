"""The fraud app's background work (issue 16): ring rescans and rescoring, after the commit that called for them."""

from __future__ import annotations

from django_tasks import task

from claimbridge.fraud import linking, scoring


@task()
def rescan_rings() -> dict[str, int]:
    """Rebuild every ring from the link index (after a link was removed, a hub formed or a key rotated; nightly),
    then rescore the cases whose ring changed."""
    from claimbridge.cases.models import Case

    report = linking.rings_rescan()
    scoring.cases_rescore(
        {*report.changed, *Case.objects.filter(fraud_score__isnull=True).values_list("pk", flat=True)}
    )
    return {"cases": report.cases, "rings": report.rings, "hubs": report.hubs, "changed": len(report.changed)}


@task()
def rescore_cases(case_ids: list[int], ring_ids: list[int] | None = None) -> int:
    """Rescore the cases, and every member of the rings (whose ring-size reason changed when the ring grew)."""
    return scoring.cases_rescore({*case_ids, *scoring.ring_members(ring_ids or [])})
