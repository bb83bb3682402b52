"""/api/v1/fraud/…: filing over the API honours Idempotency-Key; the reporter sees counts, the committee cases; a
stop's clue takes the stop's place and time (issue 15; R11, B9)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from tests.factories import wudu_case

from claimbridge.fraud import selectors, services
from claimbridge.fraud.models import Clue

pytestmark = pytest.mark.django_db

BODY = {"county": "621202", "observations": ["staged_scene"], "urgency": "immediate", "submit": True,
        "people": [{"role": "tow_operator", "name": "钱七", "phone": "13600001111"}],
        "vehicles": [{"plate": "甘K12345"}], "places": [{"kind": "repair_shop", "name": "某汽修厂"}]}  # fmt: skip


def _post(client: Client, path: str, body: dict, key: str = ""):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(path, json.dumps(body), content_type="application/json", secure=True, headers=headers)


def test_b9_a_retried_clue_is_filed_once_and_a_reused_key_is_refused(users, committees):
    client = Client()
    client.force_login(users["tianlong_adj1"])
    first = _post(client, "/api/v1/fraud/clues", BODY, key="clue-1")
    assert first.status_code == 201, first.content
    again = _post(client, "/api/v1/fraud/clues", BODY, key="clue-1")
    assert again.status_code == 200
    assert again.json()["number"] == first.json()["number"]
    assert Clue.objects.count() == 1
    other = _post(client, "/api/v1/fraud/clues", BODY | {"urgency": "normal"}, key="clue-1")
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    body = first.json()
    assert body["state"] == "received"
    assert body["people"][0]["phone"] == "136****1111"
    assert body["vehicles"][0]["plate"] == "甘K12345"


def test_r11_the_api_shows_the_reporter_counts_and_the_committee_cases(users, committees):
    case = wudu_case(users["tianlong_adj1"])
    reporter, committee = Client(), Client()
    reporter.force_login(users["tianlong_adj1"])
    committee.force_login(users["af_ln"])
    number = _post(reporter, "/api/v1/fraud/clues", BODY).json()["number"]
    mine = reporter.get(f"/api/v1/fraud/clues/{number}", secure=True).json()
    assert mine["vehicles"][0]["recent_claims"] == {"count": 1, "cases": [], "by_name_only": False}
    theirs = committee.get(f"/api/v1/fraud/clues/{number}", secure=True).json()
    assert theirs["vehicles"][0]["recent_claims"] == {"count": 1, "cases": [case.number], "by_name_only": False}
    assert "investigate" in theirs["actions"]
    step = _post(committee, f"/api/v1/fraud/clues/{number}/steps", {"action": "investigate"})
    assert step.json()["state"] == "investigating"
    refused = _post(reporter, f"/api/v1/fraud/clues/{number}/steps", {"action": "close"})
    assert refused.status_code == 403
    assert refused.json()["error"]["zh"]


def test_r11_the_window_of_recent_claims_is_configurable(users, committees, settings):
    wudu_case(users["tianlong_adj1"])  # ten days ago
    clue = services.clue_create(user=users["tianlong_adj1"], observations=["frequent_claimant"],
                                vehicles=[{"plate": "甘K12345"}], submit=True)  # fmt: skip
    assert selectors.clue_view(user=users["af_ln"], clue=clue).vehicles[0]["recent_count"] == 1
    settings.FRAUD_RECENT_CLAIMS_MONTHS = 0
    assert selectors.clue_view(user=users["af_ln"], clue=clue).vehicles[0]["recent_count"] == 0


def test_r11_a_clue_from_a_stop_takes_its_place_time_and_case_and_only_the_stop_s_adjuster_files_it(users, committees):
    from django.utils import timezone

    from claimbridge.core.errors import AppError
    from claimbridge.credentials.models import ServiceStop
    from claimbridge.organisations.models import County

    case = wudu_case(users["tianlong_adj1"])
    at = timezone.now() - timezone.timedelta(hours=2)
    stop = ServiceStop.objects.create(adjuster=users["tianlong_adj1"], insurer=users["tianlong_adj1"].insurer, at=at,
                                      kind="accident", county=County.objects.get(code="620502"), case=case,
                                      rating_token="t" * 32)  # fmt: skip
    clue = services.clue_create(user=users["tianlong_adj1"], stop_id=stop.pk, observations=["vehicle_moved"],
                                submit=True)  # fmt: skip
    assert (clue.stop_id, clue.case_id, clue.county.code, clue.occurred_at) == (stop.pk, case.pk, "620502", at)
    assert clue.routes.get(primary=True).committee_id == committees["ts"].pk  # the stop was in 秦州区 (Tianshui)
    with pytest.raises(AppError) as refused:
        services.clue_create(user=users["maiji_adj1"], stop_id=stop.pk, observations=["other"])
    assert refused.value.field == "stop"


def test_r20_the_queue_costs_the_same_few_queries_for_any_number_of_clues(
    users, committees, django_assert_max_num_queries
):
    """GET /clues is one line per clue from one query, however many clues (no per-clue reads)."""

    def file(n: int) -> None:
        for _ in range(n):
            services.clue_create(user=users["tianlong_adj1"], county_code="621202", observations=["old_damage"],
                                 people=[{"role": "witness", "name": "王五", "phone": "13912345678"}],
                                 vehicles=[{"plate": "甘E6789A"}], submit=True)  # fmt: skip

    client = Client()
    client.force_login(users["af_ln"])
    file(2)
    with django_assert_max_num_queries(12) as few:
        assert len(client.get("/api/v1/fraud/clues", secure=True).json()["clues"]) == 2
    file(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        clues = client.get("/api/v1/fraud/clues", secure=True).json()["clues"]
    assert len(clues) == 10
    assert all(clue["state"] == "received" for clue in clues)
