"""The life of a case as explicit states and the actions that move it (issue 6). Pure: no Django.

A quick claim goes draft → reported → awaiting_confirmation → agreed, then its claim is registered, assessed,
settled, approved, paid and closed; a case that does not qualify, or whose parties disagree, goes to the police path.
An action not allowed from the current state is refused with a reason in both languages; nothing changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from claimbridge.rules.common import Text

STATES: dict[str, Text] = {
    "draft": Text("草稿", "draft"),
    "reported": Text("已报案", "reported"),
    "awaiting_confirmation": Text("待双方确认", "awaiting both parties' confirmation"),
    "agreed": Text("已达成协议", "agreed"),
    "police": Text("转交警处理", "with the traffic police"),
    "registered": Text("已立案", "registered"),
    "assessed": Text("已定损", "loss assessed"),
    "settled": Text("已理算", "settlement computed"),
    "approved": Text("已核赔", "approved"),
    "paid": Text("已支付", "paid"),
    "closed": Text("已结案", "closed"),
}

ACTION_NAMES: dict[str, Text] = {
    "report": Text("报案", "report"), "request_confirmation": Text("请双方确认", "ask both parties to confirm"),
    "confirm_all": Text("双方已确认", "both parties confirmed"), "send_to_police": Text("转交警处理", "send to the police"),
    "register": Text("立案", "register"), "assess": Text("定损", "assess the loss"), "settle": Text("理算", "compute settlement"),
    "approve": Text("核赔", "approve"), "pay": Text("支付", "pay"), "close": Text("结案", "close"), "reopen": Text("重开", "reopen"),
}  # fmt: skip

ACTIONS: dict[str, tuple[frozenset[str], str]] = {  # action → (states it may start from, state it leads to)
    "report": (frozenset({"draft"}), "reported"),
    "request_confirmation": (frozenset({"reported"}), "awaiting_confirmation"),
    "confirm_all": (frozenset({"awaiting_confirmation"}), "agreed"),
    "send_to_police": (frozenset({"reported", "awaiting_confirmation"}), "police"),
    "register": (frozenset({"agreed", "police", "reported"}), "registered"),
    "assess": (frozenset({"registered"}), "assessed"),
    "settle": (frozenset({"assessed", "settled"}), "settled"),
    "approve": (frozenset({"settled"}), "approved"),
    "pay": (frozenset({"approved"}), "paid"),
    "close": (frozenset({"paid", "police", "registered", "assessed", "settled", "approved"}), "closed"),
    "reopen": (frozenset({"closed"}), "registered"),
}


@dataclass(frozen=True, slots=True)
class IllegalTransition(Exception):
    state: str
    action: str

    @property
    def text(self) -> Text:
        from claimbridge.rules.claim_flow import CLAIM_STATES

        state = STATES.get(self.state) or CLAIM_STATES.get(self.state) or Text(self.state, self.state)
        return Text(f"案件处于“{state.zh}”状态，不能执行此操作（{self.action}）",
                    f"A case that is {state.en} cannot {self.action.replace('_', ' ')}")  # fmt: skip


def move(actions: Mapping[str, tuple[frozenset[str], str | None]], state: str, action: str) -> str:
    """The state `action` leads to from `state` (unchanged when the action keeps it), or IllegalTransition."""
    if action not in actions:
        raise IllegalTransition(state, action)
    allowed_from, target = actions[action]
    if state not in allowed_from:
        raise IllegalTransition(state, action)
    return target or state


def next_state(state: str, action: str) -> str:
    return move(ACTIONS, state, action)


def available_actions(state: str) -> list[str]:
    return [action for action, (allowed_from, _target) in ACTIONS.items() if state in allowed_from]
