"""Case states: every allowed move, and every other one refused with a reason (issues 6 and 12)."""

from __future__ import annotations

import pytest

from claimbridge.rules.case_flow import (
    ACTIONS,
    EDITABLE_STATES,
    STATES,
    IllegalTransition,
    available_actions,
    next_state,
)
from claimbridge.rules.claim_flow import CLAIM_ACTIONS


def test_a_quick_claim_runs_from_draft_to_agreed():
    state = "draft"
    for action in ("report", "request_confirmation", "confirm_all"):
        state = next_state(state, action)
    assert state == "agreed"
    assert available_actions("agreed") == []


def test_a_case_that_cannot_be_settled_online_goes_to_the_police_and_stays_there():
    assert next_state("reported", "send_to_police") == "police"
    assert next_state("awaiting_confirmation", "send_to_police") == "police"
    assert available_actions("police") == []


def test_issue_12_the_case_machine_does_not_repeat_the_claim_machine():
    """One state machine per aggregate: registering, assessing, paying and closing belong to each party's claim."""
    assert set(ACTIONS).isdisjoint(CLAIM_ACTIONS)
    assert {"registered", "assessed", "settled", "approved", "paid", "closed"}.isdisjoint(STATES)


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


def test_what_was_said_can_change_only_before_agreement_or_the_police():
    assert {"draft", "reported", "awaiting_confirmation"} == EDITABLE_STATES


def test_a_refused_move_passes_through_context_managers_as_itself():
    """It was a frozen dataclass: Python's setting of `__traceback__` in a context manager's exit turned it into a
    TypeError (a 500 where a refusal was due)."""
    import contextlib

    @contextlib.contextmanager
    def around():
        yield

    with pytest.raises(IllegalTransition) as refused, around():
        next_state("agreed", "report")
    assert (refused.value.state, refused.value.action) == ("agreed", "report")


@pytest.mark.parametrize(
    ("claims", "move"),
    [(["closed", "closed"], "claims_closed"), (["closed", None], None), (["closed", "paid"], None), ([], None),
     ([None], None), (["closed"], "claims_closed")],
)  # fmt: skip
def test_a_case_concludes_only_when_every_served_partys_claim_is_closed(claims, move):
    """Issue 13: None is a party served by a claims unit whose claim is not registered yet: not closed."""
    from claimbridge.rules.case_flow import follow_claims

    assert follow_claims("agreed", claims, agreed=True) == move
    back = follow_claims("concluded", claims, agreed=False)
    assert back == (None if move else "claim_reopened_police")
