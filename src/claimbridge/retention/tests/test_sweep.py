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
    record_verifies()


def test_police_records_after_the_agreed_period(world):
    from claimbridge.police.models import PoliceRecord, PoliceVehicle

    record = PoliceRecord.objects.filter(pk__in=PoliceVehicle.objects.exclude(driver_name="").values("record")).first()
    assert record is not None
    assert PoliceVehicle.objects.filter(record=record).exclude(driver_name="").exists()
    _sweep(record.created_at + 2 * YEAR)
    assert PoliceVehicle.objects.filter(record=record).exclude(driver_name="").exists()
    before = aged_rollups(record.created_at + 4 * YEAR)
    run = _sweep(record.created_at + 4 * YEAR)
    assert run.counts["police_record"]["anonymised"] >= 1
    assert not PoliceVehicle.objects.filter(record=record).exclude(driver_name="").exists()
    assert PoliceRecord.objects.filter(pk=record.pk).exists()
    assert rollups() == before
    record_verifies()


def test_consultations_after_three_years_from_closure(world):
    from claimbridge.consultations.models import Consultation
    from claimbridge.consultations.services import consultation_record

    asked = consultation_record(user=world.users["tianlong_unit1"], caller_phone="13700001234", question="问题")
    Consultation.objects.filter(pk=asked.pk).update(closed_at=timezone.now(), state="closed")
    _sweep(timezone.now() + 2 * YEAR)
    assert Consultation.objects.get(pk=asked.pk).asker_phone
    before = aged_rollups(timezone.now() + 4 * YEAR)
    _sweep(timezone.now() + 4 * YEAR)
    assert Consultation.objects.get(pk=asked.pk).asker_phone == ""
    assert rollups() == before
    record_verifies()


def test_policy_register_personal_field_follows_the_contract(world):
    """Item 5: the register's `personal` goes after its contract's end and the art. 87 minimum (5 y for a year)."""
    from claimbridge.policies.models import PolicyVersion

    version = PolicyVersion.objects.exclude(personal="").order_by("period_end").first()
    assert version is not None
    _sweep(version.period_end + 4 * YEAR)
    assert PolicyVersion.objects.get(pk=version.pk).personal
    before = aged_rollups(version.period_end + 6 * YEAR)
    _sweep(version.period_end + 6 * YEAR)
    assert PolicyVersion.objects.get(pk=version.pk).personal == ""
    assert rollups() == before
    record_verifies()


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
    record_verifies()


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
    record_verifies()


def test_a_dry_run_changes_nothing_and_the_command_reports(world):
    from io import StringIO

    from claimbridge.privacy.models import ConsentRecord

    at = timezone.now() + 30 * YEAR
    out = StringIO()
    with frozen(at):
        call_command("retention_sweep", "--dry-run", stdout=out)
    run = RetentionRun.objects.first()
    assert run.dry_run
    assert run.counts["unclaimed_report"]["anonymised"] >= 1
    assert run.counts["consent_record"]["anonymised"] >= 1  # the draft's, going with it
    assert CaseParty.objects.filter(case=world.confirming).exclude(driver_phone="").exists()
    assert ConsentRecord.objects.filter(case=world.draft).exclude(phone_index="").exists()
    lines = out.getvalue().splitlines()
    for category in ("consent_record", "subject_request", "account", "fraud_casework"):
        assert any(line.startswith(f"{category}: ") for line in lines), category


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
    assert world.client("tianlong_unit1").get("/retention/").status_code == 200  # insurers hold claim records
    assert world.client("antifraud").get("/retention/").status_code == 403


def test_access_records_after_a_year(world):
    """Who looked at what (网络安全法 第二十一条: at least six months; the schedule keeps a year): a record of an
    unmasked showing stays for the year and goes after it; one made later stays."""
    from claimbridge.accesslog.models import AccessRecord
    from claimbridge.accesslog.services import access_record

    user = world.users["tianlong_unit1"]
    old = access_record(actor=user, action="shown_unmasked", what="cases.CaseParty.driver_phone",
                        purpose="customer_contact", case=world.agreed, party_label="A")  # fmt: skip
    copied = {field.attname: getattr(old, field.attname) for field in AccessRecord._meta.concrete_fields}
    later = AccessRecord.objects.create(**copied | {"id": None, "at": old.at + YEAR - timedelta(days=2)})
    run = _sweep(old.at + YEAR - timedelta(days=3))
    assert AccessRecord.objects.filter(pk=old.pk).exists()
    run = _sweep(old.at + YEAR + timedelta(days=1))
    assert not AccessRecord.objects.filter(pk=old.pk).exists()
    assert AccessRecord.objects.filter(pk=later.pk).exists()
    assert run.counts["access_log"]["deleted"] >= 1
    record_verifies()


def _consent_of(case):
    """A consent record of the case's party A, as the start and join steps write them."""
    from claimbridge.core.crypto import blind_index
    from claimbridge.privacy.models import ConsentRecord

    return ConsentRecord.objects.create(phone_index=blind_index("13800000001", purpose="phone"), case=case,
                                        party=case.parties.get(label="A"), purpose="quick_claim", notice_version="1",
                                        given_at=timezone.now(), channel="web", device="A's phone")  # fmt: skip


def test_consent_records_go_with_the_data_they_allowed(world):
    """PIPL art. 14, 47: a consent is kept as long as the data it allowed — the draft's (the joining driver's) stays
    while the draft does and is anonymised with it (the unclaimed report's three years); the agreed case's (a claim
    record, its claims open) stays; purpose, notice version and times are kept, naming no one."""
    from claimbridge.privacy.models import ConsentRecord

    mine = ConsentRecord.objects.filter(case=world.draft)
    assert mine.exclude(phone_index="").exists()
    count = mine.count()
    held = _consent_of(world.agreed)
    run = _sweep(timezone.now() + 2 * YEAR)
    assert not mine.filter(phone_index="").exists()
    assert run.counts["consent_record"]["kept"] >= count + 1
    aged = timezone.now() + 4 * YEAR
    before = aged_rollups(aged)
    run = _sweep(aged)
    assert run.counts["consent_record"]["anonymised"] == count
    assert mine.count() == count
    assert not mine.exclude(phone_index="", device="").exists()
    assert all(record.notice_version and record.given_at for record in mine)
    assert ConsentRecord.objects.get(pk=held.pk).phone_index == held.phone_index
    event = world.draft.events.filter(kind="personal_data_erased", data__category="unclaimed_report").get()
    assert event.data["consents"] == count
    assert rollups() == before
    assert run.errors == []
    record_verifies()


def test_consents_left_by_an_earlier_erasure_go_at_the_next_sweep(world):
    """A case erased before its erasure took the consents along: the sweep anonymises them at once, recorded on the
    case's chain under `consent_record`; the audit record still verifies."""
    from claimbridge.privacy.models import ConsentRecord
    from claimbridge.retention.erasure import case_erase

    case_erase(case=world.confirming, actor=None, reason="request", category="subject_request")
    left = _consent_of(world.confirming)  # as an erasure before this change left it
    run = _sweep(timezone.now())
    row = ConsentRecord.objects.get(pk=left.pk)
    assert (row.phone_index, row.device) == ("", "")
    assert run.counts["consent_record"]["anonymised"] == 1
    last = world.confirming.events.order_by("-sequence").first()
    assert (last.kind, last.data["category"], last.data["consents"]) == ("personal_data_erased", "consent_record", 1)
    record_verifies()


def test_subject_requests_three_years_after_they_were_answered(world):
    """PIPL art. 50: a refused request keeps the requester's mobile and words for three years after it was worked,
    then they go and the request — number, kind, state, refusal, dates — stays, its chain recording the erasure; an
    open request is never touched."""
    from claimbridge.subjects.models import SubjectRequest
    from claimbridge.subjects.services import subject_request_refuse

    done = subject_request_refuse(user=world.users["ln_assoc"], request=world.subject_requests["ln"],
                                  reason_zh="测试拒绝")  # fmt: skip
    open_one = world.subject_requests["ts"]
    _sweep(done.worked_at + 2 * YEAR)
    assert SubjectRequest.objects.get(pk=done.pk).phone
    aged = done.worked_at + 4 * YEAR
    before = aged_rollups(aged)
    run = _sweep(aged)
    row = SubjectRequest.objects.get(pk=done.pk)
    assert (row.phone, row.phone_index, row.note, row.resolution) == ("", f"erased:{row.pk}", "", "")
    assert (row.state, row.kind, row.refusal_code, row.record_ref) == ("refused", "deletion", "refused",
                                                                       world.agreed.number)  # fmt: skip
    assert row.events.order_by("-sequence").first().kind == "personal_data_erased"
    assert SubjectRequest.objects.get(pk=open_one.pk).correction == "13911110099"
    assert run.counts["subject_request"]["anonymised"] == 1
    assert rollups() == before
    assert run.errors == []
    record_verifies()


def test_deactivated_accounts_after_three_years_active_ones_never(world):
    """A deactivated account's name, user name, mobile and e-mail go three years after its deactivation; the row
    stays, so every event that names it as its actor still does; an active account is kept however old."""
    from claimbridge.accounts.models import User
    from claimbridge.cases.models import CaseEvent

    gone = world.users["tianlong_unit1"]
    acted = CaseEvent.objects.filter(actor=gone).count()
    assert acted
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    gone.refresh_from_db()
    assert gone.deactivated_at is not None
    _sweep(gone.deactivated_at + 2 * YEAR)
    assert User.objects.get(pk=gone.pk).full_name
    aged = gone.deactivated_at + 4 * YEAR
    before = aged_rollups(aged)
    run = _sweep(aged)
    row = User.objects.get(pk=gone.pk)
    assert (row.username, row.full_name, row.phone, row.phone_index, row.email) == (f"erased-{row.pk}", "", "", "", "")
    assert not row.has_usable_password()
    assert CaseEvent.objects.filter(actor_id=gone.pk).count() == acted
    assert run.counts["account"]["anonymised"] == 1
    still = User.objects.get(pk=world.users["maiji_unit2"].pk)
    assert still.is_active
    assert still.full_name
    assert rollups() == before
    assert run.errors == []
    record_verifies()
    again = _sweep(timezone.now() + 30 * YEAR)
    assert again.counts["account"]["anonymised"] == 0
    assert User.objects.get(pk=still.pk).full_name


def test_fraud_casework_after_the_committees_five_years(world):
    """The committee's rules: a clue's people, texts and photos stay while it is open (ten years on), and five years
    after it closed; then they go and the clue (state, county, observations) stays, its chain recording it."""
    from tests.world import id_number

    from claimbridge.fraud.models import Clue, CluePerson
    from claimbridge.fraud.services import clue_create

    clue = clue_create(user=world.users["tianlong_adj1"], county_code="621202", observations=["old_damage"],
                       description="车损与经过不符", submit=True,
                       people=[{"role": "witness", "name": "王五", "id_number": id_number(7), "phone": "13912345678"}])  # fmt: skip
    _sweep(timezone.now() + 10 * YEAR)
    assert CluePerson.objects.get(clue=clue).name == "王五"
    closed = timezone.now()
    Clue.objects.filter(pk=clue.pk).update(state="closed", closed_at=closed)
    _sweep(closed + 4 * YEAR)
    assert Clue.objects.get(pk=clue.pk).description
    before = aged_rollups(closed + 6 * YEAR)
    run = _sweep(closed + 6 * YEAR)
    person = CluePerson.objects.get(clue=clue)
    assert (person.name, person.id_number, person.phone, person.id_index) == ("", "", "", "")
    row = Clue.objects.get(pk=clue.pk)
    assert (row.description, row.state, row.observations, row.county_id) == ("", "closed", ["old_damage"],
                                                                            clue.county_id)  # fmt: skip
    assert row.events.order_by("-sequence").first().kind == "personal_data_erased"
    assert run.counts["fraud_casework"]["anonymised"] == 1
    assert rollups() == before
    assert run.errors == []
    record_verifies()


def test_a_case_whose_join_code_was_cleared_is_still_swept(world):
    """Clearing a dead join code is an erasure event of its own, not the case's: the draft still goes after the
    unclaimed report's three years."""
    later = Case.objects.get(pk=world.draft.pk).join_code_expires_at + timedelta(minutes=11)
    _sweep(later)
    assert world.draft.events.filter(kind="personal_data_erased", data__category="join_code").exists()
    assert CaseParty.objects.filter(case=world.draft).exclude(driver_phone="").exists()
    run = _sweep(timezone.now() + 4 * YEAR)
    assert not CaseParty.objects.filter(case=world.draft).exclude(driver_phone="").exists()
    assert run.errors == []
    record_verifies()
