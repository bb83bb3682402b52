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


def case_view(*, user: Any, case: Case, parties: list[Any] | None = None) -> dict[str, Any]:
    from claimbridge.cases import reference

    scope = scope_for(user)
    insurers, units = reference.insurers_by_id(), reference.claims_units()
    shown = []
    for party in parties if parties is not None else case.parties.all():
        own = (
            scope.sees_across_companies
            or (scope.insurer_id is not None and party.insurer_id == scope.insurer_id)
            or case.created_by_id == scope.user_id
        )
        insurer = insurers.get(party.insurer_id) if party.insurer_id else None
        unit = units.get(party.claims_unit_id) if party.claims_unit_id else None
        entry: dict[str, Any] = {"label": party.label, "insurer": insurer.code if insurer else None}
        if own:
            entry |= {"plate": party.plate, "vin": party.vin, "claims_unit": unit.display_name if unit else None,
                      "underwriting_city": party.underwriting_city_code}  # fmt: skip
        shown.append(entry)
    return {
        "number": case.number, "state": case.state, "channel": case.channel,
        "county": case.county.code if case.county else None,
        "accident_at": case.accident_at.isoformat() if case.accident_at else None, "parties": shown,
    }  # fmt: skip


def inbox_for_user(*, user: Any, state: str = "") -> QuerySet[Case]:
    """A claims unit's inbox: cases with a party its units handle (unit staff: their unit; branch: its units)."""
    scope = scope_for(user)
    units = scope.claims_units_q(prefix="parties__claims_unit__")
    cases = Case.objects.filter(
        pk__in=Case.objects.filter(units).exclude(parties__claims_unit__isnull=True).values("pk")
    )
    if state:
        cases = cases.filter(state=state)
    return cases.select_related("county").order_by("-created_at")


def timeline(*, case: Case) -> list[dict[str, Any]]:
    return [
        {"sequence": event.sequence, "kind": event.kind, "at": event.at, "actor": event.actor.username if event.actor else "",
         "data": event.data}
        for event in case.events.select_related("actor").order_by("sequence")
    ]  # fmt: skip


def service_points_for(*, county: Any) -> list[Any]:
    """Where to go in the accident county when the claim cannot be finished online (R14.2): the quick-claims centre
    first, then the police, the loss assessors and the dealers."""
    from claimbridge.cases.models import ServicePoint

    order = list(ServicePoint.Kind.values)
    points = ServicePoint.objects.filter(county=county, active=True)
    return sorted(points, key=lambda point: (order.index(point.kind), point.name))
