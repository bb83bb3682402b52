"""Claim lines: every allowed step, every other one refused with a reason in both languages (issue 6)."""

from __future__ import annotations

import pytest

from claimbridge.rules.case_flow import IllegalTransition
from claimbridge.rules.claim_flow import (
    CLAIM_ACTION_NAMES,
    CLAIM_ACTIONS,
    CLAIM_STATES,
    CLOSE_REASONS,
    REOPEN_REASONS,
    available_claim_actions,
    next_claim_state,
)


def test_a_claim_runs_from_registration_to_closure_and_back():
    state = "registered"
    for action, expected in (("contact", "registered"), ("assess", "assessed"), ("settle", "settled"),
                             ("approve", "approved"), ("contact", "approved"), ("pay", "paid"), ("close", "closed"),
                             ("reopen", "registered")):  # fmt: skip
        state = next_claim_state(state, action)
        assert state == expected


@pytest.mark.parametrize("state", list(CLAIM_STATES))
@pytest.mark.parametrize("action", [*CLAIM_ACTIONS, "teleport"])
def test_every_step_not_listed_is_refused_with_a_reason(state, action):
    allowed = action in CLAIM_ACTIONS and state in CLAIM_ACTIONS[action][0]
    if allowed:
        assert next_claim_state(state, action) in CLAIM_STATES
        assert action in available_claim_actions(state)
    else:
        with pytest.raises(IllegalTransition) as refused:
            next_claim_state(state, action)
        assert CLAIM_STATES[state].zh in refused.value.text.zh
        assert refused.value.text.en


def test_a_closed_claim_only_reopens_and_a_paid_claim_cannot_be_paid_again():
    assert available_claim_actions("closed") == ["reopen"]
    with pytest.raises(IllegalTransition):
        next_claim_state("paid", "pay")


def test_every_step_and_reason_has_both_languages():
    for text in [
        *CLAIM_ACTION_NAMES.values(),
        *CLOSE_REASONS.values(),
        *REOPEN_REASONS.values(),
        *CLAIM_STATES.values(),
    ]:
        assert text.zh
        assert text.en
    assert set(CLAIM_ACTION_NAMES) == set(CLAIM_ACTIONS)
