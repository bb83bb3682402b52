"""The retention sweep, one test per rule on the world aged with a frozen clock (issue 20 item 2; PIPL art. 19;
Insurance Law art. 87; B8, R17, R19): expired data is gone or anonymised, unexpired data intact, the roll-ups
byte-identical, `audit verify` and `evidence_verify` pass."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from claimbridge.cases.models import Case, CaseParty
from claimbridge.core.phone_verification import PhoneChallenge
from claimbridge.retention.models import RetentionRun
from claimbridge.retention.services import retention_sweep
from claimbridge.retention.tests.helpers import aged_rollups, frozen, record_verifies, rollups

pytestmark = pytest.mark.django_db
YEAR = timedelta(days=366)


def _sweep(at):
    with frozen(at):
        return retention_sweep(now=at)


def test_claim_records_go_only_after_closure_and_the_art_87_minimum(world):
    """Insurance Law art. 87: the agreed case's claims are open: kept even 20 years on; closed, with one-year
    contracts in the register (the shorter minimum), kept 4 years after, gone at 6."""
    run = _sweep(timezone.now() + 20 * YEAR)
    assert world.agreed.parties.get(label="A").driver_name
    assert run.counts["claim_record"]["kept"] >= 1
    from claimbridge.cases.services.claims import claim_close

    closed = timezone.now()
    for claim, user in ((world.claim("A"), "maiji_unit2"), (world.claim("B"), "tianlong_unit1")):
        claim_close(claim=claim, user=world.users[user], reason="withdrawn")
    _sweep(closed + 4 * YEAR)
    assert CaseParty.objects.get(case=world.agreed, label="A").driver_name
    before = aged_rollups(closed + 6 * YEAR)
    run = _sweep(closed + 6 * YEAR)
    assert run.counts["claim_record"]["anonymised"] == 1
    assert not CaseParty.objects.get(case=world.agreed, label="A").driver_name
    assert rollups() == before
    assert run.errors == []
    record_verifies()


def test_unclaimed_reports_after_three_years(world):
    run = _sweep(timezone.now() + 2 * YEAR)
    assert run.counts["unclaimed_report"]["anonymised"] == 0
    assert CaseParty.objects.filter(case=world.confirming).exclude(driver_phone="").exists()
    aged = timezone.now() + 4 * YEAR
    before = aged_rollups(aged)
    run = _sweep(aged)
    assert run.counts["unclaimed_report"]["anonymised"] >= 1
    assert not CaseParty.objects.filter(case=world.confirming).exclude(driver_phone="").exists()
    assert CaseParty.objects.filter(case=world.agreed).exclude(driver_phone="").exists()  # a claim record: kept
    assert rollups() == before
    record_verifies()


def test_phone_codes_and_join_codes_minutes_after_expiry(world):
    assert PhoneChallenge.objects.exists()
    assert Case.objects.get(pk=world.draft.pk).join_code
    run = _sweep(timezone.now() + timedelta(minutes=1))
    assert Case.objects.get(pk=world.draft.pk).join_code  # still live
    later = Case.objects.get(pk=world.draft.pk).join_code_expires_at + timedelta(minutes=11)
    run = _sweep(later)
    assert not PhoneChallenge.objects.filter(created_at__lte=later - timedelta(minutes=25)).exists()
    assert run.counts["phone_code"]["deleted"] >= 1
    assert Case.objects.get(pk=world.draft.pk).join_code == ""
    record_verifies()


def test_service_stop_consent_ends_with_the_stop(world):
    from claimbridge.credentials.models import ServiceStop

    stop = world.stops["tianlong"]
    ServiceStop.objects.filter(pk=stop.pk).update(latitude=33.4, longitude=104.9, rating_comment="谢谢")
    before = rollups()
    _sweep(stop.at + timedelta(days=29))
    assert ServiceStop.objects.get(pk=stop.pk).latitude == 33.4
    _sweep(stop.at + timedelta(days=31))
    row = ServiceStop.objects.get(pk=stop.pk)
    assert (row.latitude, row.longitude, row.rating_comment) == (None, None, "")
    assert row.county_id == stop.county_id
    assert rollups() == before


def test_police_records_after_the_agreed_period(world):
    from claimbridge.police.models import PoliceRecord, PoliceVehicle

    record = PoliceRecord.objects.filter(pk__in=PoliceVehicle.objects.exclude(driver_name="").values("record")).first()
    assert record is not None
    assert PoliceVehicle.objects.filter(record=record).exclude(driver_name="").exists()
    _sweep(record.created_at + 2 * YEAR)
    assert PoliceVehicle.objects.filter(record=record).exclude(driver_name="").exists()
    run = _sweep(record.created_at + 4 * YEAR)
    assert run.counts["police_record"]["anonymised"] >= 1
    assert not PoliceVehicle.objects.filter(record=record).exclude(driver_name="").exists()
    assert PoliceRecord.objects.filter(pk=record.pk).exists()


def test_consultations_after_three_years_from_closure(world):
    from claimbridge.consultations.models import Consultation
    from claimbridge.consultations.services import consultation_record

    asked = consultation_record(user=world.users["tianlong_unit1"], caller_phone="13700001234", question="问题")
    Consultation.objects.filter(pk=asked.pk).update(closed_at=timezone.now(), state="closed")
    _sweep(timezone.now() + 2 * YEAR)
    assert Consultation.objects.get(pk=asked.pk).asker_phone
    _sweep(timezone.now() + 4 * YEAR)
    assert Consultation.objects.get(pk=asked.pk).asker_phone == ""


def test_policy_register_personal_field_follows_the_contract(world):
    """Item 5: the register's `personal` goes after its contract's end and the art. 87 minimum (5 y for a year)."""
    from claimbridge.policies.models import PolicyVersion

    version = PolicyVersion.objects.exclude(personal="").order_by("period_end").first()
    assert version is not None
    _sweep(version.period_end + 4 * YEAR)
    assert PolicyVersion.objects.get(pk=version.pk).personal
    _sweep(version.period_end + 6 * YEAR)
    assert PolicyVersion.objects.get(pk=version.pk).personal == ""


def test_adjuster_register_after_the_entry_ended(world):
    from claimbridge.credentials.models import Adjuster

    entry = world.adjusters["tl_ln_fix"]
    Adjuster.objects.filter(pk=entry.pk).update(status="left", decided_at=timezone.now())
    _sweep(timezone.now() + 2 * YEAR)
    assert Adjuster.objects.get(pk=entry.pk).full_name
    assert Adjuster.objects.get(pk=world.adjusters["tl_ln"].pk).full_name  # approved and standing: kept
    run = _sweep(timezone.now() + 4 * YEAR)
    row = Adjuster.objects.get(pk=entry.pk)
    assert row.id_index == f"erased:{entry.pk}"
    assert row.full_name == ""
    assert run.errors == []


def test_rejected_upload_tables_go_at_once(world):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from claimbridge.policies.models import PolicyLoad

    load = next(iter(world.loads.values()))
    name = default_storage.save("policies/loads/refused.csv", ContentFile(b"x"))
    PolicyLoad.objects.filter(pk=load.pk).update(status="failed", file_name_stored=name, finished_at=timezone.now())
    run = _sweep(timezone.now())
    assert run.counts["rejected_upload"]["deleted"] == 1
    assert PolicyLoad.objects.get(pk=load.pk).file_name_stored == ""
    assert not default_storage.exists(name)


def test_a_dry_run_changes_nothing_and_the_command_reports(world):
    at = timezone.now() + 30 * YEAR
    with frozen(at):
        call_command("retention_sweep", "--dry-run")
    run = RetentionRun.objects.first()
    assert run.dry_run
    assert run.counts["unclaimed_report"]["anonymised"] >= 1
    assert CaseParty.objects.filter(case=world.confirming).exclude(driver_phone="").exists()


def test_the_staff_page_and_the_api_show_the_schedule_and_the_runs(world):
    """R19, B8: the associations and the platform see the schedule and each run's counts; others are refused."""
    _sweep(timezone.now() + 4 * YEAR)
    page = world.client("ln_assoc").get("/retention/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "claim_record" in text
    assert "保险法" in text
    api = world.client("admin").get("/api/v1/retention/runs")
    assert api.status_code == 200
    body = api.json()
    assert {row["category"] for row in body["runs"][0]["counts"]} >= {"claim_record", "phone_code"}
    assert world.client("tianlong_unit1").get("/retention/").status_code == 403
