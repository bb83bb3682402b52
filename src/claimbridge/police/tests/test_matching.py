"""R20: the matching service finds, in bulk, the cases that concern police records, keeps matches and signals, and
each reader sees only their part (police unit: its records' matches; committee: all signals; insurer: its parties')."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.factories import at_local, recent_day, wudu_case

from claimbridge.cases.models import Case
from claimbridge.cases.services.intake import PartyInput
from claimbridge.police import matching, selectors, services
from claimbridge.police.models import PoliceEvent, PoliceMatch, PoliceSignal

pytestmark = pytest.mark.django_db
WUDU = (33.392, 104.926)


def load(users, records: list[dict], unit: str = "police_ln") -> None:
    police = users[unit]
    load_ = services.police_load_start(unit=police.police_unit, user=police, source="api")[0]
    services.police_rows_load(load=load_, rows=records, first_row=1)


def record(number: str, at, *plates: tuple[str, str], point=WUDU) -> dict:
    row = {"record_number": number, "accident_at": timezone.localtime(at).isoformat(), "accident_type": "property",
           "latitude": point[0] if point else None, "longitude": point[1] if point else None}  # fmt: skip
    for n, (plate, liability) in enumerate(plates, start=1):
        row |= {f"plate_{n}": plate, f"liability_{n}": liability}
    return row


@pytest.fixture
def cases(users):
    """Four cases of 麦积 (A) and 天陇 (B) in 武都区, ten days ago, one per discrepancy."""
    adjuster = users["tianlong_adj1"]
    day = recent_day()

    def make(hour: int, a: str, b: str, *, state: str = "", circumstances=None) -> Case:
        case = wudu_case(adjuster, accident_at=at_local(day, hour), latitude=WUDU[0], longitude=WUDU[1], parties=[
            PartyInput("A", plate=a, insurer_code="maiji", underwriting_city_code="620500"),
            PartyInput("B", plate=b, insurer_code="tianlong", underwriting_city_code="621200")])  # fmt: skip
        if state:
            Case.objects.filter(pk=case.pk).update(state=state, circumstances=circumstances or {},
                                                   agreed_at=timezone.now() if state == "agreed" else None)  # fmt: skip
        return case

    return {
        "agreed": make(9, "甘E11111", "甘K22222", state="agreed", circumstances={"A": [1], "B": []}),  # A full
        "police": make(11, "甘E33333", "甘K44444", state="police"),  # no record for it
        "time": make(15, "甘E55555", "甘K66666"),
        "misread": make(17, "甘E77777", "甘K88888"),
    }


def test_r20_the_run_stores_matches_and_every_kind_of_signal_and_a_second_run_adds_nothing(users, cases):
    day = recent_day()
    load(users, [
        record("R1", at_local(day, 9, 30), ("甘E11111", "none"), ("甘K22222", "full")),  # liability differs
        record("R2", at_local(day, 20), ("甘E55555", "full")),  # five hours after the case: time disagrees
        record("R3", at_local(day, 17, 10), ("甘K88889", "full")),  # one character from the case's B
        *[record(f"R{i}", at_local(day - timedelta(days=i), 8), ("甘K99999", "full")) for i in (4, 5, 6)],
    ])  # fmt: skip
    figures = matching.police_match_run(as_of=timezone.now())
    assert figures["matches"] == 1
    match = PoliceMatch.objects.get()
    assert (match.record.number, match.case_id, match.minutes) == ("R1", cases["agreed"].pk, 30)
    found = {(s.kind, s.reason, s.case_id) for s in PoliceSignal.objects.all()}
    assert found == {
        ("liability_differs", "liability", cases["agreed"].pk),
        ("no_police_record", "no_record", cases["police"].pk),
        ("plate_or_time_differs", "time", cases["time"].pk),
        ("plate_or_time_differs", "misread_plate", cases["misread"].pk),
        ("repeated", "plate", None),
    }
    assert PoliceSignal.objects.filter(kind="liability_differs").count() == 2  # both vehicles
    first_seen = dict(PoliceSignal.objects.values_list("key", "found_at"))
    again = matching.police_match_run(as_of=timezone.now())
    assert (again["matches_new"], again["signals_new"]) == (0, 0)
    assert dict(PoliceSignal.objects.values_list("key", "found_at")) == first_seen
    assert PoliceEvent.objects.filter(kind="police_match_run").count() == 2


def test_r20_each_reader_sees_their_part(users, cases):
    day = recent_day()
    load(users, [record("R1", at_local(day, 9, 30), ("甘E11111", "none"), ("甘K22222", "full"))])
    load(users, [record("T1", at_local(day, 11), ("甘E33333", "full"), point=None)], unit="police_ts")
    matching.police_match_run(as_of=timezone.now())
    assert [m.record.number for m in selectors.match_list_for_user(user=users["police_ln"])] == ["R1"]
    assert [m.record.number for m in selectors.match_list_for_user(user=users["police_ts"])] == ["T1"]
    assert selectors.load_list_for_user(user=users["police_ln"]).count() == 1
    assert selectors.load_list_for_user(user=users["tianlong_hq"]).count() == 0
    everything = set(PoliceSignal.objects.values_list("pk", flat=True))
    assert set(selectors.signal_list_for_user(user=users["antifraud"]).values_list("pk", flat=True)) == everything
    seen = {}
    for insurer, prefix in (("tianlong_hq", "甘K"), ("maiji_hq", "甘E")):  # B is 天陇's party, A 麦积's, in each case
        signals = selectors.signal_list_for_user(user=users[insurer])
        assert {s.subject[:2] for s in signals} <= {prefix, ""}, insurer  # each its own vehicles only
        seen[insurer] = set(signals.values_list("pk", flat=True))
    assert seen["tianlong_hq"] | seen["maiji_hq"] == everything
    assert seen["tianlong_hq"]
    assert seen["maiji_hq"]
    assert not selectors.signal_list_for_user(user=users["tianlong_adj1"]).exists()  # staff read signals, not adjusters
    assert not selectors.signal_list_for_user(user=users["fuxi_hq"]).exists()
    assert not selectors.signal_list_for_user(user=users["police_ln"]).exists()
    assert not selectors.match_list_for_user(user=users["tianlong_hq"]).exists()


def test_r20_the_match_window_comes_from_settings(users, cases, settings):
    day = recent_day()
    load(users, [record("R2", at_local(day, 20), ("甘E55555", "full"))])
    settings.POLICE_MATCH = {"window_minutes": 6 * 60}
    matching.police_match_run(as_of=timezone.now())
    assert PoliceMatch.objects.get().case_id == cases["time"].pk


def test_r20_police_attended_means_sent_to_the_police_or_closed_after_it():
    now = timezone.now()
    assert matching.police_attended("police", None)
    assert matching.police_attended("concluded", None)
    assert not matching.police_attended("concluded", now)
    assert not matching.police_attended("agreed", now)
    assert not matching.police_attended("reported", None)
