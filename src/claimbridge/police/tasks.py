from __future__ import annotations

from django_tasks import task

from claimbridge.police import matching


@task()
def match_police_records() -> None:
    """After a load that created or corrected records: match every record again (R20)."""
    matching.police_match_run()
