"""Every write to a claim line — one insurer's claim for its party — in a transaction, each through the claim's
state machine (`rules/claim_flow.py`) and leaving an event on the case's chain (issue 6, back office; issue 12).

Only staff of the party's insurer whose scope covers the party's claims unit act on its claim: the scope's write rule
(`Scope.may_handle_party`), asked here for every step whatever route called, never inferred from being able to see
the case. The settlement is the rules kernel's, from the assessed losses, the liability and the cover the policy
register holds (R3).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from claimbridge.accounts.scope import scope_for
from claimbridge.cases.models import Case, CaseParty, Claim
from claimbridge.cases.services.quick_claim import not_handler
from claimbridge.cases.services.record import case_advance, case_lock, event_append
from claimbridge.core.errors import AppError
from claimbridge.core.inputs import bad_text, checked_money, unsafe_text
from claimbridge.core.masking import mask_bank_account
from claimbridge.rules.case_flow import follow_claims
from claimbridge.rules.claim_flow import CLOSE_REASONS, PAID_REASON, REOPEN_REASONS, close_action, next_claim_state
from claimbridge.rules.common import RuleInputError
from claimbridge.rules.identifiers import check_uscc, normalize_uscc

GRADES = ("full", "equal", "none")


def _check(user: Any, party: CaseParty) -> None:
    if not scope_for(user).may_handle_party(party):
        raise not_handler()


def case_follow_claims(*, case: Case, user: Any) -> None:
    """The case (locked by the caller) follows its claim lines: concluded (已结案) once every party served by a claims
    unit has a claim and all are closed, back to agreed or the police's when one is open again — the case's own
    machine, recorded as any move of it (issue 13)."""
    claims = dict(Claim.objects.filter(party__case_id=case.pk).values_list("party_id", "state"))
    served = CaseParty.objects.filter(case_id=case.pk, claims_unit__isnull=False).values_list("pk", flat=True)
    states: list[str | None] = [claims.get(pk) for pk in served]
    action = follow_claims(case.state, states, agreed=case.agreed_at is not None)
    if action is not None:
        case_advance(case=case, action=action, actor=user)


def claim_register(*, party: CaseParty, user: Any) -> Claim:
    """立案: once per party; a second call returns the claim already registered."""
    _check(user, party)
    with transaction.atomic():
        case = case_lock(pk=party.case_id)
        existing = Claim.objects.filter(party=party).first()
        if existing is not None:
            return existing
        if case.state == "draft":
            raise AppError("draft", "案件尚未报案完整，不能立案", "the case is still a draft and cannot be registered",
                           status=409)  # fmt: skip
        claim = Claim.objects.create(party=party, registered_by=user)
        event_append(case=case, kind="claim_registered", actor=user, data={"party": party.label})
        case_follow_claims(case=case, user=user)
    return claim


def _lock_claim(claim: Claim) -> tuple[Case, Claim]:
    """Lock the case (the chain) and then the claim — always in this order, so two steps never deadlock."""
    case = case_lock(pk=claim.party.case_id)
    locked = Claim.objects.select_for_update(of=("self",)).select_related("party").get(pk=claim.pk)
    return case, locked


def _lock(claim: Claim, action: str, check: Any = None) -> tuple[Case, Claim]:
    """Lock case and claim; `check(locked claim)` may refuse; move the claim by its machine (refused: nothing
    changes). Returns the locked case and the claim in its new state (not yet saved)."""
    case, locked = _lock_claim(claim)
    if check is not None:
        check(locked)
    locked.state = next_claim_state(locked.state, action)
    return case, locked


def _done(claim: Claim, locked: Claim, fields: list[str]) -> Claim:
    locked.save(update_fields=["state", *fields])
    for name in ("state", *fields):
        setattr(claim, name, getattr(locked, name))
    return claim


def claim_contact(*, claim: Claim, user: Any) -> Claim:
    """The first call to the customer (the SLA's first-contact clock stops)."""
    _check(user, claim.party)
    with transaction.atomic():
        case, locked = _lock(claim, "contact")
        if locked.first_contact_at is None:
            locked.first_contact_at = timezone.now()
        _done(claim, locked, ["first_contact_at"])
        event_append(case=case, kind="claim_contact", actor=user, data={"party": locked.party.label})
    return claim


def claim_assess(
    *,
    claim: Claim,
    user: Any,
    losses: Mapping[str, Any],
    liability: Mapping[str, str] | None = None,
    repair_shop: str = "",
    repair_shop_code: str = "",
) -> Claim:
    """定损: each vehicle's assessed loss; the liability is the case's (agreed online) unless given (police finding);
    where the vehicle is repaired, when known (the shop's name and its unified social credit code). An assessment
    replaces the one before whole, the repair shop with it: a shop not given again is no longer recorded."""
    _check(user, claim.party)
    labels = set(claim.party.case.parties.values_list("label", flat=True))
    if set(losses) - labels:
        raise AppError("bad_losses", "损失金额须为本案各当事方的金额", "losses are amounts for the case's parties",
                       field="losses")  # fmt: skip
    if not losses:
        raise AppError("no_losses", "请填写车辆损失金额", "give the vehicles' losses", field="losses")
    amounts = {label: checked_money(value, field=f"losses.{label}", label=(f"{label} 方车损", f"vehicle loss of {label}"))
               for label, value in sorted(losses.items())}  # fmt: skip
    liability = dict(liability) if liability else _agreed_liability(claim.party.case)
    if set(liability) != labels or any(grade not in GRADES for grade in liability.values()):
        raise AppError("no_liability", "请填写每一方的责任（全部、同等或无）", "give every party's liability: full, equal or none",
                       field="liability")  # fmt: skip
    shop_name, shop_code = _repair_shop(repair_shop, repair_shop_code)
    with transaction.atomic():
        case, locked = _lock(claim, "assess")
        locked.losses = {label: str(amount) for label, amount in amounts.items()}
        locked.liability, locked.assessed_at = liability, timezone.now()
        locked.settlement, locked.payable = {}, None
        locked.repair_shop_name, locked.repair_shop_code = shop_name, shop_code
        _done(claim, locked, ["losses", "liability", "assessed_at", "settlement", "payable", "repair_shop_name",
                              "repair_shop_code"])  # fmt: skip
        data: dict[str, Any] = {"party": locked.party.label, "losses": locked.losses, "liability": liability}
        if shop_name or shop_code:
            data["repair_shop"] = {"name": shop_name, "code": shop_code}
        event_append(case=case, kind="claim_assess", actor=user, data=data)
    return claim


REPAIR_SHOP_MAX = Claim._meta.get_field("repair_shop_name").max_length or 100


def _repair_shop(name: str, code: str) -> tuple[str, str]:
    """The repair shop as recorded: its name on one line with single spaces (at most the column's 100 characters)
    and its unified social credit code in its printed form, refused unless its check character is right (GB 32100)."""
    name, code = " ".join(name.split()), normalize_uscc(code)
    if unsafe_text(name):
        raise bad_text("repair_shop")
    if len(name) > REPAIR_SHOP_MAX:
        raise AppError("bad_repair_shop", f"维修厂名称最多 {REPAIR_SHOP_MAX} 个字",
                       f"the repair shop's name has at most {REPAIR_SHOP_MAX} characters", field="repair_shop")  # fmt: skip
    if code and not check_uscc(code):
        raise AppError("bad_repair_shop_code", "维修厂统一社会信用代码不正确，请对照营业执照核对这 18 位",
                       "the repair shop's unified social credit code is not valid: check its 18 characters against "
                       "the business licence", field="repair_shop_code")  # fmt: skip
    return name, code


def _payee_account(account: str) -> str:
    """The payee's bank account as its digits (people type it in groups of four), 8 to 30 of them."""
    digits = re.sub(r"\s", "", unicodedata.normalize("NFKC", account))
    if digits and not (digits.isascii() and digits.isdigit() and 8 <= len(digits) <= 30):
        raise AppError("bad_payee_account", "收款账号应为 8 至 30 位数字", "the payee's account is 8 to 30 digits",
                       field="payee_account")  # fmt: skip
    return digits


def _agreed_liability(case: Case) -> dict[str, str]:
    from claimbridge.cases.quick_claim import accident_day
    from claimbridge.rules.circumstances import catalogue_on, liability_grades

    if not case.circumstances:
        return {}
    grades = liability_grades(case.circumstances, catalogue_on(accident_day(case)))
    return grades if all(grade in GRADES for grade in grades.values()) else {}


def claim_settle(*, claim: Claim, user: Any) -> Claim:
    """理算 by the kernel: 交强险 first, then commercial cover by liability; this insurer pays what its party's
    policies pay."""
    from claimbridge.cases.quick_claim import settlement_document
    from claimbridge.rules.settlement import settlement_from_document

    _check(user, claim.party)
    next_claim_state(claim.state, "settle")  # refused before the kernel runs when the claim is not assessed
    try:
        answer = settlement_from_document(settlement_document(claim))
    except RuleInputError as error:
        raise AppError("settlement_input", error.text.zh, error.text.en) from error
    payable = sum((Decimal(p["amount"]) for p in answer["payments"] if p["payer"] == claim.party.label), Decimal(0))
    with transaction.atomic():
        case, locked = _lock(claim, "settle")
        locked.settlement, locked.payable, locked.settled_at = answer, payable, timezone.now()
        locked.approval_requested_by = None
        _done(claim, locked, ["settlement", "payable", "settled_at", "approval_requested_by"])
        event_append(case=case, kind="claim_settle", actor=user,
                     data={"party": locked.party.label, "payable": str(payable)})  # fmt: skip
    return claim


def claim_approve(*, claim: Claim, user: Any) -> Claim:
    """核赔 within the approver's authority; above it the claim waits for a colleague with a higher limit, who may
    not be the one who asked (four eyes). Both moves go through the claim's machine."""
    _check(user, claim.party)
    with transaction.atomic():
        case, locked = _lock_claim(claim)
        payable = locked.payable or Decimal(0)
        if payable > user.approval_limit:
            if locked.state == "awaiting_approval":
                raise AppError("over_limit", f"金额 {payable} 元超过您的核赔权限 {user.approval_limit} 元",
                               f"{payable} is over your approval limit of {user.approval_limit}", status=403)  # fmt: skip
            locked.state = next_claim_state(locked.state, "request_approval")
            locked.approval_requested_by = user
            _done(claim, locked, ["approval_requested_by"])
            event_append(case=case, kind="claim_approval_requested", actor=user,
                         data={"party": locked.party.label, "payable": str(payable)})  # fmt: skip
            return claim
        if locked.state == "awaiting_approval" and locked.approval_requested_by_id == user.pk:
            raise AppError("four_eyes", "上报核赔的人员不能自己批准", "whoever asked for approval cannot approve it too",
                           status=403)  # fmt: skip
        locked.state = next_claim_state(locked.state, "approve")
        locked.approved_by, locked.approved_at = user, timezone.now()
        _done(claim, locked, ["approved_by", "approved_at"])
        event_append(case=case, kind="claim_approve", actor=user,
                     data={"party": locked.party.label, "payable": str(payable)})  # fmt: skip
    return claim


def claim_pay(*, claim: Claim, user: Any, amount: Any, reference: str, payee_account: str = "") -> Claim:
    """The payment made, with the bank's reference and, when given, the payee's account (kept encrypted; its event
    and anything sent from it hold only its last four digits). The same reference again changes nothing (a retried
    request). After a reopening only the difference between the new settlement and what was paid is due; a payment
    that names no account leaves the one recorded before."""
    _check(user, claim.party)
    reference = reference.strip()
    if not reference or len(reference) > 60:
        raise AppError("no_reference", "请填写支付流水号（最多 60 个字符）", "give the payment reference (at most 60 characters)",
                       field="reference")  # fmt: skip
    paid = checked_money(amount, field="amount", label=("支付金额", "amount paid"))
    account = _payee_account(payee_account)
    with transaction.atomic():
        case, locked = _lock_claim(claim)
        if locked.state == "paid" and locked.payment_reference == reference:
            return locked
        due = (locked.payable or Decimal(0)) - (locked.paid_amount or Decimal(0))
        if paid <= 0 or paid != due:
            raise AppError("wrong_amount", f"应支付 {due} 元（核赔金额减去已付金额）",
                           f"the payment due is {due} (the approved amount less what was paid)", field="amount")  # fmt: skip
        locked.state = next_claim_state(locked.state, "pay")
        locked.paid_amount = (locked.paid_amount or Decimal(0)) + paid
        locked.payment_reference, locked.paid_at = reference, timezone.now()
        data: dict[str, Any] = {"party": locked.party.label, "amount": str(paid), "reference": reference}
        if account:
            locked.payee_account = account
            data["payee_account_masked"] = mask_bank_account(account)  # never the account itself (B8)
        _done(claim, locked, ["paid_amount", "payment_reference", "paid_at", "payee_account"])
        event_append(case=case, kind="claim_pay", actor=user, data=data)
    return claim


def claim_close(*, claim: Claim, user: Any, reason: str) -> Claim:
    """结案 after the payment (paid in full), or closing without payment for another reason — two steps of the
    claim's machine, chosen by the reason. The case follows: concluded once every claim line on it is closed."""
    _check(user, claim.party)
    if reason not in CLOSE_REASONS:
        raise AppError("bad_reason", "请选择结案原因", "choose a reason for closing", field="reason")

    def applies(current: Claim) -> None:
        if reason == PAID_REASON and current.state != "paid":
            raise AppError("not_paid", "尚未支付，不能以“已足额赔付”结案", "nothing has been paid yet: it cannot close as paid in full",
                           field="reason")  # fmt: skip
        if reason != PAID_REASON and current.state == "paid":
            raise AppError(
                "paid", "已支付的理赔以“已足额赔付”结案", "a paid claim closes as paid in full", field="reason"
            )

    with transaction.atomic():
        case, locked = _lock(claim, close_action(reason), applies)
        locked.closed_at, locked.close_reason = timezone.now(), reason
        _done(claim, locked, ["closed_at", "close_reason"])
        event_append(case=case, kind="claim_close", actor=user, data={"party": locked.party.label, "reason": reason})
        case_follow_claims(case=case, user=user)
    return claim


def claim_reopen(*, claim: Claim, user: Any, reason: str) -> Claim:
    _check(user, claim.party)
    if reason not in REOPEN_REASONS:
        raise AppError("bad_reason", "请选择重开原因", "choose a reason for reopening", field="reason")
    with transaction.atomic():
        case, locked = _lock(claim, "reopen")
        locked.closed_at, locked.close_reason, locked.reopened_count = None, "", locked.reopened_count + 1
        locked.approved_by, locked.approved_at, locked.approval_requested_by = None, None, None
        _done(claim, locked, ["closed_at", "close_reason", "reopened_count", "approved_by", "approved_at",
                              "approval_requested_by"])  # fmt: skip
        event_append(case=case, kind="claim_reopen", actor=user, data={"party": locked.party.label, "reason": reason})
        case_follow_claims(case=case, user=user)
    return claim
