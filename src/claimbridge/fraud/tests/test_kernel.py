"""The anti-fraud kernel (issue 15; R11, R20): routing, the casework table, rewards, the vocabularies. Pure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimbridge.fraud import flow, rewards, routing, vocabulary
from claimbridge.fraud.routing import Facts, Involvement
from claimbridge.rules.common import LONGNAN, TIANSHUI

JOINT, LN_ONLY, TS_ONLY = 1, 2, 3
PER_CITY = {LN_ONLY: frozenset({LONGNAN}), TS_ONLY: frozenset({TIANSHUI})}
ONE_JOINT = {JOINT: frozenset({LONGNAN, TIANSHUI})}


# --- routing (R11: to the accident city's committee; R20: shared with the other city's) -----------------------------


def test_r11_a_clue_goes_to_the_committee_of_the_city_where_it_happened():
    decision = routing.route(Facts(accident_city_code=LONGNAN, committees=PER_CITY))
    assert decision.primary == LN_ONLY
    assert [r.committee_id for r in decision.routes] == [LN_ONLY]
    assert not decision.cross_region


@pytest.mark.parametrize("kind", ["policy", "person", "vehicle"])
def test_r20_a_clue_involving_the_other_city_is_shared_with_its_committee(kind):
    why = Involvement(city_code=TIANSHUI, kind=kind, what="A")
    decision = routing.route(Facts(accident_city_code=LONGNAN, involvements=(why,), committees=PER_CITY))
    assert decision.primary == LN_ONLY
    assert [(r.committee_id, r.primary, r.reasons) for r in decision.routes] == [
        (LN_ONLY, True, ()), (TS_ONLY, False, (why,))]  # fmt: skip
    assert decision.cross_region


def test_r20_a_joint_committee_has_it_once_but_the_clue_is_still_cross_region():
    why = Involvement(city_code=TIANSHUI, kind="vehicle", what="甘E12345")
    decision = routing.route(Facts(accident_city_code=LONGNAN, involvements=(why,), committees=ONE_JOINT))
    assert [(r.committee_id, r.primary) for r in decision.routes] == [(JOINT, True)]
    assert decision.cross_region


def test_the_most_specific_committee_of_a_city_is_its_own():
    both = ONE_JOINT | PER_CITY
    assert routing.route(Facts(accident_city_code=TIANSHUI, committees=both)).primary == TS_ONLY
    # the joint committee is not a "shared" route when the other city's own committee exists
    why = Involvement(city_code=LONGNAN, kind="policy")
    decision = routing.route(Facts(accident_city_code=TIANSHUI, involvements=(why,), committees=both))
    assert [r.committee_id for r in decision.routes] == [TS_ONLY, LN_ONLY]


def test_the_same_city_and_unknown_cities_do_not_share():
    facts = Facts(accident_city_code=LONGNAN, committees=PER_CITY, involvements=(
        Involvement(city_code=LONGNAN, kind="vehicle"), Involvement(city_code="110000", kind="person")))  # fmt: skip
    decision = routing.route(facts)
    assert [r.committee_id for r in decision.routes] == [LN_ONLY]
    assert decision.cross_region  # Beijing is another city, though no committee of ours covers it


def test_no_committee_for_the_city_routes_nowhere():
    assert routing.route(Facts(accident_city_code="110000", committees=PER_CITY)).routes == ()
    assert routing.route(Facts(accident_city_code=None, committees=PER_CITY)).primary is None


@given(st.permutations([Involvement(TIANSHUI, "policy", "A"), Involvement(TIANSHUI, "vehicle", "甘E1"),
                        Involvement(LONGNAN, "person", "driver")]))  # fmt: skip
def test_routing_does_not_depend_on_the_order_of_the_facts(involvements):
    decision = routing.route(Facts(accident_city_code=LONGNAN, involvements=tuple(involvements), committees=PER_CITY))
    assert [r.committee_id for r in decision.routes] == [LN_ONLY, TS_ONLY]
    assert {r.kind for r in decision.routes[1].reasons} == {"policy", "vehicle"}


def test_cities_of_plates_and_id_numbers():
    prefixes = {"甘K": LONGNAN, "甘E": TIANSHUI}
    assert routing.city_of_plate("甘E12345", prefixes) == TIANSHUI
    assert routing.city_of_plate("陕A12345", prefixes) is None
    assert routing.city_of_plate("", prefixes) is None
    assert routing.city_of_id_number("620502", [LONGNAN, TIANSHUI]) == TIANSHUI
    assert routing.city_of_id_number("621202", [LONGNAN, TIANSHUI]) == LONGNAN
    assert routing.city_of_id_number("110105", [LONGNAN, TIANSHUI]) is None


# --- the casework table (R20) ---------------------------------------------------------------------------------------

HAPPY = [("submit", "reporter", "received"), ("screen", "committee", "screening"),
         ("investigate", "committee", "investigating"), ("refer_to_police", "committee", "referred_to_police"),
         ("confirm_fraud", "committee", "confirmed_fraud"), ("close", "committee", "closed")]  # fmt: skip


def test_r20_the_path_from_received_to_closed():
    state = "draft"
    for action, role, target in HAPPY:
        state = flow.check(frozenset({role}), action, state)
        assert state == target
    assert flow.available_actions(frozenset({"committee", "shared", "reporter"}), "closed") == ["note"]


@pytest.mark.parametrize("state", list(flow.STATES))
@pytest.mark.parametrize("action", list(flow.ACTIONS))
@pytest.mark.parametrize("role", ["reporter", "committee", "shared", "insurer", "stranger"])
def test_every_action_in_every_state_for_every_role(state, action, role):
    """Exhaustive: an action is taken exactly when the table lists the role and the state; otherwise refused, the
    role first (NotYours), then the state (IllegalTransition)."""
    roles = frozenset({role})
    allowed_from, target = flow.ACTIONS[action]
    if role not in flow.ACTORS[action]:
        with pytest.raises(flow.NotYours):
            flow.check(roles, action, state)
        assert not flow.may(roles, action, state)
    elif state not in allowed_from:
        with pytest.raises(flow.IllegalTransition):
            flow.check(roles, action, state)
    else:
        assert flow.check(roles, action, state) == (target or state)
        assert action in flow.available_actions(roles, state)


def test_a_submitted_clue_is_never_edited_only_added_to():
    for state in flow.SUBMITTED:
        assert not flow.may(frozenset({"reporter"}), "edit", state)
    for state in flow.OPEN | flow.DECIDED:
        assert flow.may(frozenset({"reporter"}), "add_addendum", state)
    assert not flow.may(frozenset({"reporter"}), "add_addendum", "closed")


def test_a_shared_committee_reads_and_asks_but_does_not_decide():
    shared = frozenset({"shared"})
    assert flow.available_actions(shared, "investigating") == ["note", "request_files"]
    assert flow.NotYours("shared", "confirm_fraud").text.en == "You may not confirm fraud on this clue"


# --- rewards (R11) --------------------------------------------------------------------------------------------------


def test_r11_the_reward_is_the_ratio_of_the_amount_saved_rounded_half_up_to_the_fen():
    assert rewards.reward(Decimal("12345.67"), Decimal("0.05")) == Decimal("617.28")  # 617.2835
    assert rewards.reward(Decimal("10.10"), Decimal("0.0500")) == Decimal("0.51")  # 0.505 → half up
    assert rewards.reward(Decimal("0"), Decimal("0.1")) == Decimal("0.00")
    with pytest.raises(ValueError, match="negative"):
        rewards.reward(Decimal("-1"), Decimal("0.1"))
    with pytest.raises(ValueError, match="ratio"):
        rewards.reward(Decimal("1"), Decimal("1.5"))


def test_r21_the_ratio_of_the_day_of_the_decision_applies():
    ratios = [rewards.Ratio(Decimal("0.05"), date(2024, 1, 1)), rewards.Ratio(Decimal("0.08"), date(2026, 1, 1)),
              rewards.Ratio(Decimal("0.10"), date(2025, 6, 1), date(2025, 6, 30))]  # fmt: skip
    assert rewards.ratio_in_force(ratios, date(2025, 5, 31)).ratio == Decimal("0.05")
    assert rewards.ratio_in_force(ratios, date(2025, 6, 30)).ratio == Decimal("0.10")
    assert rewards.ratio_in_force(ratios, date(2025, 7, 1)).ratio == Decimal("0.05")
    assert rewards.ratio_in_force(ratios, date(2026, 1, 1)).ratio == Decimal("0.08")
    with pytest.raises(rewards.NoRatio):
        rewards.ratio_in_force(ratios, date(2023, 12, 31))


@given(st.decimals(min_value=0, max_value=10**8, places=2), st.decimals(min_value=0, max_value=1, places=4))
def test_a_reward_never_exceeds_the_amount_and_is_in_fen(amount, ratio):
    value = rewards.reward(amount, ratio)
    assert Decimal(0) <= value <= amount
    assert value == value.quantize(Decimal("0.01"))


# --- the vocabularies ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("catalogue", [vocabulary.OBSERVATIONS, vocabulary.URGENCIES, vocabulary.PERSON_ROLES,
                                       vocabulary.PLACE_KINDS, vocabulary.DECISION_REASONS])  # fmt: skip
def test_every_code_fits_its_column_and_has_both_languages(catalogue):
    for code, text in catalogue.items():
        assert len(code) <= vocabulary.CODE_MAX
        assert code.isascii()
        assert text.zh
        assert text.en
        assert text.zh != text.en


def test_a_retired_code_reads_as_itself():
    assert vocabulary.text_of(vocabulary.OBSERVATIONS, "gone").en == "gone"
    assert vocabulary.unknown_codes(vocabulary.OBSERVATIONS, ["old_damage", "gone"]) == ["gone"]


def test_the_kernel_imports_no_django():
    import ast
    import pathlib

    for name in ("flow", "routing", "rewards", "vocabulary"):
        tree = ast.parse((pathlib.Path(flow.__file__).parent / f"{name}.py").read_text())
        imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [m for m in imported if m.startswith("django")], name
