"""The committees' casework on a clue (R11, R20) as explicit states, the actions that move it, and who may take each
(the house pattern of `rules/case_flow.py`). Pure: no Django.

draft → received (the reporter submits) → screening → investigating → referred_to_police → confirmed_fraud /
not_fraud → closed. A committee may also decide straight from investigating, and clear a clue already at screening.
Actions that keep the state (a note, an assignment, a request for files, an addendum) are listed with the states
they are allowed in. Who acts is a role *towards this clue*, which the scope works out (`accounts/scope.py`):

- `reporter`: the adjuster who filed it — edits the draft, submits, adds addenda until it is closed, sees the outcome;
- `committee`: a member of the committee it was routed to (the accident city's) — every casework step;
- `shared`: a member of a committee it was shared with (the other city) — reads, writes notes, asks for files;
- `insurer`: the staff of an insurer asked for files — answers the request, nothing else.
"""

from __future__ import annotations

from claimbridge.rules.case_flow import IllegalTransition, move
from claimbridge.rules.common import Text

STATES: dict[str, Text] = {
    "draft": Text("草稿", "draft"),
    "received": Text("已接收", "received"),
    "screening": Text("初筛中", "screening"),
    "investigating": Text("调查中", "investigating"),
    "referred_to_police": Text("已移送公安", "referred to the police"),
    "confirmed_fraud": Text("确认欺诈", "fraud confirmed"),
    "not_fraud": Text("排除欺诈", "not fraud"),
    "closed": Text("已结案", "closed"),
}
OPEN = frozenset({"received", "screening", "investigating", "referred_to_police"})
DECIDED = frozenset({"confirmed_fraud", "not_fraud"})
SUBMITTED = OPEN | DECIDED | {"closed"}

ACTION_NAMES: dict[str, Text] = {
    "edit": Text("修改草稿", "edit the draft"), "submit": Text("提交线索", "submit the clue"),
    "add_addendum": Text("补充材料", "add to the clue"), "screen": Text("开始初筛", "start screening"),
    "investigate": Text("立案调查", "open an investigation"), "refer_to_police": Text("移送公安", "refer to the police"),
    "confirm_fraud": Text("确认欺诈", "confirm fraud"), "clear": Text("排除欺诈", "not fraud"),
    "close": Text("结案", "close"), "assign": Text("指派承办人", "assign"), "note": Text("添加备注", "add a note"),
    "request_files": Text("向保险公司调取材料", "ask an insurer for files"),
    "answer_request": Text("答复调取", "answer a request"), "link": Text("并案", "link into one investigation"),
    "set_deadline": Text("设定期限", "set a deadline"),
}  # fmt: skip

# action → (states it may start from, state it leads to; None keeps the state)
ACTIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "edit": (frozenset({"draft"}), None),
    "submit": (frozenset({"draft"}), "received"),
    "add_addendum": (OPEN | DECIDED, None),
    "screen": (frozenset({"received"}), "screening"),
    "investigate": (frozenset({"received", "screening"}), "investigating"),
    "refer_to_police": (frozenset({"investigating"}), "referred_to_police"),
    "confirm_fraud": (frozenset({"investigating", "referred_to_police"}), "confirmed_fraud"),
    "clear": (frozenset({"screening", "investigating", "referred_to_police"}), "not_fraud"),
    "close": (DECIDED, "closed"),
    "assign": (OPEN, None),
    "set_deadline": (OPEN, None),
    "note": (SUBMITTED, None),
    "request_files": (OPEN, None),
    "answer_request": (OPEN | DECIDED, None),
    "link": (OPEN, None),
}

# Who may take each action (towards the clue: see the module's docstring).
ACTORS: dict[str, frozenset[str]] = {
    "edit": frozenset({"reporter"}),
    "submit": frozenset({"reporter"}),
    "add_addendum": frozenset({"reporter"}),
    "screen": frozenset({"committee"}),
    "investigate": frozenset({"committee"}),
    "refer_to_police": frozenset({"committee"}),
    "confirm_fraud": frozenset({"committee"}),
    "clear": frozenset({"committee"}),
    "close": frozenset({"committee"}),
    "assign": frozenset({"committee"}),
    "set_deadline": frozenset({"committee"}),
    "note": frozenset({"committee", "shared"}),
    "request_files": frozenset({"committee", "shared"}),
    "answer_request": frozenset({"insurer"}),
    "link": frozenset({"committee"}),
}
# Decisions carry reason codes (vocabulary.DECISION_REASONS); these two cannot be taken without one.
NEEDS_REASON = frozenset({"confirm_fraud", "clear"})
MOVES = frozenset(action for action, (_from, target) in ACTIONS.items() if target is not None)

assert set(ACTIONS) == set(ACTORS) == set(ACTION_NAMES)


class NotYours(Exception):
    """The actor's role towards the clue does not take this action (whatever the state)."""

    def __init__(self, role: str, action: str) -> None:
        self.role, self.action = role, action
        super().__init__(role, action)

    @property
    def text(self) -> Text:
        name = ACTION_NAMES.get(self.action, Text(self.action, self.action))
        return Text(f"您无权对该线索执行此操作（{name.zh}）", f"You may not {name.en} on this clue")


def next_state(state: str, action: str) -> str:
    """The state `action` leads to from `state`, or IllegalTransition."""
    return move(ACTIONS, state, action)


def may(roles: frozenset[str], action: str, state: str) -> bool:
    allowed_from, _target = ACTIONS.get(action, (frozenset(), None))
    return state in allowed_from and bool(roles & ACTORS.get(action, frozenset()))


def check(roles: frozenset[str], action: str, state: str) -> str:
    """The state after the action, refusing first a role that never takes it (NotYours), then a wrong state."""
    if not roles & ACTORS.get(action, frozenset()):
        raise NotYours(",".join(sorted(roles)) or "none", action)
    return next_state(state, action)


def available_actions(roles: frozenset[str], state: str) -> list[str]:
    return [action for action in ACTIONS if may(roles, action, state)]


__all__ = [
    "ACTIONS",
    "ACTORS",
    "STATES",
    "IllegalTransition",
    "NotYours",
    "available_actions",
    "check",
    "may",
    "next_state",
]  # fmt: skip
