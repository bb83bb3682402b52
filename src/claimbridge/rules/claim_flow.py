"""The life of one insurer's claim on a case (issue 6, back office): registered (立案), first contact, loss assessed,
settlement computed, approved (by the handler within their authority, or by a supervisor above it), paid, closed;
a closed claim can be reopened with a reason. Pure: no Django.

Closing is two steps (issue 13): 结案 once the payment is made, and closing without payment (withdrawn, not covered,
no loss, suspected fraud) from any earlier state — so a handler at the start of a claim is never offered 结案 as if
it were the next step. `next_claim_step` names the one step the claim waits for, for the page to put first.
"""

from __future__ import annotations

from claimbridge.rules.case_flow import move
from claimbridge.rules.common import Text

CLAIM_STATES: dict[str, Text] = {
    "registered": Text("已立案", "registered"),
    "assessed": Text("已定损", "loss assessed"),
    "settled": Text("已理算", "settlement computed"),
    "awaiting_approval": Text("待上级核赔", "awaiting a supervisor's approval"),
    "approved": Text("已核赔", "approved"),
    "paid": Text("已支付", "paid"),
    "closed": Text("已结案", "closed"),
}

# A step of the claim as the driver follows it before it is reached (issue 13): what it will be, not 已… as if done.
CLAIM_STEP_NAMES: dict[str, Text] = {
    "registered": Text("立案", "registration"),
    "assessed": Text("定损", "loss assessment"),
    "settled": Text("理算", "settlement"),
    "approved": Text("核赔", "approval"),
    "paid": Text("支付", "payment"),
    "closed": Text("结案", "closing"),
}

CLAIM_ACTION_NAMES: dict[str, Text] = {
    "contact": Text("记录首次联系", "record first contact"), "assess": Text("定损", "assess the loss"),
    "settle": Text("理算", "compute the settlement"), "request_approval": Text("上报核赔", "ask a supervisor to approve"),
    "approve": Text("核赔", "approve"),
    "pay": Text("记录支付", "record the payment"), "close": Text("结案", "close"),
    "close_unpaid": Text("不予赔付并结案", "close without payment"), "reopen": Text("重开", "reopen"),
}  # fmt: skip

CLAIM_ACTIONS: dict[str, tuple[frozenset[str], str | None]] = {  # action → (from states, to state; None: unchanged)
    "contact": (frozenset({"registered", "assessed", "settled", "awaiting_approval", "approved"}), None),
    "assess": (frozenset({"registered", "assessed", "settled", "awaiting_approval"}), "assessed"),
    "settle": (frozenset({"assessed", "settled"}), "settled"),
    "request_approval": (frozenset({"settled"}), "awaiting_approval"),  # above the handler's approval limit
    "approve": (frozenset({"settled", "awaiting_approval"}), "approved"),
    "pay": (frozenset({"approved"}), "paid"),
    "close": (frozenset({"paid"}), "closed"),  # paid in full
    "close_unpaid": (frozenset({"registered", "assessed", "settled", "awaiting_approval", "approved"}), "closed"),
    "reopen": (frozenset({"closed"}), "registered"),
}

CLOSE_REASONS: dict[str, Text] = {
    "paid_in_full": Text("已足额赔付", "paid in full"),
    "withdrawn": Text("客户撤案", "withdrawn by the customer"),
    "not_covered": Text("不属于保险责任", "not covered by the policy"),
    "no_loss": Text("无损失或损失未达免赔", "no loss, or below the deductible"),
    "no_fault_proxy_paid": Text(
        "由责任方保险公司代为赔付（无责代赔）", "paid by the liable party's insurer (no-fault proxy)"
    ),
    "fraud_suspected": Text("涉嫌欺诈，移交调查", "suspected fraud, passed for investigation"),
}
PAID_REASON = "paid_in_full"  # the reason of `close`; every other reason is one of `close_unpaid`
REOPEN_REASONS: dict[str, Text] = {
    "new_evidence": Text("出现新的证据", "new evidence"),
    "additional_loss": Text("发现新的损失", "a further loss came to light"),
    "payment_failed": Text("支付未到账", "the payment did not arrive"),
    "complaint": Text("客户投诉复核", "a customer complaint is reviewed"),
}


def next_claim_state(state: str, action: str) -> str:
    return move(CLAIM_ACTIONS, state, action)


def available_claim_actions(state: str) -> list[str]:
    return [action for action, (allowed_from, _target) in CLAIM_ACTIONS.items() if state in allowed_from]


def close_action(reason: str) -> str:
    """Which of the two closing steps a reason belongs to."""
    return "close" if reason == PAID_REASON else "close_unpaid"


# The step each state waits for (the page's primary button); a claim not yet contacted waits for the first call.
_NEXT_STEP: dict[str, str] = {"registered": "assess", "assessed": "settle", "settled": "approve",
                              "awaiting_approval": "approve", "approved": "pay", "paid": "close"}  # fmt: skip


def next_claim_step(state: str, *, contacted: bool) -> str | None:
    """The one step the claim waits for now, or None (a closed claim waits for nothing; reopening is not a next
    step but an exception)."""
    if not contacted and "contact" in available_claim_actions(state):
        return "contact"
    return _NEXT_STEP.get(state)
