"""Loading the register and asking what was in force (R3, B9): idempotent, per-row reasons, exact at the boundaries."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from claimbridge.policies.models import Policy, PolicyVersion
from claimbridge.policies.selectors import in_force_versions
from claimbridge.policies.tests.factories import load, row

pytestmark = pytest.mark.django_db
CST = timezone(timedelta(hours=8))


def test_good_rows_load_once_bad_rows_are_reported_and_a_reload_changes_nothing(users):
    rows = [
        row("TL2024000001"),
        row("TL2024000002", cover_type="third_party", limit="1000000", plate="甘E6789A"),
        row("TL2024000003", plate="甘E12O45"),  # letter O in a plate
        row("TL2024000004", vin="LSVAM4187C2184840"),  # wrong check digit
        row("TL2024000005", start="2024-06-01", end="2024-05-31"),
        row("TL2024000006", branch="620500"),  # tianlong has a Tianshui branch: fine
        row("TL2024000001"),  # the same number again
        row("TL2024000007", branch="621299"),  # no such branch of the insurer
    ]
    report = load(users, rows)
    assert (report.rows_created, report.rows_rejected, report.rows_unchanged) == (3, 5, 0)
    reasons = {(error["row"], error["code"]) for error in report.errors}
    assert reasons == {
        (4, "bad_plate"),
        (5, "bad_vin"),
        (6, "end_before_start"),
        (8, "repeated"),
        (9, "unknown_branch"),
    }
    assert all(error["zh"] and error["en"] for error in report.errors)
    assert Policy.objects.count() == 3

    again = load(users, rows)
    assert (again.rows_created, again.rows_changed, again.rows_unchanged, again.rows_rejected) == (0, 0, 3, 5)
    assert Policy.objects.count() == 3
    assert PolicyVersion.objects.count() == 3


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CST)


def numbers(plate: str, instant: datetime) -> list[str]:
    return [v.policy.policy_number for v in in_force_versions(plate=plate, at=instant)]


def test_a_policy_runs_from_0000_of_its_first_day_to_2400_of_its_last(users):
    load(users, [row("TL2024000010")])
    assert numbers("甘K12345", at("2023-12-31T23:59:59")) == []
    assert numbers("甘K12345", at("2024-01-01T00:00:00")) == ["TL2024000010"]
    assert numbers("甘K12345", at("2024-12-31T23:59:59")) == ["TL2024000010"]
    assert numbers("甘K12345", at("2025-01-01T00:00:00")) == []


def test_times_of_day_are_honoured_when_given(users):
    load(users, [row("TL2024000011", start="2024-03-15 14:20", end="2025-03-15 14:20")])
    assert numbers("甘K12345", at("2024-03-15T14:19")) == []
    assert numbers("甘K12345", at("2024-03-15T14:20")) == ["TL2024000011"]
    assert numbers("甘K12345", at("2025-03-15T14:19:59")) == ["TL2024000011"]
    assert numbers("甘K12345", at("2025-03-15T14:20")) == []


def test_a_cancelled_policy_stops_at_the_cancellation_minute(users):
    load(users, [row("TL2024000012")])
    load(users, [row("TL2024000012", status="cancelled", cancelled_at="2024-06-01 14:20")])
    assert numbers("甘K12345", at("2024-06-01T14:19:59")) == ["TL2024000012"]
    assert numbers("甘K12345", at("2024-06-01T14:20")) == []


def test_an_endorsement_moves_the_policy_to_another_vehicle_from_its_minute(users):
    load(users, [row("TL2024000013")])
    report = load(users, [row("TL2024000013", plate="甘K54321", vin="", endorsement_at="2024-06-01 14:20")])
    assert report.rows_changed == 1
    assert numbers("甘K12345", at("2024-06-01T14:19")) == ["TL2024000013"]
    assert numbers("甘K54321", at("2024-06-01T14:19")) == []
    assert numbers("甘K12345", at("2024-06-01T14:20")) == []
    assert numbers("甘K54321", at("2024-06-01T14:20")) == ["TL2024000013"]
    assert PolicyVersion.objects.filter(policy__policy_number="TL2024000013").count() == 2  # history kept


def test_a_policy_written_outside_the_two_cities_is_kept_as_such(users):
    load(users, [row("TL2024000014", branch="620100")])
    policy = Policy.objects.get(policy_number="TL2024000014")
    assert policy.branch is None
    assert policy.underwriting_city_code == "620100"


def test_the_same_number_at_two_insurers_is_two_policies(users):
    load(users, [row("X2024000001")], "tianlong")
    load(users, [row("X2024000001", branch="620500")], "maiji")
    assert Policy.objects.filter(policy_number="X2024000001").count() == 2


def test_personal_data_is_encrypted_at_rest(users):
    from django.db import connection

    load(users, [row("TL2024000015")])
    with connection.cursor() as cursor:
        cursor.execute("SELECT personal FROM policies_policyversion")
        stored = cursor.fetchone()[0]
    assert "张三" not in stored
    assert "13912345678" not in stored
    assert "34052419800101001X" not in stored
