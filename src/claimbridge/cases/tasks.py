from __future__ import annotations

from django_tasks import task

from claimbridge.cases.services import webhooks


@task()
def deliver_webhooks() -> None:
    webhooks.deliver_due()
