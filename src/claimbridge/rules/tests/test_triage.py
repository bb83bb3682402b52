"""Triage (R14): online one-stop claim, refer the liable party, or offline follow-up, with plain next steps."""

from __future__ import annotations

import pytest

from claimbridge.rules.common import RuleInputError
from claimbridge.rules.triage import triage_from_document


def route(**changes):
    document = {
        "estimated_loss": "8000",
        "liability": {"A": "full", "B": "none"},
        "own_customer": "A",
        "facts_disputed": False,
        "scene_difficult": False,
        **changes,
    }
    return triage_from_document(document)


def test_r14_1_small_clear_loss_of_our_liable_customer_goes_online():
    decision = route()
    assert decision["route"] == "online_one_stop"
    assert [a["code"] for a in decision["actions"]] == ["move_to_safety", "online_claim"]
    assert all(a["zh"] and a["en"] for a in decision["actions"])


@pytest.mark.parametrize(("loss", "expected"), [("10000", "online_one_stop"), ("10000.01", "offline_follow_up")])
def test_r14_the_10000_yuan_line_is_inclusive(loss, expected):
    assert route(estimated_loss=loss)["route"] == expected


def test_a_share_below_full_still_goes_online():
    assert route(liability={"A": "secondary", "B": "primary"})["route"] == "online_one_stop"
    assert route(liability={"A": 0.5, "B": "0.5"})["route"] == "online_one_stop"


def test_r14_3_when_the_other_party_is_liable_we_refer_them_to_their_insurer():
    decision = route(own_customer="B")
    assert decision["route"] == "refer_liable_party"
    assert [a["code"] for a in decision["actions"]] == ["report_to_own_insurer", "call_police"]


def test_r14_3_after_a_signed_quick_claim_agreement_the_not_liable_driver_is_not_sent_to_the_police():
    """Issue 13: the not-liable driver's phone said "协助拨打 122 报警" after both had signed the agreement; the
    agreement replaces the police (快处易赔), so the step says whose insurer pays instead. The route stays R14.3's."""
    decision = route(own_customer="B", agreed=True)
    assert decision["route"] == "refer_liable_party"
    assert [a["code"] for a in decision["actions"]] == ["claim_from_liable_insurer"]
    assert "无需报警" in decision["actions"][0]["zh"]
    assert [a["code"] for a in route(agreed=True)["actions"]] == ["move_to_safety", "claim_followed_online"]
    offline = route(own_customer="B", agreed=True, facts_disputed=True)
    assert "call_police" in [a["code"] for a in offline["actions"]]  # disputed: the police still, agreement or not
    unfit = route(own_customer="B", agreed=True, quick_claim_eligible=False)
    assert "call_police" in [a["code"] for a in unfit["actions"]]


@pytest.mark.parametrize(
    "changes",
    [
        {"liability": {"A": "undetermined", "B": "undetermined"}},
        {"facts_disputed": True},
        {"scene_difficult": True},
        {"estimated_loss": 25000},
    ],
)
def test_r14_2_unclear_large_or_difficult_cases_are_followed_up_offline(changes):
    decision = route(**changes)
    assert decision["route"] == "offline_follow_up"
    assert [a["code"] for a in decision["actions"]] == ["call_police", "go_to_service_point", "back_office_follow_up"]
    assert decision["reasons"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"own_customer": "C"}, "own_customer"),
        ({"estimated_loss": "-1"}, "estimated_loss"),
        ({"liability": {"A": "mostly", "B": "none"}}, "liability.A"),
        ({"liability": {"A": 1.2, "B": "none"}}, "liability.A"),
        ({"scene_difficult": "no"}, "scene_difficult"),
        ({"date": "2023-08-14"}, "date"),
        ({"weather": "snow"}, "weather"),
    ],
)
def test_bad_triage_input_is_refused(changes, field):
    with pytest.raises(RuleInputError) as caught:
        route(**changes)
    assert caught.value.field == field


@pytest.mark.parametrize("own_customer", ["A", "B"])
def test_r14_an_accident_that_does_not_qualify_for_quick_handling_goes_to_the_police_whoever_is_liable(own_customer):
    """Injuries (or any failed 快处易赔 condition) rule out both the online claim and a mere referral."""
    decision = route(own_customer=own_customer, quick_claim_eligible=False)
    assert decision["route"] == "offline_follow_up"
    assert decision["actions"][0]["code"] == "call_police"
    assert any("交警" in reason["zh"] for reason in decision["reasons"])
