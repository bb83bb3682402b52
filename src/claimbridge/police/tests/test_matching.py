"""R20: the matching service finds, in bulk, the cases that concern police records, keeps matches and signals, and
each reader sees only their part (police unit: its records' matches; committee: all signals; insurer: its parties')."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.factories import at_local, recent_day, wudu_case

from claimbridge.cases.models import Case
from claimbridge.cases.services.intake import PartyInput
from claimbridge.organisations.models import County, TrafficPoliceUnit
from claimbridge.police import matching, selectors, services
from claimbridge.police.models import PoliceEvent, PoliceMatch, PoliceSignal
from claimbridge.rules.case_flow import STATES

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


def test_r20_police_attended_has_one_definition_and_the_candidates_and_the_kernel_s_facts_both_use_it(users):
    """R20: "the police attended" (sent to them, or concluded with no online agreement) is `police_attended_q` alone:
    the candidate scan finds exactly those cases of the records' period, and the kernel is told exactly those."""
    adjuster, day = users["tianlong_adj1"], recent_day()
    made: dict[int, tuple[str, bool]] = {}
    for n, (state, agreed) in enumerate((state, agreed) for state in STATES for agreed in (False, True)):
        case = wudu_case(adjuster, accident_at=at_local(day, 8, n), parties=[
            PartyInput("A", plate=f"甘E1{n:04d}", insurer_code="maiji", underwriting_city_code="620500")])  # fmt: skip
        Case.objects.filter(pk=case.pk).update(state=state, agreed_at=timezone.now() if agreed else None)
        made[case.pk] = (state, agreed)
    expected = {
        pk for pk, (state, agreed) in made.items() if state == "police" or (state == "concluded" and not agreed)
    }
    assert set(Case.objects.filter(matching.police_attended_q()).values_list("pk", flat=True)) == expected
    by_plate = [pk for pk, (state, agreed) in made.items() if state in ("draft", "concluded") and agreed]
    assert len(by_plate) == 2  # not attended; candidates by their plates only
    plates = dict(Case.objects.filter(pk__in=by_plate).values_list("pk", "parties__plate"))
    load(users, [record("R1", at_local(day, 7), (plates[by_plate[0]], "full"), point=None),
                 record("R2", at_local(day, 9), (plates[by_plate[1]], "full"), point=None)])  # fmt: skip
    cases = matching._candidate_cases(matching.match_config(), matching._records())
    assert {c.id for c in cases} == expected | set(by_plate)  # no point: the plates' and the period's attended ones
    assert {c.id: c.police_attended for c in cases} == {pk: pk in expected for pk in expected | set(by_plate)}


def wudu_police_case(users, at, plate: str, *, county: str = "621202") -> Case:
    """A case sent to the police, in `county`."""
    case = wudu_case(users["tianlong_adj1"], accident_at=at, latitude=WUDU[0], longitude=WUDU[1], parties=[
        PartyInput("A", plate=plate, insurer_code="maiji", underwriting_city_code="620500")])  # fmt: skip
    where = County.objects.select_related("city").get(code=county)
    Case.objects.filter(pk=case.pk).update(state="police", county=where, city=where.city)
    return case


def test_r20_no_record_only_where_the_case_s_police_loaded_its_period(users):
    """R20: Longnan's records say nothing of a Tianshui case the police attended: until Tianshui's unit loads records
    of that time, the Tianshui case raises no "no record" signal; the Longnan one does."""
    day = recent_day()
    longnan = wudu_police_case(users, at_local(day, 11), "甘E33333")
    tianshui = wudu_police_case(users, at_local(day, 11, 30), "甘E44444", county="620502")
    load(
        users,
        [record("R1", at_local(day, 8), ("甘K99999", "full")), record("R2", at_local(day, 20), ("甘K99998", "full"))],
    )
    matching.police_match_run(as_of=timezone.now())
    assert set(PoliceSignal.objects.filter(kind="no_police_record").values_list("case_id", flat=True)) == {longnan.pk}
    load(users, [record("T1", at_local(day, 9), ("甘E90001", "full"), point=None)], unit="police_ts")  # before it
    matching.police_match_run(as_of=timezone.now())
    assert set(PoliceSignal.objects.filter(kind="no_police_record").values_list("case_id", flat=True)) == {longnan.pk}
    load(users, [record("T2", at_local(day, 18), ("甘E90002", "full"), point=None)], unit="police_ts")
    matching.police_match_run(as_of=timezone.now())
    assert set(PoliceSignal.objects.filter(kind="no_police_record").values_list("case_id", flat=True)) == {
        longnan.pk, tianshui.pk}  # fmt: skip


def test_r20_a_unit_s_area_is_its_county_or_else_its_city(users):
    areas = matching.unit_areas()
    assert areas[users["police_ln"].police_unit_id] == "621200"
    assert areas[users["police_ts"].police_unit_id] == "620500"
    assert areas[TrafficPoliceUnit.objects.get(county__code="621202").pk] == "621202"


def test_r20_a_corrected_record_s_match_and_signals_are_written_anew(users, cases):
    """R20: after the police correct a record (same number, other facts), the next run's figures and signals are the
    corrected record's — none of the old version's stay."""
    day = recent_day()
    load(users, [record("R1", at_local(day, 9, 30), ("甘E11111", "none"), ("甘K22222", "full")),
                 record("R2", at_local(day, 20), ("甘E55555", "full"))])  # fmt: skip
    matching.police_match_run(as_of=timezone.now())
    assert PoliceMatch.objects.get().minutes == 30
    assert PoliceSignal.objects.filter(kind="liability_differs").count() == 2
    time_signal = PoliceSignal.objects.get(kind="plate_or_time_differs", reason="time")
    assert time_signal.detail["minutes"] == 300
    # the police correct both: R1 an hour after the case with the agreement's liability, R2 six hours after its case
    load(users, [record("R1", at_local(day, 10), ("甘E11111", "full"), ("甘K22222", "none")),
                 record("R2", at_local(day, 21), ("甘E55555", "full"))])  # fmt: skip
    figures = matching.police_match_run(as_of=timezone.now())
    match = PoliceMatch.objects.get()
    assert (match.case_id, match.minutes) == (cases["agreed"].pk, 60)
    assert not PoliceSignal.objects.filter(kind="liability_differs").exists()
    renewed = PoliceSignal.objects.get(kind="plate_or_time_differs", reason="time")
    assert renewed.key == time_signal.key
    assert renewed.detail["minutes"] == 360
    assert "360" in renewed.text_zh
    assert "360 minutes" in renewed.text_en
    assert (figures["matches_renewed"], figures["signals_renewed"], figures["matches_new"]) == (1, 1, 0)
    again = matching.police_match_run(as_of=timezone.now())
    assert (again["matches_renewed"], again["signals_renewed"]) == (0, 0)
