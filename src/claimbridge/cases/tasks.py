from __future__ import annotations

from django_tasks import task

from claimbridge.cases.services import notifications, webhooks


@task()
def deliver_webhooks() -> None:
    webhooks.deliver_due()


@task()
def send_driver_notices(ids: list[int]) -> None:
    """The drivers' text messages written by a change, sent after its commit (issue 13)."""
    notifications.notices_send(ids=ids)
