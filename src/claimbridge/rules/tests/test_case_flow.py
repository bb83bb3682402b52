"""Case states: every allowed move, and every other one refused with a reason (issue 6)."""

from __future__ import annotations

import pytest

from claimbridge.rules.case_flow import ACTIONS, STATES, IllegalTransition, available_actions, next_state


def test_a_quick_claim_runs_from_draft_to_closed():
    state = "draft"
    for action in (
        "report",
        "request_confirmation",
        "confirm_all",
        "register",
        "assess",
        "settle",
        "approve",
        "pay",
        "close",
    ):
        state = next_state(state, action)
    assert state == "closed"
    assert next_state("closed", "reopen") == "registered"


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_move_not_listed_is_refused(state, action):
    allowed_from, target = ACTIONS[action]
    if state in allowed_from:
        assert next_state(state, action) == target
    else:
        with pytest.raises(IllegalTransition) as caught:
            next_state(state, action)
        assert caught.value.text.zh
        assert caught.value.text.en


def test_unknown_actions_are_refused():
    with pytest.raises(IllegalTransition):
        next_state("draft", "teleport")


def test_a_closed_case_can_only_be_reopened():
    assert available_actions("closed") == ["reopen"]
    assert "close" not in available_actions("draft")
