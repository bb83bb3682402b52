"""After a crash, stored objects without a row are found and removed once old enough; rows without their original
are reported (issue 12, finding 9). Real files on disk through Django's storage API, of different ages."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.backends import finished

from claimbridge.evidence import services
from claimbridge.evidence.models import StoredObject
from claimbridge.evidence.orphans import stored_orphans_sweep
from claimbridge.evidence.tasks import sweep_evidence_orphans
from claimbridge.photos.tests.samples import encode, scene

pytestmark = pytest.mark.django_db
STRAY_SHA = "ab" * 32


@pytest.fixture(autouse=True)
def disk_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                          "OPTIONS": {"location": str(tmp_path)}}}  # fmt: skip
    settings.EVIDENCE_ORPHAN_GRACE_HOURS = 24
    return tmp_path


def aged(name: str, hours: float) -> str:
    stamp = time.time() - hours * 3600
    os.utime(default_storage.path(name), (stamp, stamp))
    return name


@pytest.fixture
def world(users):
    """A real upload (original, thumbnail, preview), what a `kill -9` between storing and the row leaves (an old
    original and thumbnail), a stray from an upload still under way (an hour old), and a row missing its original."""
    evidence_file = services.evidence_file_create(user=users["tianlong_adj1"])
    kept = services.evidence_item_upload(user=users["tianlong_adj1"], evidence_file=evidence_file,
                                         slot_code="front_panorama", party="",
                                         upload=SimpleUploadedFile("a.jpg", encode(scene(seed=1), "JPEG")))  # fmt: skip
    lost = services.evidence_item_upload(user=users["tianlong_adj1"], evidence_file=evidence_file,
                                         slot_code="rear_panorama", party="",
                                         upload=SimpleUploadedFile("b.jpg", encode(scene(seed=2), "JPEG")))  # fmt: skip
    kept.stored.refresh_from_db()
    for name in (kept.stored.storage_name, kept.stored.thumbnail_name, kept.stored.preview_name):
        aged(name, 72)  # old, but owned by a row
    default_storage.delete(lost.stored.storage_name)
    crashed = [
        aged(default_storage.save(services.original_name(STRAY_SHA, "jpg"), ContentFile(b"\xff\xd8\xff partial")), 30),
        aged(default_storage.save(services.derived_name(STRAY_SHA, "thumb"), ContentFile(b"\xff\xd8\xff")), 30),
    ]
    under_way = aged(default_storage.save(services.original_name("cd" * 32, "png"), ContentFile(b"\x89PNG")), 1)
    return {"kept": kept, "lost": lost, "crashed": crashed, "under_way": under_way}


def test_a_dry_run_lists_and_removes_nothing(world):
    report = stored_orphans_sweep(dry_run=True)
    assert sorted(report.orphans) == sorted(world["crashed"])
    assert report.too_recent == [world["under_way"]]
    assert report.missing_originals == [world["lost"].stored.sha256]
    assert all(default_storage.exists(name) for name in world["crashed"])


def test_the_sweep_removes_old_orphans_only(world):
    """Issue 12 finding 9: after `kill -9` an original and its thumbnail stayed on disk without a row."""
    report = stored_orphans_sweep()
    assert sorted(report.orphans) == sorted(world["crashed"])
    assert not any(default_storage.exists(name) for name in world["crashed"])
    assert default_storage.exists(world["under_way"])  # younger than the grace period: perhaps still uploading
    stored = world["kept"].stored
    assert all(
        default_storage.exists(name) for name in (stored.storage_name, stored.thumbnail_name, stored.preview_name)
    )
    assert StoredObject.objects.filter(pk=world["lost"].stored_id).exists()  # reported, never deleted


def test_the_grace_period_is_a_setting(world, settings):
    settings.EVIDENCE_ORPHAN_GRACE_HOURS = 0.5
    stored_orphans_sweep()
    assert not default_storage.exists(world["under_way"])
    assert stored_orphans_sweep(grace=timedelta(hours=100)).orphans == []


def test_the_command_sweeps_and_reports_missing_originals(world, capsys):
    with pytest.raises(CommandError, match=world["lost"].stored.sha256):
        call_command("evidence_verify", "--orphans", "--dry-run")
    assert "would remove evidence/originals/ab/ab/" in capsys.readouterr().out
    assert all(default_storage.exists(name) for name in world["crashed"])
    with pytest.raises(CommandError):
        call_command("evidence_verify", "--orphans")
    assert not any(default_storage.exists(name) for name in world["crashed"])


def test_the_background_task_runs_the_sweep(world):
    result = finished(sweep_evidence_orphans.enqueue()).return_value
    assert sorted(result["orphans"]) == sorted(world["crashed"])
    assert result["missing_originals"] == [world["lost"].stored.sha256]
    assert not any(default_storage.exists(name) for name in world["crashed"])


def test_nothing_to_sweep_in_an_empty_store():
    report = stored_orphans_sweep()
    assert (report.orphans, report.too_recent, report.missing_originals) == ([], [], [])
