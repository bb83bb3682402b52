"""The orphan sweep on S3-compatible storage (issue 19; B8). On S3 a directory is only a prefix of keys: the sweep
asked `exists("evidence")`, which is False there, so it listed nothing, removed no orphan and called every original
missing. Here the storage is django-storages' S3 backend against moto's in-process S3."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from claimbridge.evidence import services
from claimbridge.evidence.orphans import stored_orphans_sweep
from claimbridge.photos.tests.samples import encode, scene

moto = pytest.importorskip("moto", reason="moto (a dev dependency) fakes S3 in-process")
pytestmark = pytest.mark.django_db
BUCKET = "claimbridge-sweep-test"


@pytest.fixture
def s3_storage(settings, monkeypatch):
    import boto3  # type: ignore[import-untyped]

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with moto.mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": BUCKET, "region_name": "us-east-1", "file_overwrite": False}}}  # fmt: skip
        yield default_storage


def test_the_sweep_lists_s3_and_finds_only_the_orphan(s3_storage, users):
    evidence_file = services.evidence_file_create(user=users["tianlong_adj1"])
    item = services.evidence_item_upload(user=users["tianlong_adj1"], evidence_file=evidence_file,
                                         slot_code="front_panorama", party="",
                                         upload=SimpleUploadedFile("a.jpg", encode(scene(seed=1), "JPEG")))  # fmt: skip
    assert type(s3_storage._wrapped).__name__ == "S3Storage"
    assert not s3_storage.exists("evidence")  # a prefix, not an object: what misled the sweep
    stray = s3_storage.save(services.original_name("ab" * 32, "jpg"), ContentFile(b"\xff\xd8\xff partial"))
    report = stored_orphans_sweep(dry_run=True, grace=timedelta(0))
    assert report.orphans == [stray]
    assert report.missing_originals == []
    stored_orphans_sweep(grace=timedelta(0))
    assert not s3_storage.exists(stray)
    assert s3_storage.exists(item.stored.storage_name)
