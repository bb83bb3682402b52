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
        entry: dict[str, Any] = {"label": party.label, "insurer": insurer.code if insurer else None,
                                 "insurer_name": insurer.display_short_name if insurer else None}  # fmt: skip
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


EVENT_NAMES: dict[str, tuple[str, str]] = {
    "created": ("报案", "reported"), "party_added": ("加入当事方", "party added"), "party_joined": ("当事方加入", "party joined"),
    "party_updated": ("当事方信息更新", "party details updated"), "party_cover_found": ("保单库核实保险", "cover confirmed by the register"),
    "photo_added": ("上传照片", "photo added"), "facts_updated": ("事故经过更新", "what happened updated"),
    "circumstances_chosen": ("选择事故情形", "circumstances chosen"), "state_changed": ("状态变更", "state changed"),
    "confirmations_cleared": ("内容变更，确认作废", "content changed, confirmations void"),
    "party_confirmed": ("当事方确认", "party confirmed"), "party_disagreed": ("当事方有异议", "party disagrees"),
    "agreement_made": ("生成协议书", "agreement made"), "join_code_issued": ("生成加入码", "join code issued"),
    "handed_off": ("移交理赔单位", "handed to another unit"), "claim_registered": ("立案", "claim registered"),
    "claim_contact": ("首次联系客户", "first contact"), "claim_assess": ("定损", "loss assessed"),
    "claim_settle": ("理算", "settlement computed"), "claim_approval_requested": ("上报核赔", "approval requested"),
    "claim_approve": ("核赔通过", "approved"), "claim_pay": ("支付", "paid"), "claim_close": ("结案", "closed"),
    "claim_reopen": ("重开", "reopened"),
}  # fmt: skip


def timeline(*, case: Case) -> list[dict[str, Any]]:
    from claimbridge.core.errors import in_current_language

    return [
        {"sequence": event.sequence, "kind": event.kind, "at": event.at, "actor": event.actor.username if event.actor else "",
         "data": event.data, "name": in_current_language(*EVENT_NAMES.get(event.kind, (event.kind, event.kind)))}
        for event in case.events.select_related("actor").order_by("sequence")
    ]  # fmt: skip


def service_points_for(*, county: Any) -> list[Any]:
    """Where to go in the accident county when the claim cannot be finished online (R14.2): the quick-claims centre
    first, then the police, the loss assessors and the dealers."""
    from claimbridge.cases.models import ServicePoint

    order = list(ServicePoint.Kind.values)
    points = ServicePoint.objects.filter(county=county, active=True)
    return sorted(points, key=lambda point: (order.index(point.kind), point.name))


def sla_deadlines(*, case: Case, claim: Any) -> list[dict[str, Any]]:
    """The service-level clocks of one claim (first contact, survey, closure), each running from the report:
    due time, whether it is met, and whether it is overdue now (times in settings.CASE_SLA_MINUTES)."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    now = timezone.now()
    met = {
        "first_contact": claim.first_contact_at if claim else None,
        "survey": claim.assessed_at if claim else None,
        "closure": claim.closed_at if claim else None,
    }
    clocks = []
    for name, minutes in settings.CASE_SLA_MINUTES.items():
        due = case.created_at + timedelta(minutes=minutes)
        done = met.get(name)
        clocks.append({"name": name, "due": due, "done": done, "late": (done or now) > due})
    return clocks
