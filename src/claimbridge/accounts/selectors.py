"""Reads of accounts, always through the caller's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from claimbridge.accounts.models import User
from claimbridge.accounts.scope import scope_for


def staff_list_for_user(*, user: Any) -> QuerySet[User]:
    """The staff directory the user may see: people of their own organisation, never another insurer's."""
    scope = scope_for(user)
    return (
        scope.filter_users(User.objects.filter(is_active=True))
        .exclude(role="driver")
        .select_related("insurer", "branch__city", "claims_unit__branch__city", "association", "committee")
        .order_by("role", "username")
    )
