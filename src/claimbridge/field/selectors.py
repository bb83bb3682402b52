"""Reads for the field phone (B7): where a case stands now, and what happened to it since the phone last looked —
as this reader may see it (the cases' own timeline, cut by the scope; nothing is worded twice)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from claimbridge.cases import selectors as case_selectors
from claimbridge.core.errors import in_current_language
from claimbridge.rules.case_flow import STATES

CHANGES_SHOWN = 50


def case_changes(*, user: Any, number: str, since: int = 0, after: datetime | None = None) -> dict[str, Any] | None:
    """The case now and its events after sequence `since` (or, when the phone never saw the case online, after the
    moment it captured its item): None when the reader may not see the case."""
    case = case_selectors.case_get_for_user(user=user, number=number)
    if case is None:
        return None
    events = case_selectors.timeline(case=case, user=user)
    if since:
        later = [e for e in events if e["sequence"] > since]
    elif after is not None:
        later = [e for e in events if e["at"] > after]
    else:
        later = []
    state = STATES.get(case.state)
    return {
        "number": case.number,
        "state": case.state,
        "state_label": in_current_language(state.zh, state.en) if state else case.state,
        "sequence": events[-1]["sequence"] if events else 0,
        "changes": [{"sequence": e["sequence"], "at": e["at"], "words": e["words"], "actor": e["actor"]}
                    for e in later[-CHANGES_SHOWN:]],
    }  # fmt: skip
