"""`claimbridge recover`: work whose task was lost is enqueued again (issue 19; B8). The rehearsal killed a worker
mid-task and restarted PostgreSQL under it; the rows still said what was to do, and nothing did it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from claimbridge.evidence import services as evidence_services
from claimbridge.evidence.models import EvidenceItem, StoredObject
from claimbridge.photos.tests.samples import encode, scene
from claimbridge.policies import services as policy_services
from claimbridge.policies.models import Policy, PolicyLoad

pytestmark = pytest.mark.django_db
TABLE = "policy_number,branch,cover_type,plate,start,end\nTL2026000001,621200,ctpl,甘K11111,2026-01-01,2026-12-31\n"


@pytest.fixture
def tasks_lost(monkeypatch):
    """What a worker killed mid-task (or a queue out of reach) leaves: the commit happened, the task never ran."""
    monkeypatch.setattr(transaction, "on_commit", lambda callback, using=None, robust=False: None)


def recover(minutes: float = 5) -> dict[str, int]:
    from io import StringIO

    out = StringIO()
    call_command("recover", "--older-than-minutes", str(minutes), stdout=out)
    return json.loads(out.getvalue())


def aged(queryset, minutes: float) -> None:
    queryset.update(created_at=timezone.now() - timedelta(minutes=minutes))


def test_a_photo_left_unprocessed_is_processed_once_it_has_waited(users, tasks_lost):
    adjuster = users["tianlong_adj1"]
    evidence_file = evidence_services.evidence_file_create(user=adjuster)
    evidence_services.evidence_item_upload(user=adjuster, evidence_file=evidence_file, slot_code="front_panorama",
                                           party="", upload=SimpleUploadedFile("a.jpg", encode(scene(seed=7), "JPEG")))  # fmt: skip
    stored = StoredObject.objects.get()
    assert stored.processed_at is None
    assert recover() == {"photos": 0, "policy_loads": 0}  # young: its task may still be in the queue
    EvidenceItem.objects.update(uploaded_at=timezone.now() - timedelta(minutes=6))
    assert recover()["photos"] == 1
    stored.refresh_from_db()
    assert stored.processed_at is not None
    assert stored.perceptual_hash is not None
    assert EvidenceItem.objects.get().searched_at is not None
    assert recover()["photos"] == 0


def test_a_task_run_again_for_a_searched_item_does_nothing(users, tasks_lost, monkeypatch):
    """A late duplicate (the original task arriving after `recover` enqueued another) costs nothing: the reuse
    search, about a second per photo against a large store, runs once per item."""
    adjuster = users["tianlong_adj1"]
    evidence_file = evidence_services.evidence_file_create(user=adjuster)
    item = evidence_services.evidence_item_upload(user=adjuster, evidence_file=evidence_file,
                                                  slot_code="front_panorama", party="",
                                                  upload=SimpleUploadedFile("a.jpg", encode(scene(seed=8), "JPEG")))  # fmt: skip
    evidence_services.evidence_item_process(item_id=item.pk)
    searches = []
    monkeypatch.setattr(evidence_services, "reuse_matches_find", lambda **kwargs: searches.append(kwargs))
    evidence_services.evidence_item_process(item_id=item.pk)
    assert searches == []


def test_an_uploaded_table_left_queued_is_loaded_once(users, tasks_lost):
    staff = users["tianlong_hq"]
    load = policy_services.policy_file_load_queue(insurer=staff.insurer, user=staff,
                                                  upload=SimpleUploadedFile("p.csv", TABLE.encode()))  # fmt: skip
    assert PolicyLoad.objects.get(pk=load.pk).status == "queued"
    assert recover()["policy_loads"] == 0
    aged(PolicyLoad.objects.filter(pk=load.pk), 11)
    assert recover(minutes=10)["policy_loads"] == 1
    load.refresh_from_db()
    assert (load.status, load.rows_created) == ("done", 1)
    assert list(Policy.objects.values_list("policy_number", flat=True)) == ["TL2026000001"]


def test_a_load_another_run_has_taken_is_left_to_it(users, tasks_lost):
    """The late original task and the recovered one may both run: the first to take the load does it."""
    staff = users["tianlong_hq"]
    load = policy_services.policy_file_load_queue(insurer=staff.insurer, user=staff,
                                                  upload=SimpleUploadedFile("p.csv", TABLE.encode()))  # fmt: skip
    PolicyLoad.objects.filter(pk=load.pk).update(status="running")
    policy_services.policy_stored_file_load(load_id=load.pk)
    assert not Policy.objects.exists()
