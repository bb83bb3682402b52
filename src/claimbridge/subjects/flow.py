"""A data subject's request, as a state machine (pure: no Django). Received → in progress → done, or refused with the
reason; done and refused are final (decision 0030)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    zh: str
    en: str


STATES = {
    "received": Text("已受理", "received"),
    "in_progress": Text("处理中", "in progress"),
    "done": Text("已办结", "done"),
    "refused": Text("不予办理", "refused"),
}
KINDS = {
    "correction": Text("更正", "correction"),
    "deletion": Text("删除", "deletion"),
}
FINAL = frozenset({"done", "refused"})
# action → the states it may be taken from, and the state it leads to
TRANSITIONS = {
    "start": (frozenset({"received"}), "in_progress"),
    "complete": (frozenset({"received", "in_progress"}), "done"),
    "refuse": (frozenset({"received", "in_progress"}), "refused"),
}


class NotNow(Exception):
    def __init__(self, text: Text) -> None:
        self.text = text
        super().__init__(text.en)


def next_state(action: str, state: str) -> str:
    sources, target = TRANSITIONS[action]
    if state not in sources:
        name = STATES.get(state, Text(state, state))
        raise NotNow(Text(f"该请求{name.zh}，不能再办理", f"The request is {name.en}: it cannot be worked again"))
    return target
