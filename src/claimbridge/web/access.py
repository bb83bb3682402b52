"""Which roles may open which pages. Data visibility within a page is the scope's job, not this file's."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from claimbridge.accounts.models import Role

ORGANISATION_ROLES = frozenset(
    {Role.INSURER_STAFF, Role.ADJUSTER, Role.ASSOCIATION_STAFF, Role.ANTIFRAUD_MEMBER, Role.PLATFORM_ADMIN}
)
STAFF_DIRECTORY_ROLES = frozenset(
    {Role.INSURER_STAFF, Role.ASSOCIATION_STAFF, Role.ANTIFRAUD_MEMBER, Role.PLATFORM_ADMIN}
)

EVIDENCE_ROLES = frozenset({Role.INSURER_STAFF, Role.ADJUSTER, Role.DRIVER, Role.ANTIFRAUD_MEMBER, Role.PLATFORM_ADMIN})
REUSE_ROLES = frozenset({Role.ANTIFRAUD_MEMBER, Role.PLATFORM_ADMIN})
POLICY_ROLES = frozenset({Role.INSURER_STAFF, Role.PLATFORM_ADMIN})
CASE_INBOX_ROLES = frozenset({Role.INSURER_STAFF, Role.ADJUSTER, Role.PLATFORM_ADMIN})

View = Callable[..., HttpResponse]


def roles_required(roles: Iterable[str]) -> Callable[[View], View]:
    allowed = frozenset(roles)

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if getattr(request.user, "role", None) not in allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
