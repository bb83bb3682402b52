"""Clue reports and the committees' casework through the services (issue 15; R11, R20, R15; B8)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.factories import photo, wudu_case

from claimbridge.core.errors import AppError
from claimbridge.fraud import selectors, services
from claimbridge.fraud.models import ClueEvent, CluePerson

pytestmark = pytest.mark.django_db


def _valid_id(body17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body17 + "10X98765432"[sum(int(d) * w for d, w in zip(body17, weights, strict=True)) % 11]


WITNESS = {"role": "witness", "name": "王五", "id_number": _valid_id("62050219800101123"), "phone": "13912345678"}
BAD_ID = WITNESS["id_number"][:-1] + ("1" if WITNESS["id_number"][-1] != "1" else "2")
LN_DRIVER = {"role": "driver", "name": "赵六", "id_number": _valid_id("62120219800101001"), "phone": "13700001111"}


def _file(users, *, case=None, people=(), vehicles=(), submit=True, **extra):
    return services.clue_create(user=users["tianlong_adj1"], county_code="621202", observations=["old_damage"],
                                description="车损与经过不符", urgency="urgent", people=list(people),
                                vehicles=list(vehicles), case_number=case.number if case else "", submit=submit,
                                **extra)  # fmt: skip


def test_r11_a_clue_from_a_case_goes_to_the_accident_citys_committee_and_is_shared_with_the_policys(users, committees):
    case = wudu_case(users["tianlong_adj1"])  # A insured by 麦积 in Tianshui, accident in 武都 (Longnan)
    clue = _file(users, case=case, people=[LN_DRIVER], vehicles=[{"plate": "甘k 12345"}])
    routes = {r.committee_id: r for r in clue.routes.all()}
    assert routes[committees["ln"].pk].primary
    shared = routes[committees["ts"].pk]
    assert not shared.primary
    assert {"city": "620500", "kind": "policy", "what": "A"} in shared.reasons
    assert clue.cross_region
    assert clue.vehicles.get().plate == "甘K12345"  # the kernel's plate normaliser
    assert clue.state == "received"
    assert list(ClueEvent.objects.filter(clue=clue).values_list("kind", flat=True)) == [
        "filed", "submitted", "routed", "shared", "insurer_informed", "insurer_informed"]  # fmt: skip


def test_r20_a_person_or_plate_of_the_other_city_shares_the_clue(users, committees):
    clue = _file(users, people=[WITNESS])  # the witness's ID is from 秦州区 (Tianshui)
    assert set(clue.routes.values_list("committee_id", "primary")) == {(committees["ln"].pk, True),
                                                                       (committees["ts"].pk, False)}  # fmt: skip
    only_ln = _file(users, vehicles=[{"plate": "甘K54321"}])
    assert list(only_ln.routes.values_list("committee_id", flat=True)) == [committees["ln"].pk]
    assert not only_ln.cross_region
    # an addendum naming a Tianshui vehicle shares it then
    services.addendum_add(user=users["tianlong_adj1"], clue=only_ln, vehicles=[{"plate": "甘E6789A"}])
    assert set(only_ln.routes.values_list("committee_id", flat=True)) == {committees["ln"].pk, committees["ts"].pk}


def test_b8_personal_data_is_encrypted_at_rest_and_masked(users, committees):
    from django.db import connection

    clue = _file(users, people=[WITNESS])
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, id_number, phone FROM fraud_clueperson WHERE clue_id = %s", [clue.pk])
        raw = cursor.fetchone()
    assert "王五" not in raw[0]
    assert WITNESS["id_number"] not in raw[1]
    assert "13912345678" not in raw[2]
    person = CluePerson.objects.get(clue=clue)
    assert (person.masked_name, person.masked_phone) == ("王*", "139****5678")
    assert person.masked_id_number == "620502********" + WITNESS["id_number"][-4:]


def test_r11_only_an_adjuster_files_and_a_submitted_clue_is_only_added_to(users, committees):
    with pytest.raises(AppError) as refused:
        services.clue_create(user=users["tianlong_hq"], observations=["other"])
    assert refused.value.status == 403
    clue = _file(users)
    with pytest.raises(AppError) as again:
        services.clue_submit(user=users["tianlong_adj1"], clue=clue)
    assert again.value.code == "illegal_transition"
    services.clue_photo_add(user=users["tianlong_adj1"], clue=clue, upload=photo(0))  # an addition, allowed
    assert clue.evidence.items.count() == 1
    with pytest.raises(AppError):
        services.addendum_add(user=users["maiji_adj1"], clue=clue, text="not mine")


def test_r11_bad_inputs_are_refused_naming_the_field(users, committees):
    for people, vehicles, field in (([{"role": "boss", "name": "x"}], [], "people[0].role"),
                                    ([{"role": "witness", "id_number": BAD_ID}], [], "people[0].id_number"),
                                    ([], [{"plate": "ABC"}], "vehicles[0].plate"),
                                    ([], [{"vin": "LSVAB2BM0EN00000I"}], "vehicles[0].vin")):  # fmt: skip
        with pytest.raises(AppError) as refused:
            _file(users, people=people, vehicles=vehicles)
        assert refused.value.field == field
    with pytest.raises(AppError) as nothing:
        services.clue_create(user=users["tianlong_adj1"])
    assert nothing.value.code == "nothing_observed"


def test_r11_recent_claims_counts_for_the_reporter_cases_for_the_committee(users, committees):
    case = wudu_case(users["tianlong_adj1"])  # 甘K12345 is B on it
    clue = _file(users, vehicles=[{"plate": "甘K12345"}, {"plate": "甘K00001"}])
    mine = selectors.clue_view(user=users["tianlong_adj1"], clue=clue)
    assert [(row["recent_count"], row["recent"]) for row in mine.vehicles] == [(1, []), (0, [])]
    committee = selectors.clue_view(user=users["af_ln"], clue=clue)
    assert [case_["number"] for case_ in committee.vehicles[0]["recent"]] == [case.number]


def test_r20_casework_to_confirmed_fraud_with_the_reward_and_its_payment(users, committees, ratios):
    case = wudu_case(users["tianlong_adj1"])
    clue = _file(users, case=case)
    af, shared = users["af_ln"], users["af_ts"]
    with pytest.raises(AppError) as not_theirs:
        services.clue_move(user=shared, clue=clue, action="screen")
    assert not_theirs.value.status == 403
    services.clue_note(user=shared, clue=clue, text="天水方：该车近期多次出险")  # the shared committee notes
    services.clue_move(user=af, clue=clue, action="screen")
    services.clue_assign(user=af, clue=clue, assignee_username="af_ln2")
    asked = services.file_request_create(user=af, clue=clue, insurer_code="maiji", question="请提供A方定损照片")
    with pytest.raises(AppError):
        services.file_request_answer(user=users["tianlong_hq"], request=asked, answer="x")
    services.file_request_answer(user=users["maiji_hq"], request=asked, answer="已上传定损单")
    services.clue_move(user=af, clue=clue, action="investigate")
    with pytest.raises(AppError) as no_reason:
        services.clue_move(user=af, clue=clue, action="confirm_fraud", amount_saved=Decimal("10.10"))
    assert no_reason.value.code == "reasons_needed"
    services.clue_move(user=af, clue=clue, action="confirm_fraud", reasons=["evidence_sufficient"],
                       amount_saved=Decimal("12345.67"), underwriter_code="maiji")  # fmt: skip
    reward = clue.reward
    assert (reward.amount, reward.insurer.code, reward.adjuster_id) == (Decimal("617.28"), "maiji",
                                                                       users["tianlong_adj1"].pk)  # fmt: skip
    with pytest.raises(AppError):
        services.reward_record_payment(user=users["tianlong_hq"], reward=reward, reference="P1")
    services.reward_record_payment(user=users["maiji_hq"], reward=reward, reference="P1")
    with pytest.raises(AppError) as twice:
        services.reward_record_payment(user=users["maiji_hq"], reward=reward, reference="P2")
    assert twice.value.code == "already_paid"
    months = selectors.rewards_by_month_for_adjuster(user=users["tianlong_adj1"])
    assert (months[0]["amount"], months[0]["paid"]) == (Decimal("617.28"), Decimal("617.28"))
    clue = services.clue_move(user=af, clue=clue, action="close")
    # what each reader sees: the reporter the outcome; 麦积 its request only; 天陇's staff, another insurer, nothing
    assert selectors.clue_view(user=users["tianlong_adj1"], clue=clue).state_text.en == "closed"
    seen_by_maiji = selectors.clue_view(user=users["maiji_hq"], clue=clue)
    assert seen_by_maiji.people == []
    assert seen_by_maiji.notes == []
    assert len(seen_by_maiji.requests) == 1
    assert selectors.clue_get_for_user(user=users["fuxi_hq"], number=clue.number) is None
    assert selectors.clue_get_for_user(user=users["antifraud"], number=clue.number) is None  # the joint committee


def test_r11_no_ratio_in_force_refuses_the_confirmation_and_changes_nothing(users, committees):
    clue = _file(users)
    af = users["af_ln"]
    services.clue_move(user=af, clue=clue, action="investigate")
    with pytest.raises(AppError) as refused:
        services.clue_move(user=af, clue=clue, action="confirm_fraud", reasons=["admitted"],
                           amount_saved=Decimal(100), underwriter_code="fuxi")  # fmt: skip
    assert refused.value.code == "no_reward_ratio"
    clue.refresh_from_db()
    assert clue.state == "investigating"


def test_r20_linking_clues_into_one_investigation(users, committees):
    first, second, third = _file(users), _file(users), _file(users)
    af = users["af_ln"]
    services.clue_link(user=af, clue=second, into=first)
    services.clue_link(user=af, clue=third, into=second)  # into the lead, not a chain
    third.refresh_from_db()
    assert third.investigation_id == first.pk
    with pytest.raises(AppError):
        services.clue_link(user=users["af_ts"], clue=first, into=second)


def test_the_clue_chain_verifies(users, committees):
    from claimbridge.core.crypto import audit_chain_keys
    from claimbridge.core.hashchain import GENESIS, link

    clue = _file(users, people=[WITNESS])
    keys = audit_chain_keys()
    previous = GENESIS
    for event in clue.events.order_by("sequence"):
        assert event.previous_hash == previous
        assert event.hash == link(previous, event.payload(clue.number), keys[event.key_id])
        previous = event.hash
    clue.refresh_from_db()
    assert clue.last_event_hash == previous
