"""Every write to a claim line (issue 6, back office), in a transaction, each leaving an event on the case's chain.

Only staff of the party's insurer whose scope covers the party's claims unit act on its claim (B8). The settlement is
the rules kernel's, from the assessed losses, the liability and the cover the policy register holds (R3).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from claimbridge.accounts.models import Role
from claimbridge.accounts.scope import scope_for
from claimbridge.cases.models import Case, CaseParty, Claim
from claimbridge.cases.services import CaseError, event_append
from claimbridge.organisations.models import ClaimsUnit
from claimbridge.rules.claim_flow import CLOSE_REASONS, REOPEN_REASONS, next_claim_state
from claimbridge.rules.common import RuleInputError

GRADES = ("full", "equal", "none")


def may_handle(*, user: Any, party: CaseParty) -> bool:
    if getattr(user, "role", None) != Role.INSURER_STAFF or party.insurer_id is None:
        return False
    if user.insurer_id != party.insurer_id or party.claims_unit_id is None:
        return False
    return ClaimsUnit.objects.filter(scope_for(user).claims_units_q(), pk=party.claims_unit_id).exists()


def _check(user: Any, party: CaseParty) -> None:
    if not may_handle(user=user, party=party):
        raise CaseError(
            "not_yours",
            "只有该方承保公司负责的理赔人员可以办理",
            "only the handling staff of this party's insurer can do this",
        )


def claim_register(*, party: CaseParty, user: Any) -> Claim:
    """立案: once per party; a second call returns the claim already registered."""
    _check(user, party)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=party.case_id)
        existing = Claim.objects.filter(party=party).first()
        if existing is not None:
            return existing
        if case.state == "draft":
            raise CaseError("draft", "案件尚未报案完整，不能立案", "the case is still a draft and cannot be registered")
        claim = Claim.objects.create(party=party, registered_by=user)
        event_append(case=case, kind="claim_registered", actor=user, data={"party": party.label})
    return claim


def _advance(claim: Claim, action: str, user: Any, data: dict[str, Any]) -> Case:
    """Lock the case (the chain) and the claim; move the claim; record the event. Returns the locked case."""
    case = Case.objects.select_for_update().get(pk=claim.party.case_id)
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    claim.state = next_claim_state(locked.state, action)
    event_append(case=case, kind=f"claim_{action}", actor=user, data={"party": claim.party.label, **data})
    return case


def claim_contact(*, claim: Claim, user: Any) -> Claim:
    """The first call to the customer (the SLA's first-contact clock stops)."""
    _check(user, claim.party)
    with transaction.atomic():
        _advance(claim, "contact", user, {})
        if claim.first_contact_at is None:
            claim.first_contact_at = timezone.now()
        claim.save(update_fields=["state", "first_contact_at"])
    return claim


def claim_assess(
    *, claim: Claim, user: Any, losses: dict[str, Decimal], liability: dict[str, str] | None = None
) -> Claim:
    """定损: each vehicle's assessed loss; the liability is the case's (agreed online) unless given (police finding)."""
    _check(user, claim.party)
    labels = set(claim.party.case.parties.values_list("label", flat=True))
    if set(losses) - labels or any(amount < 0 for amount in losses.values()):
        raise CaseError(
            "bad_losses", "损失金额须为各当事方的非负金额", "losses must be non-negative amounts for the case's parties"
        )
    liability = liability or _agreed_liability(claim.party.case)
    if set(liability) != labels or any(grade not in GRADES for grade in liability.values()):
        raise CaseError(
            "no_liability", "请填写每一方的责任（全部、同等或无）", "give every party's liability: full, equal or none"
        )
    with transaction.atomic():
        _advance(claim, "assess", user, {"losses": {k: str(v) for k, v in losses.items()}, "liability": liability})
        claim.losses = {label: str(amount.quantize(Decimal("0.01"))) for label, amount in losses.items()}
        claim.liability, claim.assessed_at = liability, timezone.now()
        claim.settlement, claim.payable = {}, None
        claim.save(update_fields=["state", "losses", "liability", "assessed_at", "settlement", "payable"])
    return claim


def _agreed_liability(case: Case) -> dict[str, str]:
    from claimbridge.cases.quick_claim import accident_day
    from claimbridge.rules.circumstances import catalogue_on, liability_grades

    if not case.circumstances:
        return {}
    grades = liability_grades(case.circumstances, catalogue_on(accident_day(case)))
    return grades if all(grade in GRADES for grade in grades.values()) else {}


def settlement_document(claim: Claim) -> dict[str, Any]:
    from claimbridge.cases.quick_claim import accident_day, register_cover

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
    return {"accident_date": accident_day(case).isoformat(), "vehicles": vehicles}


def claim_settle(*, claim: Claim, user: Any) -> Claim:
    """理算 by the kernel: 交强险 first, then commercial cover by liability; this insurer pays what its party's
    policies pay."""
    from claimbridge.rules.settlement import settlement_from_document

    _check(user, claim.party)
    try:
        answer = settlement_from_document(settlement_document(claim))
    except RuleInputError as error:
        raise CaseError("settlement_input", error.text.zh, error.text.en) from error
    payable = sum((Decimal(p["amount"]) for p in answer["payments"] if p["payer"] == claim.party.label), Decimal(0))
    with transaction.atomic():
        _advance(claim, "settle", user, {"payable": str(payable)})
        claim.settlement, claim.payable, claim.settled_at = answer, payable, timezone.now()
        claim.approval_requested_by = None
        claim.save(update_fields=["state", "settlement", "payable", "settled_at", "approval_requested_by"])
    return claim


def claim_approve(*, claim: Claim, user: Any) -> Claim:
    """核赔 within the approver's authority; above it the claim waits for a colleague with a higher limit, who may
    not be the one who asked (four eyes)."""
    _check(user, claim.party)
    next_claim_state(claim.state, "approve")  # refused unless settled or awaiting approval
    payable = claim.payable or Decimal(0)
    with transaction.atomic():
        if payable > user.approval_limit:
            if claim.state == "awaiting_approval":
                raise CaseError("over_limit", f"金额 {payable} 元超过您的核赔权限 {user.approval_limit} 元",
                                f"{payable} is over your approval limit of {user.approval_limit}")  # fmt: skip
            case = Case.objects.select_for_update().get(pk=claim.party.case_id)
            claim.state = "awaiting_approval"
            claim.approval_requested_by = user
            claim.save(update_fields=["state", "approval_requested_by"])
            event_append(case=case, kind="claim_approval_requested", actor=user,
                         data={"party": claim.party.label, "payable": str(payable)})  # fmt: skip
            return claim
        if claim.state == "awaiting_approval" and claim.approval_requested_by_id == user.pk:
            raise CaseError(
                "four_eyes", "上报核赔的人员不能自己批准", "whoever asked for approval cannot approve it too"
            )
        _advance(claim, "approve", user, {"payable": str(payable)})
        claim.approved_by, claim.approved_at = user, timezone.now()
        claim.save(update_fields=["state", "approved_by", "approved_at"])
    return claim


def claim_pay(*, claim: Claim, user: Any, amount: Decimal, reference: str) -> Claim:
    """The payment made, with the bank's reference. The same reference again changes nothing (a retried request).
    After a reopening only the difference between the new settlement and what was paid is due."""
    _check(user, claim.party)
    reference = reference.strip()[:60]
    if not reference:
        raise CaseError("no_reference", "请填写支付流水号", "give the payment reference")
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.state == "paid" and locked.payment_reference == reference:
            return locked
        due = (locked.payable or Decimal(0)) - (locked.paid_amount or Decimal(0))
        if amount <= 0 or amount != due:
            raise CaseError("wrong_amount", f"应支付 {due} 元（核赔金额减去已付金额）",
                            f"the payment due is {due} (the approved amount less what was paid)")  # fmt: skip
        _advance(claim, "pay", user, {"amount": str(amount), "reference": reference})
        claim.paid_amount = (locked.paid_amount or Decimal(0)) + amount
        claim.payment_reference, claim.paid_at = reference, timezone.now()
        claim.save(update_fields=["state", "paid_amount", "payment_reference", "paid_at"])
    return claim


def claim_close(*, claim: Claim, user: Any, reason: str) -> Claim:
    _check(user, claim.party)
    if reason not in CLOSE_REASONS or (reason == "paid_in_full") != (claim.state == "paid"):
        raise CaseError("bad_reason", "请选择适用的结案原因", "choose a reason for closing that applies")
    with transaction.atomic():
        _advance(claim, "close", user, {"reason": reason})
        claim.closed_at, claim.close_reason = timezone.now(), reason
        claim.save(update_fields=["state", "closed_at", "close_reason"])
    return claim


def claim_reopen(*, claim: Claim, user: Any, reason: str) -> Claim:
    _check(user, claim.party)
    if reason not in REOPEN_REASONS:
        raise CaseError("bad_reason", "请选择重开原因", "choose a reason for reopening")
    with transaction.atomic():
        _advance(claim, "reopen", user, {"reason": reason})
        claim.closed_at, claim.close_reason, claim.reopened_count = None, "", claim.reopened_count + 1
        claim.approved_by, claim.approved_at, claim.approval_requested_by = None, None, None
        claim.save(update_fields=["state", "closed_at", "close_reason", "reopened_count", "approved_by",
                                  "approved_at", "approval_requested_by"])  # fmt: skip
    return claim
