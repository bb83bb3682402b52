"""Reading the register through the caller's scope: a company its own people, an association its city's (B8)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from claimbridge.accounts.models import Role
from claimbridge.accounts.scope import scope_for
from claimbridge.credentials.models import Adjuster


def _scoped(rows: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """The register's rows the user may read: the scope's rule (`Scope.register_q`)."""
    return rows.filter(scope_for(user).register_q())


def adjuster_list_for_user(*, user: Any, status: str = "") -> QuerySet[Adjuster]:
    """The register entries this user may see; only those in `status` when given (e.g. "submitted": waiting)."""
    adjusters = Adjuster.objects.select_related("insurer", "association__city").prefetch_related("credentials")
    if status:
        adjusters = adjusters.filter(status=status)
    return _scoped(adjusters, user)


def adjuster_get_for_user(*, user: Any, pk: int) -> Adjuster | None:
    return adjuster_list_for_user(user=user).filter(pk=pk).first()


def report_list_for_user(*, user: Any) -> QuerySet[Any]:
    """A company sees its own reports; an association all of its city's; the platform administrator all (R15)."""
    from claimbridge.credentials.models import MonthlyReport

    reports = MonthlyReport.objects.select_related("insurer", "association__city").prefetch_related("corrections")
    return _scoped(reports, user)


def report_get_for_user(*, user: Any, pk: int) -> Any:
    return report_list_for_user(user=user).filter(pk=pk).first()


def own_feedback_for_adjuster(*, user: Any, months: int = 36) -> list[dict[str, Any]]:
    """An adjuster's own lines of the published monthly reports (R15), newest month first: other companies'
    customers served and the service reward, and the rewards for confirmed fraud clues (R11). Nobody else's line."""
    from decimal import Decimal

    from claimbridge.credentials.models import MonthlyReport

    scope = scope_for(user)
    reports = (MonthlyReport.objects.filter(scope.own_feedback_q()).select_related("association__city")
               .prefetch_related("corrections").order_by("-month", "association_id")[: months * 4])  # fmt: skip
    lines = []
    for report in reports:
        for row in report.rows:
            if row["adjuster"] != scope.user_id:
                continue
            lines.append({"report": report, "month": report.month, "city": report.association.city,
                          "cases": row["cases"], "reward": Decimal(row["reward"]),
                          "fraud_rewards": row.get("fraud_rewards", 0),
                          "fraud_reward": Decimal(row.get("fraud_reward", "0.00")),
                          "corrected": bool(report.corrections.all())})  # fmt: skip
    return lines


def adjuster_accounts_for_user(*, user: Any) -> QuerySet[Any]:
    """The company's adjuster logins in the user's scope that no live register entry holds yet: those a new entry may
    be linked to (R8: one login shows one person's card)."""
    from claimbridge.accounts.models import User

    if getattr(user, "role", None) != Role.INSURER_STAFF or not user.insurer_id:
        return User.objects.none()
    from claimbridge.credentials.models import LIVE_STATUSES, Adjuster

    taken = Adjuster.objects.filter(account__isnull=False, status__in=LIVE_STATUSES).values("account_id")
    accounts = User.objects.filter(role=Role.ADJUSTER, insurer_id=user.insurer_id, is_active=True).exclude(pk__in=taken)
    return scope_for(user).filter_users(accounts).order_by("username")


def stop_list_for_user(*, user: Any) -> QuerySet[Any]:
    """An adjuster's own stops, newest first (their phone's list)."""
    from claimbridge.credentials.models import ServiceStop

    if getattr(user, "role", None) != Role.ADJUSTER:
        return ServiceStop.objects.none()
    return ServiceStop.objects.filter(adjuster_id=user.pk).select_related("customer_insurer", "county")


def stop_get_by_token(*, token: str) -> Any:
    """The stop a rating link names (the link is the customer's key: anyone holding it may open the page)."""
    from claimbridge.credentials.models import ServiceStop

    if not token or len(token) > 64:
        return None
    return ServiceStop.objects.select_related("insurer").filter(rating_token=token).first()


def credential_in_force_for_user(*, user: Any, adjuster_pk: int, number: str) -> Any:
    """A credential not revoked, of an adjuster the user may see (for printing its card), or None."""
    adjuster = adjuster_get_for_user(user=user, pk=adjuster_pk)
    if adjuster is None:
        return None
    return adjuster.credentials.filter(number=number[:32], revoked_at__isnull=True).first()


def credential_by_number(*, number: str) -> Any:
    """A credential by its number (public checks; the caller decides what of it may be shown)."""
    from claimbridge.credentials.models import Credential

    return Credential.objects.select_related("adjuster").filter(number=number[:20]).first()
