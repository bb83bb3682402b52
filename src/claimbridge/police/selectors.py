"""Reading police records, their loads, matches and signals: always through the scope (R20, B8)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from claimbridge.accounts.scope import scope_for
from claimbridge.organisations.models import TrafficPoliceUnit
from claimbridge.police.models import PoliceLoad, PoliceMatch, PoliceRecord, PoliceSignal


def load_list_for_user(*, user: Any) -> QuerySet[PoliceLoad]:
    return PoliceLoad.objects.filter(scope_for(user).police_records_q()).select_related("unit", "loaded_by")


def load_get_for_user(*, user: Any, load_id: int) -> PoliceLoad | None:
    return load_list_for_user(user=user).filter(pk=load_id).first()


def record_list_for_user(*, user: Any) -> QuerySet[PoliceRecord]:
    return PoliceRecord.objects.filter(scope_for(user).police_records_q()).prefetch_related("vehicles")


def match_list_for_user(*, user: Any) -> QuerySet[PoliceMatch]:
    """Matches of the records the user may read (a police unit: its own records' matches)."""
    return (PoliceMatch.objects.filter(scope_for(user).police_records_q(prefix="record__"))
            .select_related("record", "case").order_by("-record__accident_at", "pk"))  # fmt: skip


def signal_list_for_user(*, user: Any, kind: str = "") -> QuerySet[PoliceSignal]:
    signals = PoliceSignal.objects.filter(scope_for(user).police_signals_q()).select_related("record", "case")
    return signals.filter(kind=kind) if kind else signals


def unit_to_load_for(*, user: Any, unit_id: int | None) -> TrafficPoliceUnit | None:
    """The unit a load is for: a police user's own (a different `unit_id` is theirs to refuse: None); the platform
    administrator names one. Nobody else loads for any."""
    scope = scope_for(user)
    if scope.acts_for_police_unit:
        return user.police_unit if unit_id in (None, scope.police_unit_id) else None
    if scope.is_platform_admin and unit_id is not None:
        return TrafficPoliceUnit.objects.filter(pk=unit_id).first()
    return None
