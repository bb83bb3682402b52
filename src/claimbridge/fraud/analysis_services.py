"""The writes of the analysis half (issue 16; B8, R20): the record of every look at a ring, and putting a learned
model in use. Each asks the scope first and runs in a transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from claimbridge.accounts.scope import scope_for
from claimbridge.core.errors import AppError
from claimbridge.fraud import errors
from claimbridge.fraud.analysis_models import LearnedModel, Ring, RingLook


def ring_look_record(*, user: Any, ring: Ring, route: str, cases: list[str]) -> RingLook:
    """Who looked at which ring, when, through which route, and which cases it showed them (append-only)."""
    if not scope_for(user).sees_rings:
        raise errors.rings_refused()
    with transaction.atomic():
        return RingLook.objects.create(ring_number=ring.pk, user=user, route=route[:8], cases=cases[:500])


def learned_model_put_in_use(*, user: Any, model: LearnedModel) -> LearnedModel:
    """Use this model for every score from now on (the one before it stays, out of use, for the record)."""
    if not scope_for(user).may_train_fraud_model:
        raise AppError("not_allowed", "只有平台管理员可以启用评分模型", "Only the platform administrator may put a score "
                       "model in use.", status=403)  # fmt: skip
    with transaction.atomic():
        LearnedModel.objects.select_for_update().filter(in_use=True).exclude(pk=model.pk).update(in_use=False)
        model.in_use = True
        model.save(update_fields=["in_use"])
    return model
