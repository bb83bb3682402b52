"""A consultation's life (R13) as explicit states and the one transition table (the house pattern of
`rules/case_flow.py`). Pure: no Django.

asked → (escalated →) answered → rated; any open question may be closed (answered elsewhere, a duplicate, withdrawn).
Who may take an action is the scope's question (`accounts/scope.py`: may_answer, may_escalate, may_rate); this table
says only which states an action may start from and where it leads.
"""

from __future__ import annotations

from claimbridge.rules.common import Text

STATES: dict[str, Text] = {
    "asked": Text("待答复", "waiting for an answer"),
    "escalated": Text("已转专家", "with a specialist"),
    "answered": Text("已答复", "answered"),
    "rated": Text("已评价", "rated"),
    "closed": Text("已关闭", "closed"),
}
OPEN = frozenset({"asked", "escalated"})

# action → (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "escalate": (frozenset({"asked"}), "escalated"),
    "answer": (OPEN, "answered"),
    "rate": (frozenset({"answered"}), "rated"),
    "close": (frozenset({"asked", "escalated", "answered", "rated"}), "closed"),
}
ACTION_NAMES: dict[str, Text] = {
    "escalate": Text("转交专家", "escalate to a specialist"),
    "answer": Text("答复", "answer"),
    "rate": Text("评价", "rate"),
    "close": Text("关闭", "close"),
}


class NotNow(Exception):
    """The action may not be taken in this state (the service turns it into a bilingual 409)."""

    def __init__(self, state: str, action: str) -> None:
        self.state, self.action = state, action
        super().__init__(state, action)

    @property
    def text(self) -> Text:
        state, action = STATES[self.state], ACTION_NAMES[self.action]
        return Text(f"该咨询{state.zh}，不能{action.zh}", f"This question is {state.en}: you cannot {action.en} it now")


def next_state(action: str, state: str) -> str:
    """The state `action` leads to from `state`; NotNow when it may not be taken there."""
    starts, target = TRANSITIONS[action]
    if state not in starts:
        raise NotNow(state, action)
    return target


# What each event of the chain (services.consultation_event) says in the history.
EVENT_NAMES: dict[str, Text] = {
    "asked": Text("提出咨询", "asked"),
    "escalated": Text("转交专家", "escalated to a specialist"),
    "answered": Text("已答复", "answered"),
    "rated": Text("客户已评价", "rated by the customer"),
    "closed": Text("已关闭", "closed"),
    "faq_published": Text("整理为常见问题", "published as a common question"),
}
