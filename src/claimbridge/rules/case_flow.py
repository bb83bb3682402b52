"""The life of a case (one accident) as explicit states and the actions that move it. Pure: no Django.

A quick claim goes draft → reported → awaiting_confirmation → agreed; a case that does not qualify, or whose parties
disagree, goes to the police. That is all a case does: each insurer's claim for its party (立案 to payment and
closure) is its own aggregate with its own machine (`claim_flow`), so no state is written twice (issue 12).
An action not allowed from the current state is refused with a reason in both languages; nothing changes.

One state is derived (issue 13): once the case is agreed or with the police and every party served by a claims unit
has a claim and all are closed, the case is `concluded` (已结案); a claim reopened takes it back. Nobody takes these
moves by hand: the claim service asks `follow_claims` after each claim step and records the move.
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
    "concluded": Text("已结案", "closed"),  # derived: every claim line on the case is closed
}

ACTION_NAMES: dict[str, Text] = {
    "report": Text("报案", "report"), "request_confirmation": Text("请双方确认", "ask both parties to confirm"),
    "confirm_all": Text("双方已确认", "both parties confirmed"), "send_to_police": Text("转交警处理", "send to the police"),
    "claims_closed": Text("全部理赔已结案", "every claim closed"),
    "claim_reopened": Text("理赔重开", "a claim reopened"), "claim_reopened_police": Text("理赔重开", "a claim reopened"),
}  # fmt: skip

ACTIONS: dict[str, tuple[frozenset[str], str]] = {  # action → (states it may start from, state it leads to)
    "report": (frozenset({"draft"}), "reported"),
    "request_confirmation": (frozenset({"reported"}), "awaiting_confirmation"),
    "confirm_all": (frozenset({"awaiting_confirmation"}), "agreed"),
    "send_to_police": (frozenset({"reported", "awaiting_confirmation"}), "police"),
    "claims_closed": (frozenset({"agreed", "police"}), "concluded"),
    "claim_reopened": (frozenset({"concluded"}), "agreed"),  # a case concluded after its agreement
    "claim_reopened_police": (frozenset({"concluded"}), "police"),  # one concluded after the police's finding
}
# Moves the claim lines make (follow_claims): never offered as a step.
DERIVED_ACTIONS = frozenset({"claims_closed", "claim_reopened", "claim_reopened_police"})
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
    """The steps someone may take from `state` (the derived moves are the claim lines', never offered)."""
    return [action for action, (allowed_from, _target) in ACTIONS.items()
            if state in allowed_from and action not in DERIVED_ACTIONS]  # fmt: skip


def follow_claims(state: str, claim_states: list[str | None], *, agreed: bool) -> str | None:
    """The derived move the case makes after its claim lines changed (None: it stays). `claim_states` has one entry
    per party served by a claims unit: its claim's state, or None while no claim is registered for it — one
    company closing its claim never concludes a case on which another company still owes its part. Concluded when it
    is past the parties (agreed or the police's) and every such party's claim is closed; back where it was when one
    is open again."""
    all_closed = bool(claim_states) and all(claim == "closed" for claim in claim_states)
    if state in ACTIONS["claims_closed"][0] and all_closed:
        return "claims_closed"
    if state == "concluded" and not all_closed:
        return "claim_reopened" if agreed else "claim_reopened_police"
    return None
