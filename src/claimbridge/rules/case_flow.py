"""The life of a case (one accident) as explicit states and the actions that move it. Pure: no Django.

A quick claim goes draft → reported → awaiting_confirmation → agreed; a case that does not qualify, or whose parties
disagree, goes to the police. That is all a case does: each insurer's claim for its party (立案 to payment and
closure) is its own aggregate with its own machine (`claim_flow`), so no state is written twice (issue 12).
An action not allowed from the current state is refused with a reason in both languages; nothing changes.
"""

from __future__ import annotations

from collections.abc import Mapping

from claimbridge.rules.common import Text

STATES: dict[str, Text] = {
    "draft": Text("草稿", "draft"),
    "reported": Text("已报案", "reported"),
    "awaiting_confirmation": Text("待双方确认", "awaiting both parties' confirmation"),
    "agreed": Text("已达成协议", "agreed"),
    "police": Text("转交警处理", "with the traffic police"),
}

ACTION_NAMES: dict[str, Text] = {
    "report": Text("报案", "report"), "request_confirmation": Text("请双方确认", "ask both parties to confirm"),
    "confirm_all": Text("双方已确认", "both parties confirmed"), "send_to_police": Text("转交警处理", "send to the police"),
}  # fmt: skip

ACTIONS: dict[str, tuple[frozenset[str], str]] = {  # action → (states it may start from, state it leads to)
    "report": (frozenset({"draft"}), "reported"),
    "request_confirmation": (frozenset({"reported"}), "awaiting_confirmation"),
    "confirm_all": (frozenset({"awaiting_confirmation"}), "agreed"),
    "send_to_police": (frozenset({"reported", "awaiting_confirmation"}), "police"),
}
# Parties may still change what they said while the case is one of these (afterwards it is agreed or the police's).
EDITABLE_STATES = frozenset({"draft", "reported", "awaiting_confirmation"})


class IllegalTransition(Exception):
    """A move the machine does not allow from this state. A plain exception, not a frozen dataclass: Python sets
    `__traceback__` on an exception as it passes through a context manager, which a frozen class refuses (a TypeError
    in place of this error, seen as a 500 when refused inside a transaction)."""

    def __init__(self, state: str, action: str) -> None:
        self.state, self.action = state, action
        super().__init__(state, action)

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
