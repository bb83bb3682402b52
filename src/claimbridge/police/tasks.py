from __future__ import annotations

from django_tasks import task

from claimbridge.police import services


@task()
def match_police_records() -> None:
    """After a load that created or corrected records: match every record again (R20)."""
    services.police_match_run()
