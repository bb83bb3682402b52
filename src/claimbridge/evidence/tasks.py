"""Background work on evidence (django-tasks): hashing, previews and the platform-wide reuse search."""

from __future__ import annotations

from django_tasks import task

from claimbridge.evidence import services


@task()
def process_evidence_item(item_id: int) -> None:
    services.evidence_item_process(item_id=item_id)
