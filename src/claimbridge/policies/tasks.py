from __future__ import annotations

from django_tasks import task

from claimbridge.policies import services


@task()
def run_policy_load(load_id: int) -> None:
    services.policy_stored_file_load(load_id=load_id)
