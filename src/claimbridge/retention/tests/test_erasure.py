"""The erasure API (issue 20 items 2 and 5; PIPL art. 19, 47; B8, R17, R19): a case's personal data anonymised, its
evidence files deleted with tombstones kept, recorded on its audit chain so that `audit verify` and
`evidence_verify` still pass and the roll-ups stay byte-identical."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from claimbridge.cases.models import CaseEvent, CaseParty
from claimbridge.evidence.models import EvidenceItem, StoredObject
from claimbridge.retention.erasure import case_erase, consultation_erase, retained_until
from claimbridge.retention.tests.helpers import record_verifies, rollups

pytestmark = pytest.mark.django_db


def test_case_erase_anonymises_parties_deletes_files_and_records_the_change(world):
    """B8, R19: names, mobiles, licences, plates and blind indexes go; originals and derived files leave storage
    while their SHA-256 and size stay; the event `personal_data_erased` is on the chain; both verifiers pass."""
    case = world.agreed
    before = rollups()
    stored = {item.stored for item in case.evidence.items.select_related("stored")}
    names = [s.storage_name for s in stored] + [s.thumbnail_name for s in stored if s.thumbnail_name]
    shared = {world.items["fuxi"].stored_id}  # the reused photo is also in another file: its bytes stay
    assert all(default_storage.exists(name) for name in names)
    result = case_erase(case=case, actor=None, reason="retention_sweep", category="claim_record")
    assert sorted(result.parties) == ["A", "B"]
    assert result.items == case.evidence.items.count()
    for party in CaseParty.objects.filter(case=case):
        assert (party.driver_name, party.driver_phone, party.driver_licence, party.phone_index, party.plate) == (
            "", "", "", "", "")  # fmt: skip
        assert party.insurer_id is not None  # what the figures count stays
    assert not EvidenceItem.objects.filter(file=case.evidence, erased_at__isnull=True).exists()
    for row in StoredObject.objects.filter(pk__in=[s.pk for s in stored]):
        if row.pk in shared:
            assert row.erased_at is None
            assert default_storage.exists(row.storage_name)
        else:
            assert row.erased_at is not None
            assert row.storage_name == ""
            assert len(row.sha256) == 64
            assert row.size > 0
    gone = [s for s in stored if s.pk not in shared]
    assert gone
    assert not any(default_storage.exists(s.storage_name) for s in gone)
    event = CaseEvent.objects.filter(case=case).order_by("-sequence").first()
    assert event.kind == "personal_data_erased"
    assert event.data["category"] == "claim_record"
    assert rollups() == before
    record_verifies()
    again = case_erase(case=case, actor=None, reason="retention_sweep", category="claim_record")
    assert again.already
    assert CaseEvent.objects.filter(case=case, kind="personal_data_erased").count() == 1


def test_an_erased_photo_uploaded_again_is_stored_again(world):
    from tests.factories import photo

    from claimbridge.evidence import services

    case = world.confirming
    case_erase(case=case, actor=None, reason="request", category="subject_request")
    tomb = StoredObject.objects.filter(erased_at__isnull=False).first()
    assert tomb is not None
    target = services.evidence_file_create(user=world.users["fuxi_adj1"], title="again", accident_at=timezone.now())
    index = next(
        i
        for i in range(6)
        if photo(i).read() and __import__("hashlib").sha256(photo(i).read()).hexdigest() == tomb.sha256
    )
    services.evidence_item_upload(user=world.users["fuxi_adj1"], evidence_file=target, slot_code="front_panorama",
                                  party="", upload=photo(index))  # fmt: skip
    tomb.refresh_from_db()
    assert tomb.erased_at is None
    assert default_storage.exists(tomb.storage_name)
    record_verifies()


def test_retained_until_refuses_with_the_date_while_a_duty_holds(world):
    """Insurance Law art. 87: an open claim holds the case; once closed, the date is given; an unclaimed report
    holds for three years from its report."""
    hold = retained_until(world.agreed)
    assert hold.held
    assert hold.until is None
    assert hold.category == "claim_record"
    draft = retained_until(world.draft)
    assert draft.held
    assert draft.category == "unclaimed_report"
    assert draft.until == world.draft.created_at.replace(year=world.draft.created_at.year + 3)
    assert "须保存至" in draft.zh
    # the real period and its basis, in each language (issue 20 walk: not "保存期较短", no English in Chinese)
    assert "（自报案起保存3年；依据：《民法典》第一百八十八条（三年诉讼时效））" in draft.zh
    assert "(3 years from the report; basis: Civil Code art. 188 (the three-year limitation period" in draft.en
    assert not retained_until(world.draft, at=draft.until + timedelta(minutes=1)).held


def test_consultation_erase(world):
    from claimbridge.consultations.models import Consultation
    from claimbridge.consultations.services import consultation_record

    asked = consultation_record(
        user=world.users["tianlong_unit1"], caller_phone="13700001234", question="我的电话13700001234"
    )
    result = consultation_erase(consultation=asked, actor=None, reason="x")
    row = Consultation.objects.get(pk=asked.pk)
    assert (row.asker_phone, row.asker_phone_index, row.asker_name) == ("", "", "")
    assert "1370000" not in row.question
    assert result.event_sequence == row.events_count
    assert row.events.order_by("-sequence").first().kind == "personal_data_erased"


# --- erasure on request: register entries, accounts, fraud casework, the policy register, requests ---------------


def test_case_erase_takes_the_cases_consent_records_along(world):
    """PIPL art. 14, 47: a consent is kept as long as the data it allowed: the draft's (the joining driver's) goes
    with the draft, counted on the erasure's event; purpose, notice version and times stay."""
    from claimbridge.privacy.models import ConsentRecord

    records = ConsentRecord.objects.filter(case=world.draft)
    count = records.exclude(phone_index="").count()
    assert count
    result = case_erase(case=world.draft, actor=None, reason="request", category="subject_request")
    assert result.consents == count
    assert not records.exclude(phone_index="", device="").exists()
    assert all(record.notice_version and record.given_at for record in records)
    event = CaseEvent.objects.filter(case=world.draft).order_by("-sequence").first()
    assert event.data["consents"] == count
    record_verifies()


def test_register_entry_is_refused_while_it_stands_then_erased_on_request(world):
    """An approved entry with a live credential stands (the public checks cards against it): held with no date and
    refused (409); once left, held for the register's three years, then erased — name, ID number, phone, portrait —
    its chain recording it, the credentials' numbers kept."""
    from claimbridge.core.errors import AppError
    from claimbridge.credentials.models import Adjuster, RegisterEvent
    from claimbridge.retention.erasure import register_entry_erase, register_entry_retained_until

    entry = world.adjusters["tl_ln"]
    hold = register_entry_retained_until(entry)
    assert (hold.held, hold.until, hold.category) == (True, None, "adjuster_register")
    with pytest.raises(AppError) as refused:
        register_entry_erase(
            adjuster=entry, actor=world.users["ln_assoc"], reason="request", category="subject_request"
        )
    assert refused.value.status == 409
    assert Adjuster.objects.get(pk=entry.pk).full_name
    left = timezone.now()
    Adjuster.objects.filter(pk=entry.pk).update(status="left", decided_at=left)
    entry.refresh_from_db()
    hold = register_entry_retained_until(entry)
    assert hold.held
    assert hold.until == left.replace(year=left.year + 3)
    assert "须保存至" in hold.zh
    assert not register_entry_retained_until(entry, at=hold.until + timedelta(minutes=1)).held
    numbers = sorted(entry.credentials.values_list("number", flat=True))
    result = register_entry_erase(adjuster=entry, actor=world.users["ln_assoc"], reason="request",
                                  category="subject_request")  # fmt: skip
    row = Adjuster.objects.get(pk=entry.pk)
    assert (row.full_name, row.id_number, row.phone, row.photo_name, row.id_index) == ("", "", "", "",
                                                                                        f"erased:{entry.pk}")  # fmt: skip
    assert sorted(row.credentials.values_list("number", flat=True)) == numbers
    last = RegisterEvent.objects.filter(adjuster=entry).order_by("-sequence").first()
    assert (last.kind, last.details["category"], last.actor_id) == ("personal_data_erased", "subject_request",
                                                                    world.users["ln_assoc"].pk)  # fmt: skip
    assert result.event_sequence == last.sequence
    assert register_entry_erase(adjuster=entry, actor=None, reason="again").already
    record_verifies()


def test_an_active_account_is_never_erased_a_deactivated_one_after_its_period(world):
    """An active account is held with no date and refused (409); deactivated, it is held for three years (the
    limitation period for what was done under it), then erased: user name `erased-<pk>`, no name, mobile or e-mail,
    no usable password, API keys revoked; the row stays, so its audit events still name it."""
    from claimbridge.accounts.api_keys import api_key_create
    from claimbridge.accounts.models import ApiKey, User
    from claimbridge.core.errors import AppError
    from claimbridge.retention.erasure import account_erase, account_retained_until

    user = world.users["tianlong_adj2"]
    key, _secret = api_key_create(user=user, name="system")
    hold = account_retained_until(user)
    assert (hold.held, hold.until, hold.category) == (True, None, "account")
    with pytest.raises(AppError) as refused:
        account_erase(user=user, actor=None, reason="request", category="subject_request")
    assert refused.value.status == 409
    user.is_active = False
    user.save()
    hold = account_retained_until(user)
    assert hold.held
    assert hold.until == user.deactivated_at.replace(year=user.deactivated_at.year + 3)
    assert not account_retained_until(user, at=hold.until + timedelta(minutes=1)).held
    result = account_erase(user=user, actor=None, reason="request", category="subject_request")
    row = User.objects.get(pk=user.pk)
    assert (row.username, row.full_name, row.phone, row.phone_index, row.email) == (f"erased-{user.pk}", "", "", "",
                                                                                     "")  # fmt: skip
    assert not row.has_usable_password()
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None
    assert result.subject == f"account:{user.pk}"
    assert account_erase(user=row, actor=None, reason="again").already
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert User.objects.get(pk=user.pk).deactivated_at is None  # active again: the clock is off
    record_verifies()


def _clue(world):
    from tests.world import id_number

    from claimbridge.fraud.services import clue_create

    return clue_create(user=world.users["tianlong_adj1"], county_code="621202", observations=["old_damage"],
                       description="车损与经过不符", submit=True,
                       people=[{"role": "witness", "name": "王五", "id_number": id_number(7), "phone": "13912345678"}])  # fmt: skip


def test_fraud_casework_is_refused_while_open_or_linked_into_an_open_investigation(world):
    """The committee's rules: an open clue is held with no date and refused (409); closed but linked into an
    investigation still open, still held; both closed, held five years from the later closure, then erased on
    request, its chain recording it."""
    from claimbridge.core.errors import AppError
    from claimbridge.fraud.models import Clue, CluePerson
    from claimbridge.retention.erasure import clue_erase, clue_retained_until

    clue, lead = _clue(world), _clue(world)
    hold = clue_retained_until(clue)
    assert (hold.held, hold.until, hold.category) == (True, None, "fraud_casework")
    with pytest.raises(AppError) as refused:
        clue_erase(clue=clue, actor=None, reason="request", category="subject_request")
    assert refused.value.status == 409
    closed = timezone.now()
    Clue.objects.filter(pk=clue.pk).update(state="closed", closed_at=closed, investigation=lead)
    clue.refresh_from_db()
    assert clue_retained_until(clue).until is None  # the investigation is open
    with pytest.raises(AppError):
        clue_erase(clue=clue, actor=None, reason="request", category="subject_request")
    later = closed + timedelta(days=10)
    Clue.objects.filter(pk=lead.pk).update(state="closed", closed_at=later)
    clue.refresh_from_db()
    hold = clue_retained_until(clue)
    assert hold.until == later.replace(year=later.year + 5)
    assert not clue_retained_until(clue, at=hold.until + timedelta(minutes=1)).held
    result = clue_erase(clue=clue, actor=None, reason="request", category="subject_request")
    assert CluePerson.objects.get(clue=clue).name == ""
    assert CluePerson.objects.get(clue=lead).name == "王五"
    assert Clue.objects.get(pk=clue.pk).events.order_by("-sequence").first().sequence == result.event_sequence
    assert clue_erase(clue=clue, actor=None, reason="again").already
    record_verifies()


def test_policy_register_personal_field_is_held_by_art_87_then_erased(world):
    """Insurance Law art. 87: a one-year contract's holder and insured are kept five years after it ends (the
    hold's date), then cleared on request; the cover stays."""
    from claimbridge.policies.models import PolicyVersion
    from claimbridge.retention.erasure import policy_personal_erase, policy_retained_until

    version = PolicyVersion.objects.exclude(personal="").select_related("policy").order_by("period_end").first()
    hold = policy_retained_until(version)
    assert hold.held
    assert hold.category == "policy_register"
    # the period and its basis, each wholly in its own language (issue 20: no English inside the Chinese)
    assert "自保险合同终止起保存5年；依据：《保险法》第八十七条（一年以下的合同）" in hold.zh
    assert not any("a" <= ch.lower() <= "z" for ch in hold.zh)
    assert "5 years from the insurance contract's end; basis: Insurance Law art. 87" in hold.en
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in hold.en)
    assert hold.until >= version.period_end.replace(year=version.period_end.year + 5)
    assert not policy_retained_until(version, at=hold.until + timedelta(minutes=1)).held
    result = policy_personal_erase(version=version, actor=None, reason="request", category="subject_request")
    row = PolicyVersion.objects.get(pk=version.pk)
    assert row.personal == ""
    assert (row.plate, row.period_end) == (version.plate, version.period_end)
    assert not result.already
    assert policy_personal_erase(version=version, actor=None, reason="again").already


def test_a_request_is_erased_only_once_answered(world):
    from claimbridge.core.errors import AppError
    from claimbridge.retention.erasure import subject_request_erase, subject_request_retained_until

    request = world.subject_requests["ts"]
    assert subject_request_retained_until(request).until is None
    with pytest.raises(AppError) as refused:
        subject_request_erase(request=request, actor=None, reason="x")
    assert refused.value.status == 409
