"""A case seen through the rules kernel (R2, R3, R14): what the parties said, what the register and the evidence
show, turned into the kernel's documents; and the digest of what the parties confirm (B1).

Cover always comes from the policy register, never from what a driver typed; a party the register does not know
is shown with no cover, which fails the insurance conditions with a reason the driver can act on.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from claimbridge.cases.models import Case, CaseParty, Claim
from claimbridge.rules.circumstances import UNDETERMINED, catalogue_on, decide_liability
from claimbridge.rules.eligibility import eligibility_from_document
from claimbridge.rules.triage import triage_from_document

SHARE_OF_GRADE = {"full": "1", "equal": "0.5", "none": "0"}


def accident_day(case: Case) -> Any:
    return timezone.localdate(case.accident_at) if case.accident_at else timezone.localdate()


def register_cover(party: CaseParty, case: Case) -> list[dict[str, Any]]:
    """The party's in-force policies at the accident instant, from the register (kernel policy documents)."""
    from claimbridge.policies.selectors import in_force_versions

    if not party.plate:
        return []
    at = case.accident_at or timezone.now()
    policies = []
    for version in in_force_versions(plate=party.plate, at=at):
        if version.policy.cover_type == "other":
            continue
        last_day = timezone.localtime(version.period_end - timedelta(microseconds=1)).date()
        policy: dict[str, Any] = {"type": version.policy.cover_type, "city": version.policy.underwriting_city_code,
                                  "start": timezone.localtime(version.period_start).date().isoformat(),
                                  "end": last_day.isoformat()}  # fmt: skip
        if version.third_party_limit is not None:
            policy["limit"] = str(version.third_party_limit)
        policies.append(policy)
    return policies


def _evidence_counts(case: Case) -> dict[str, tuple[int, int]]:
    """Photos and videos each party sent: the ones they uploaded from their phone and the ones filed under them."""
    counts: dict[str, list[int]] = {}
    if case.evidence is None:
        return {}
    for party, uploader, kind in case.evidence.items.values_list("party", "uploaded_by_party", "stored__kind"):
        owner = uploader or party
        if owner:
            slot = counts.setdefault(owner, [0, 0])
            slot[0 if kind == "image" else 1] += 1
    return {label: (photos, videos) for label, (photos, videos) in counts.items()}


def eligibility_document(case: Case, parties: list[CaseParty] | None = None) -> dict[str, Any]:
    from claimbridge.organisations import selectors as organisation_selectors

    parties = parties if parties is not None else list(case.parties.select_related("insurer").order_by("label"))
    facts = case.facts
    evidence = _evidence_counts(case)
    catalogue = catalogue_on(accident_day(case))
    documents = []
    for party in parties:
        photos, videos = evidence.get(party.label, (0, 0))
        cities = [city.code for city in organisation_selectors.insurer_cities(party.insurer)] if party.insurer else []
        documents.append({
            "id": party.label, "plate": party.plate or "-", "driver_licensed": party.driver_licensed is True,
            "impairment_suspected": party.impairment_free is False, "inspection_valid": party.inspection_valid is True,
            "insurer": party.insurer.code if party.insurer else "", "insurer_city_branches": cities,
            "policies": register_cover(party, case), "evidence": {"photos": photos, "videos": videos},
        })  # fmt: skip
    circumstances = {
        label: [n for n in numbers if n in catalogue.items]
        for label, numbers in case.circumstances.items()
        if label in {p.label for p in parties}
    }
    return {
        "accident": {
            "date": accident_day(case).isoformat(),
            "vehicle_count": max(len(parties), int(facts.get("vehicle_count", 2))),
            "all_motor_vehicles": not facts.get("non_motor_involved", False),
            "casualties": bool(facts.get("casualties", False)),
            "third_party_property_damage": bool(facts.get("other_property_damaged", False)),
            "facility_damage": bool(facts.get("facility_damage", False)),
            "vehicles_drivable": bool(facts.get("vehicles_drivable", True)),
            "damage": facts.get("damage", "unknown"),
            "circumstances": circumstances,
            "facts_disputed": bool(facts.get("facts_disputed", False)),
            "dangerous_goods": bool(facts.get("dangerous_goods", False)),
            "intentional_suspected": bool(facts.get("intentional_suspected", False)),
            "party_left_scene": bool(facts.get("party_left_scene", False)),
        },
        "parties": documents,
    }


def assessment(case: Case) -> dict[str, Any]:
    """Eligibility with every condition, the liability from the circumstances, and each party's triage."""
    parties = list(case.parties.select_related("insurer").order_by("label"))
    document = eligibility_document(case, parties)
    decision = eligibility_from_document(document)
    catalogue = catalogue_on(accident_day(case))
    circumstances = document["accident"]["circumstances"]
    liability = (
        decide_liability({p.label: circumstances.get(p.label, []) for p in parties}, catalogue).as_dict()
        if parties
        else {"liability": {}, "determined": False, "basis": []}
    )
    loss = Decimal(str(case.facts.get("estimated_loss", "0")))
    triage = {}
    for party in parties:
        shares = {label: SHARE_OF_GRADE.get(grade) for label, grade in liability["liability"].items()}
        triage[party.label] = triage_from_document({
            "estimated_loss": str(loss), "liability": {label: share if share is not None else UNDETERMINED
                                                       for label, share in shares.items()},
            "own_customer": party.label, "facts_disputed": bool(case.facts.get("facts_disputed", False)),
            "scene_difficult": bool(case.facts.get("scene_difficult", False)), "date": accident_day(case).isoformat(),
            "quick_claim_eligible": decision["eligible"], "agreed": bool(case.agreement_name),
        })  # fmt: skip
    return {"eligibility": decision, "liability": liability, "triage": triage, "facts_complete": facts_complete(case)}


# Every question the parties must have answered before they may confirm: what the 协议书 prints and every fact a
# 快处易赔 condition or the triage depends on (until then the kernel's verdict is provisional and confirming is refused).
FACT_FIELDS = ("weather", "collision_form", "damage", "estimated_loss", "casualties", "other_property_damaged",
               "facility_damage", "non_motor_involved", "vehicles_drivable", "dangerous_goods", "facts_disputed",
               "intentional_suspected", "party_left_scene", "scene_difficult")  # fmt: skip


def facts_complete(case: Case) -> bool:
    return all(case.facts.get(name) not in (None, "") for name in FACT_FIELDS)


def party_complete(party: CaseParty) -> bool:
    return bool(party.driver_name and party.driver_licence and party.plate and party.collision_part)


def agreement_digest(case: Case, parties: list[CaseParty]) -> str:
    """What a confirmation is a confirmation of: any change to it voids the confirmations given before."""
    content = {
        "number": case.number,
        "accident_at": case.accident_at.isoformat() if case.accident_at else None,
        "county": case.county.code if case.county else None,
        "facts": case.facts,
        "circumstances": case.circumstances,
        "parties": [
            [
                p.label,
                p.driver_name,
                p.driver_licence,
                p.driver_phone,
                p.plate,
                p.vin,
                p.vehicle_type,
                p.collision_part,
                p.insurer_id,
                p.ctpl_policy_number,
            ]
            for p in sorted(parties, key=lambda p: p.label)
        ],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def settlement_document(claim: Claim) -> dict[str, Any]:
    """The kernel's settlement document of a claim: every vehicle of the case with its liability, its cover from the
    register at the accident instant and its assessed loss."""
    case = claim.party.case
    vehicles = []
    for party in case.parties.order_by("label"):
        cover = register_cover(party, case)
        third_party = next((p for p in cover if p["type"] == "third_party"), None)
        vehicles.append({
            "id": party.label, "liability": claim.liability[party.label],
            "ctpl_units": 1 if any(p["type"] == "ctpl" for p in cover) else 0,
            "third_party_limit": third_party.get("limit", "0") if third_party else "0",
            "own_damage": any(p["type"] == "own_damage" for p in cover),
            "losses": {"vehicle": claim.losses.get(party.label, "0")},
        })  # fmt: skip
    # 无责代赔 (交强险财产损失无责赔付简化处理机制): the liable party's insurer pays the no-fault party's 100 yuan on its
    # behalf where nobody was hurt — the drivers' answer, as given; unanswered is taken as possibly hurt (no proxy).
    # The kernel checks the rest (liability determined, every vehicle under 交强险).
    nobody_hurt = case.facts.get("casualties") is False
    return {"accident_date": accident_day(case).isoformat(), "vehicles": vehicles, "no_fault_proxy": nobody_hurt}


# --- the conditions as the driver reads them (issue 13): met, to answer, or known to fail -------------------------
# A question nobody has answered yet is neither a pass nor a failure. The kernel is asked twice: once with every
# unanswered question answered the hopeful way and once the fearful way. A condition met even when feared is met; one
# failing even when hoped for fails, with the kernel's reason; any other is still open.
# (fact asked, the kernel's field, its value when feared, its value when hoped for)
_OPEN_FACTS = (
    ("casualties", "casualties", True, False),
    ("other_property_damaged", "third_party_property_damage", True, False),
    ("facility_damage", "facility_damage", True, False),
    ("non_motor_involved", "all_motor_vehicles", False, True),
    ("vehicles_drivable", "vehicles_drivable", False, True),
    ("damage", "damage", "unknown", "minor_exterior"),
    ("dangerous_goods", "dangerous_goods", True, False),
    ("facts_disputed", "facts_disputed", True, False),
    ("intentional_suspected", "intentional_suspected", True, False),
    ("party_left_scene", "party_left_scene", True, False),
)
# What an open condition waits for, in the driver's words.
OPEN_BECAUSE = {"scene_evidence_both": "photos", "ctpl_both": "cover", "third_party_both": "cover",
                "insured_in_region": "cover", "insurer_in_both_cities": "cover", "plates_valid": "cover",
                "listed_circumstance": "circumstances"}  # fmt: skip


def _document_with_unknowns(case: Case, parties: list[CaseParty], hopeful: bool) -> dict[str, Any]:
    from claimbridge.rules.eligibility import MIN_SCENE_PHOTOS

    document = eligibility_document(case, parties)
    accident = document["accident"]
    for fact, field, feared, hoped in _OPEN_FACTS:
        if case.facts.get(fact) in (None, ""):
            accident[field] = hoped if hopeful else feared
    for party, entry in zip(parties, document["parties"], strict=True):
        if party.driver_licensed is None:
            entry["driver_licensed"] = hopeful
        if party.impairment_free is None:
            entry["impairment_suspected"] = not hopeful
        if party.inspection_valid is None:
            entry["inspection_valid"] = hopeful
        if hopeful:
            entry["evidence"]["photos"] = max(entry["evidence"]["photos"], MIN_SCENE_PHOTOS)
    if hopeful:  # a party without a plate yet may still turn out to be insured
        known = [entry for entry in document["parties"] if entry["plate"] != "-"] or document["parties"][:1]
        labels = {entry["id"] for entry in known}
        document["parties"] = known
        accident["circumstances"] = {k: v for k, v in accident["circumstances"].items() if k in labels}
    elif len(parties) < 2:  # the other driver has not joined: nothing is known of them
        document["parties"].append({
            "id": "B" if parties and parties[0].label == "A" else "A", "plate": "-", "driver_licensed": False,
            "impairment_suspected": True, "inspection_valid": False, "insurer": "", "insurer_city_branches": [],
            "policies": [], "evidence": {"photos": 0, "videos": 0},
        })  # fmt: skip
    return document


# What an open condition waits for, by whose answer: a condition on the parties' declarations, cover or photos waits
# for the parties who have not given them (a driver who has not joined has given nothing); the questions about the
# whole accident wait for either driver.
_DECLARATIONS = {"drivers_fit": ("driver_licensed", "impairment_free"), "vehicles_inspected": ("inspection_valid",)}
_COVER = ("ctpl_both", "third_party_both", "insured_in_region", "insurer_in_both_cities", "plates_valid")


def _waits_on(code: str, parties: list[CaseParty], missing: list[str], evidence: dict[str, tuple[int, int]],
              unchosen: list[str]) -> list[str]:  # fmt: skip
    if code == "listed_circumstance":
        return unchosen
    if code in _DECLARATIONS:
        labels = [p.label for p in parties if any(getattr(p, name) is None for name in _DECLARATIONS[code])]
    elif code == "scene_evidence_both":
        labels = [p.label for p in parties if sum(evidence.get(p.label, (0, 0))) == 0]
    elif code in _COVER:
        labels = [p.label for p in parties if not p.plate]
    else:
        return []
    return labels + missing


def _labels(parties: list[CaseParty]) -> list[str]:
    """The parties of the accident: those on the case, and the other driver while only one has joined."""
    labels = [p.label for p in parties]
    if len(parties) < 2:
        labels.append("B" if labels and labels[0] == "A" else "A")
    return labels


def conditions_seen(case: Case) -> dict[str, Any]:
    """Every 快处易赔 condition as `met`, `open` (to answer) or `failed`, with a reason only where a fact is known
    to fail, and for an open one the parties whose answer it waits for (`waits_on`); the verdict is `eligible`,
    `open` or `not_eligible`. A circumstance not chosen yet keeps liability open while an answer to come could still
    decide it (the kernel's `liability_outlook`)."""
    from claimbridge.rules.circumstances import liability_outlook
    from claimbridge.rules.eligibility import PASSED

    parties = list(case.parties.select_related("insurer").order_by("label"))
    feared = eligibility_from_document(_document_with_unknowns(case, parties, hopeful=False))
    hoped = eligibility_from_document(_document_with_unknowns(case, parties, hopeful=True))
    labels = _labels(parties)
    missing = labels[len(parties) :]
    catalogue = catalogue_on(accident_day(case))
    answered = {label: [n for n in numbers if n in catalogue.items]
                for label, numbers in case.circumstances.items() if label in labels}  # fmt: skip
    unchosen = [label for label in labels if label not in answered]
    outlook = liability_outlook(answered, unchosen, catalogue)
    evidence = _evidence_counts(case)
    seen = []
    for worst, best in zip(feared["conditions"], hoped["conditions"], strict=True):
        code = worst["code"]
        if code == "listed_circumstance":
            state = {"determined": "met", "open": "open"}.get(outlook, "failed")
            message = worst["message"] if state == "failed" else None
        elif worst["passed"]:
            state, message = "met", worst["message"]
        elif not best["passed"]:
            state, message = "failed", best["message"]
        else:
            state, message = "open", None
        if message is None:
            text = PASSED[code]
            message = {"zh": text.zh, "en": text.en}
        waits_on = _waits_on(code, parties, missing, evidence, unchosen) if state == "open" else []
        seen.append({"code": code, "state": state, "message": message, "waits_for": OPEN_BECAUSE.get(code, "answer"),
                     "waits_on": waits_on})  # fmt: skip
    states = {item["state"] for item in seen}
    verdict = "not_eligible" if "failed" in states else "open" if "open" in states else "eligible"
    return {"conditions": seen, "verdict": verdict, "failed": [i["code"] for i in seen if i["state"] == "failed"],
            "open": [i["code"] for i in seen if i["state"] == "open"], "missing": missing,
            "unchosen": unchosen}  # fmt: skip
