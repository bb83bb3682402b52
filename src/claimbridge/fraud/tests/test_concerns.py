"""Each insurer sees the clues that touch its own customers or cases, and only its part (issue 15; R11, R20, B8); a
clue naming a vehicle insured in the other city is shared with that city's committee (the cross-region mechanism)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from tests.factories import wudu_case

from claimbridge.fraud import selectors, services
from claimbridge.fraud.models import ClueEvent
from claimbridge.policies.tests.factories import load, row

pytestmark = pytest.mark.django_db


def _alone(users, plate: str):
    return services.clue_create(user=users["tianlong_adj1"], county_code="621202", observations=["old_damage"],
                                vehicles=[{"plate": plate}], submit=True)  # fmt: skip


def _seen_by(users, clue) -> set[str]:
    return {name for name in ("maiji_hq", "tianlong_hq", "fuxi_hq", "bailong_hq")
            if name in users and selectors.clue_get_for_user(user=users[name], number=clue.number)}  # fmt: skip


def test_r11_b8_the_companies_of_the_cases_parties_see_the_clue_and_only_their_part(users, committees):
    case = wudu_case(users["tianlong_adj1"])  # A: 麦积, B: 天龙
    clue = services.clue_create(user=users["tianlong_adj1"], county_code="621202", observations=["old_damage"],
                                description="双方互存电话", case_number=case.number, submit=True,
                                people=[{"role": "witness", "name": "王五", "phone": "13912345678"}])  # fmt: skip
    assert _seen_by(users, clue) == {"maiji_hq", "tianlong_hq"}
    view = selectors.clue_view(user=users["maiji_hq"], clue=clue)
    assert [(c["code"], c["what"], c["case"]) for c in view.concerns] == [("case_party", "A", case.number)]
    assert (view.people, view.vehicles, view.observations, view.photos, view.notes) == ([], [], [], [], [])
    assert view.actions == []  # told, not acting: answering comes with a request
    client = Client()
    client.force_login(users["maiji_hq"])
    page = client.get(f"/fraud/{clue.number}/", secure=True).content.decode()
    for hidden in ("双方互存电话", "王*", "139****5678"):
        assert hidden not in page
    assert 'data-testid="insurer-part"' in page
    api = client.get(f"/api/v1/fraud/clues/{clue.number}", secure=True).json()
    assert api["concerns"] == [{"kind": "case_party", "what": "A", "case": case.number}]
    assert api["people"] == []
    assert api["observations"] == []
    client.force_login(users["fuxi_hq"])
    assert client.get(f"/fraud/{clue.number}/", secure=True).status_code == 404
    assert client.get(f"/api/v1/fraud/clues/{clue.number}", secure=True).status_code == 404
    kinds = list(ClueEvent.objects.filter(clue=clue, kind="insurer_informed").values_list("data__insurer", flat=True))
    assert sorted(kinds) == sorted([case.parties.get(label="A").insurer_id, case.parties.get(label="B").insurer_id])


def test_b8_a_claims_unit_is_not_told_of_every_clue_of_its_company(users, committees):
    case = wudu_case(users["tianlong_adj1"])
    clue = services.clue_create(user=users["tianlong_adj1"], county_code="621202", observations=["old_damage"],
                                case_number=case.number, submit=True)  # fmt: skip
    units = [name for name in users if name.startswith("maiji_unit")]
    assert units
    for name in units:
        assert selectors.clue_get_for_user(user=users[name], number=clue.number) is None


def test_r20_a_vehicle_insured_in_the_other_city_shares_the_clue_and_tells_its_insurer(users, committees):
    today = timezone.localdate()
    load(users, [row("MJ-0001", branch="620500", plate="甘K99999", start=f"{today - timedelta(days=100)}",
                     end=f"{today + timedelta(days=200)}")], insurer_code="maiji")  # fmt: skip
    clue = _alone(users, "甘K99999")  # a Longnan plate, written by 麦积 in Tianshui
    routes = {r.committee_id: r for r in clue.routes.all()}
    assert routes[committees["ln"].pk].primary
    assert {"city": "620500", "kind": "policy", "what": "甘K99999"} in routes[committees["ts"].pk].reasons
    assert clue.cross_region
    assert _seen_by(users, clue) == {"maiji_hq"}
    concerns = selectors.clue_view(user=users["maiji_hq"], clue=clue).concerns
    assert [(c["code"], c["what"]) for c in concerns] == [("vehicle", "甘K99999")]
    # a plate the register does not know tells no company and stays with the accident city
    unknown = _alone(users, "甘K54321")
    assert _seen_by(users, unknown) == set()
    assert list(unknown.routes.values_list("committee_id", flat=True)) == [committees["ln"].pk]


def test_b8_a_company_told_again_for_a_new_reason_is_an_event_too(users, committees):
    """An addendum naming a vehicle of a company already told adds the reason to its part and to the clue's chain."""
    today = timezone.localdate()
    load(users, [row("MJ-0002", branch="620500", plate="甘K99998", start=f"{today - timedelta(days=100)}",
                     end=f"{today + timedelta(days=200)}")], insurer_code="maiji")  # fmt: skip
    case = wudu_case(users["tianlong_adj1"])
    clue = services.clue_create(user=users["tianlong_adj1"], county_code="621202", observations=["old_damage"],
                                case_number=case.number, submit=True)  # fmt: skip
    maiji = case.parties.get(label="A").insurer_id
    told = ClueEvent.objects.filter(clue=clue, kind="insurer_informed", data__insurer=maiji)
    assert told.count() == 1
    services.addendum_add(user=users["tianlong_adj1"], clue=clue, vehicles=[{"plate": "甘K99998"}])
    assert told.count() == 2
    assert told.order_by("sequence").last().data["reasons"] == [{"kind": "vehicle", "what": "甘K99998"}]
    concerns = selectors.clue_view(user=users["maiji_hq"], clue=clue).concerns
    assert [(c["code"], c["what"]) for c in concerns] == [("case_party", "A"), ("vehicle", "甘K99998")]
