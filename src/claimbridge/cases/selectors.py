"""Reading cases through the caller's scope; another company's party is shown only by label and insurer (B8)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from claimbridge.accounts.scope import scope_for
from claimbridge.cases.models import Case


def case_list_for_user(*, user: Any) -> QuerySet[Case]:
    scope = scope_for(user)
    return Case.objects.filter(pk__in=Case.objects.filter(scope.cases_q()).values("pk")).select_related(
        "county", "city"
    )


def case_get_for_user(*, user: Any, number: str) -> Case | None:
    return case_list_for_user(user=user).filter(number=number).first()


def case_view(*, user: Any, case: Case) -> dict[str, Any]:
    scope = scope_for(user)
    parties = []
    for party in case.parties.select_related("insurer", "claims_unit"):
        own = (
            scope.sees_across_companies
            or (scope.insurer_id is not None and party.insurer_id == scope.insurer_id)
            or case.created_by_id == scope.user_id
        )
        entry: dict[str, Any] = {"label": party.label, "insurer": party.insurer.code if party.insurer else None}
        if own:
            entry |= {"plate": party.plate, "vin": party.vin, "claims_unit": party.claims_unit.display_name if party.claims_unit else None,
                      "underwriting_city": party.underwriting_city_code}  # fmt: skip
        parties.append(entry)
    return {
        "number": case.number, "state": case.state, "channel": case.channel,
        "county": case.county.code if case.county else None,
        "accident_at": case.accident_at.isoformat() if case.accident_at else None, "parties": parties,
    }  # fmt: skip
