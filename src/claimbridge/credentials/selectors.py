"""Reading the register through the caller's scope: a company its own people, an association its city's (B8)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from claimbridge.accounts.models import Role
from claimbridge.credentials.models import Adjuster


def _scoped(rows: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """Rows with an insurer and an association: a company's own, an association's city's, everything for the
    platform administrator, nothing for anyone else (B8)."""
    role = getattr(user, "role", None)
    if role == Role.PLATFORM_ADMIN:
        return rows
    if role == Role.INSURER_STAFF and user.insurer_id:
        return rows.filter(insurer_id=user.insurer_id)
    if role == Role.ASSOCIATION_STAFF and user.association_id:
        return rows.filter(association_id=user.association_id)
    return rows.none()


def adjuster_list_for_user(*, user: Any) -> QuerySet[Adjuster]:
    adjusters = Adjuster.objects.select_related("insurer", "association__city").prefetch_related("credentials")
    return _scoped(adjusters, user)


def adjuster_get_for_user(*, user: Any, pk: int) -> Adjuster | None:
    return adjuster_list_for_user(user=user).filter(pk=pk).first()


def report_list_for_user(*, user: Any) -> QuerySet[Any]:
    """A company sees its own reports; an association all of its city's; the platform administrator all (R15)."""
    from claimbridge.credentials.models import MonthlyReport

    reports = MonthlyReport.objects.select_related("insurer", "association__city").prefetch_related("corrections")
    return _scoped(reports, user)
