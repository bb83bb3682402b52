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
