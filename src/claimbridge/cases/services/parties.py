"""A party's own details from their phone, and the cover the register then decides (R1, R3, R16, B1)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from claimbridge.cases import reference
from claimbridge.cases.models import Case, CaseParty
from claimbridge.cases.services.record import case_advance, case_lock, event_append
from claimbridge.policies.selectors import insurer_of_record

PARTY_FIELDS = ("driver_name", "driver_licence", "plate", "vin", "vehicle_type", "collision_part", "driver_licensed",
                "inspection_valid", "impairment_free")  # fmt: skip


def party_details_save(*, party: CaseParty, actor: Any = None, subject_request: str = "", **details: Any) -> CaseParty:
    """The driver's own details; the policy register then decides the insurer and the claims unit (R1, R3, R16).
    The event records which fields changed, never their values (personal data). A correction approved on a personal
    data request (`claimbridge.subjects`) names the clerk as `actor` and the request's number (`subject_request`)."""
    from claimbridge.cases.services.quick_claim import editable

    unknown = set(details) - set(PARTY_FIELDS)
    if unknown:
        raise TypeError(f"unknown party fields: {sorted(unknown)}")
    changed = [name for name, value in details.items() if getattr(party, name) != value]
    if not changed:
        return party
    with transaction.atomic():
        case = case_lock(pk=party.case_id, related=("city", "county"))
        editable(case)
        for name in changed:
            setattr(party, name, details[name])
        party.save(update_fields=changed)
        data: dict[str, Any] = {"party": party.label, "fields": changed}
        if subject_request:
            data["request"] = subject_request
        event_append(case=case, kind="party_updated", actor=actor, data=data)
        if "plate" in changed:
            cover_from_register(case=case, party=party)
        confirmations_clear(case=case)
        report_when_complete(case=case)
    return party


def cover_from_register(*, case: Case, party: CaseParty) -> None:
    """The insurer of record for the plate at the accident instant decides who handles the party (R3) — the same
    rule as at intake (`policies.selectors.insurer_of_record`), never a typed name."""
    cover = insurer_of_record(plates=[party.plate], at=case.accident_at or timezone.now()).get(party.plate)
    if cover is None:
        if party.cover_verified or party.ctpl_policy_number:
            party.cover_verified, party.ctpl_policy_number = False, ""
            party.save(update_fields=["cover_verified", "ctpl_policy_number"])
            event_append(case=case, kind="party_cover_lost", actor=None, data={"party": party.label})
        return
    insurer = reference.insurers_by_id()[cover.insurer_id]
    keeps_unit = party.insurer_id == insurer.pk and party.claims_unit_id is not None
    unit_id = party.claims_unit_id if keeps_unit else reference.serving_units().get((insurer.pk, case.county_id or 0))
    party.insurer, party.claims_unit_id, party.cover_verified = insurer, unit_id, True
    party.underwriting_city_code = cover.underwriting_city_code
    party.ctpl_policy_number = cover.policy_number if cover.cover_type == "ctpl" else ""
    party.save(
        update_fields=["insurer", "claims_unit", "cover_verified", "underwriting_city_code", "ctpl_policy_number"]
    )
    if case.evidence_id is not None:
        case.evidence.insurers.add(insurer)  # type: ignore[union-attr]
    event_append(case=case, kind="party_cover_found", actor=None,
                 data={"party": party.label, "insurer": insurer.code, "claims_unit": unit_id,
                       "cross_region": party.underwriting_city_code != (case.city.code if case.city else "")})  # fmt: skip


def confirmations_clear(*, case: Case) -> None:
    """A change to what was agreed voids every confirmation given so far: each party confirms the new content."""
    confirmed = list(CaseParty.objects.filter(case=case, confirmed_at__isnull=False).values_list("label", flat=True))
    if confirmed:
        CaseParty.objects.filter(case=case).update(confirmed_at=None, confirmed_name="", confirmed_digest="",
                                                   confirmed_device="")  # fmt: skip
        event_append(case=case, kind="confirmations_cleared", actor=None, data={"parties": confirmed})


def report_when_complete(*, case: Case) -> None:
    """A driver's draft becomes a report once the facts and every party's details are in (two parties at least)."""
    from claimbridge.cases.quick_claim import facts_complete, party_complete

    parties = list(case.parties.all())
    if case.state == "draft" and len(parties) >= 2 and facts_complete(case) and all(map(party_complete, parties)):
        case_advance(case=case, action="report", reason="complete")
