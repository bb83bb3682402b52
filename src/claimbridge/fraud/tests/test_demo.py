"""The demo's anti-fraud casework (`claimbridge demo`, issue 15; R11, R20): each city's own committee with a member,
the joint one kept, every demo insurer's reward ratio, made once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from claimbridge.accounts.models import Role, User
from claimbridge.core.demo import DEMO_PASSWORD, INSURERS
from claimbridge.fraud import selectors, services
from claimbridge.fraud.demo import load_demo_fraud
from claimbridge.fraud.models import RewardRatio
from claimbridge.organisations.models import AntiFraudCommittee

pytestmark = pytest.mark.django_db

CITY_COMMITTEES = {
    "陇南市保险反欺诈委员会": ("621200", "antifraud_ln"),
    "天水市保险反欺诈委员会": ("620500", "antifraud_ts"),
}
JOINT = "陇南天水保险业反欺诈工作委员会"


def _snapshot() -> dict[str, Any]:
    committees = {c.name: (c.name_en, sorted(c.associations.values_list("city__code", flat=True)))
                  for c in AntiFraudCommittee.objects.all()}  # fmt: skip
    members = {u.username: (u.role, u.committee.name if u.committee else None, u.full_name, u.phone)
               for u in User.objects.filter(role=Role.ANTIFRAUD_MEMBER).select_related("committee")}  # fmt: skip
    ratios = sorted((r.insurer.code, r.ratio, r.effective_from, r.effective_until)
                    for r in RewardRatio.objects.select_related("insurer"))  # fmt: skip
    return {"committees": committees, "members": members, "ratios": ratios, "users": User.objects.count()}


def test_r20_the_demo_has_each_citys_committee_beside_the_joint_one_and_a_second_run_changes_nothing():
    made = load_demo_fraud()
    first = _snapshot()
    for name, (city_code, username) in CITY_COMMITTEES.items():
        assert first["committees"][name][1] == [city_code]  # the city's own association only
        member = User.objects.get(username=username)
        assert (member.role, member.committee.name) == (Role.ANTIFRAUD_MEMBER, name)
        assert member.check_password(DEMO_PASSWORD)
    assert first["committees"][JOINT][1] == ["620500", "621200"]  # the joint committee and its member stay
    assert first["members"]["antifraud"][1] == JOINT
    assert [login.username for login in made.logins] == ["antifraud_ln", "antifraud_ts"]

    again = load_demo_fraud()
    assert _snapshot() == first
    assert again == made


def test_r11_every_demo_insurer_has_a_reward_ratio_from_2023_08_15():
    load_demo_fraud()
    ratios = {r.insurer.code: r for r in RewardRatio.objects.select_related("insurer")}
    assert set(ratios) == {spec.code for spec in INSURERS}
    assert {r.effective_from for r in ratios.values()} == {date(2023, 8, 15)}
    assert all(r.effective_until is None for r in ratios.values())
    assert ratios["fuxi"].ratio == Decimal("0.0300")
    assert {code: r.ratio for code, r in ratios.items() if code != "fuxi"} == dict.fromkeys(
        ("tianlong", "maiji", "bailong"), Decimal("0.0500"))  # fmt: skip


def test_r11_r20_in_the_demo_a_clue_goes_to_its_citys_committee_which_confirms_it_at_the_underwriters_ratio(users):
    """A clue in 武都 goes to the Longnan committee (the most specific for its city), not the joint one; a clue in
    秦州 with a Longnan plate is Tianshui's and shared with Longnan's; confirmed fraud underwritten by 伏羲 earns 3 %."""
    load_demo_fraud()
    members = {name: User.objects.get(username=name) for name in ("antifraud", "antifraud_ln", "antifraud_ts")}
    ln = services.clue_create(user=users["tianlong_adj1"], county_code="621202", observations=["old_damage"],
                              submit=True)  # fmt: skip
    ts = services.clue_create(user=users["maiji_adj1"], county_code="620502", observations=["driver_swapped"],
                              vehicles=[{"plate": "甘K12345"}], submit=True)  # fmt: skip
    routes = lambda clue: {(r.committee.name, r.primary) for r in clue.routes.select_related("committee")}  # noqa: E731
    assert routes(ln) == {("陇南市保险反欺诈委员会", True)}
    assert routes(ts) == {("天水市保险反欺诈委员会", True), ("陇南市保险反欺诈委员会", False)}
    assert set(selectors.clue_list_for_user(user=members["antifraud_ln"])) == {ln, ts}
    assert set(selectors.clue_list_for_user(user=members["antifraud_ts"])) == {ts}
    assert selectors.clue_get_for_user(user=members["antifraud"], number=ln.number) is None

    services.clue_move(user=members["antifraud_ln"], clue=ln, action="investigate")
    ln = services.clue_move(user=members["antifraud_ln"], clue=ln, action="confirm_fraud", reasons=["admitted"],
                            amount_saved=Decimal("10000.00"), underwriter_code="fuxi")  # fmt: skip
    assert (ln.reward.insurer.code, ln.reward.ratio, ln.reward.amount) == ("fuxi", Decimal("0.0300"),
                                                                          Decimal("300.00"))  # fmt: skip


def test_r11_r20_the_demo_clues_show_the_casework_once():
    """After the demo's cases: a clue from the agreed case at Longnan's committee, shared with Tianshui's, with
    files asked of 麦积 (who sees its part); one on its own being screened in Tianshui; a second run makes nothing."""
    from claimbridge.cases.demo import load_demo_cases
    from claimbridge.fraud.demo import load_demo_clues
    from claimbridge.fraud.models import Clue
    from claimbridge.policies.demo import load_demo_policies

    load_demo_fraud()
    load_demo_policies()
    load_demo_cases()
    first = load_demo_clues()
    again = load_demo_clues()
    assert [c.number for c in first] == [c.number for c in again]
    assert Clue.objects.count() == 2
    from_case, alone = (Clue.objects.get(number=c.number) for c in first)
    assert from_case.case is not None
    assert {(r.committee.name, r.primary) for r in from_case.routes.select_related("committee")} == {
        ("陇南市保险反欺诈委员会", True), ("天水市保险反欺诈委员会", False)}  # fmt: skip
    assert from_case.file_requests.get().insurer.code == "maiji"
    maiji = User.objects.get(username="maiji_hq")
    assert selectors.clue_get_for_user(user=maiji, number=from_case.number) is not None
    assert selectors.clue_view(user=maiji, clue=from_case).people == []
    assert alone.state == "screening"
    assert alone.routes.get(primary=True).committee.name == "天水市保险反欺诈委员会"
