"""Retries never duplicate (issue 12, finding 6; B9): an Idempotency-Key makes one evidence file and one item, and
the same key sent with something else is refused rather than answered with the first result."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claimbridge.evidence import services
from claimbridge.evidence.models import EvidenceFile, EvidenceItem
from claimbridge.photos.tests.samples import encode, scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def adjuster(client, users):
    client.force_login(users["tianlong_adj1"])
    return users["tianlong_adj1"]


def create(client, payload, key="phone-7f3a"):
    return client.post("/api/v1/evidence/files", data=payload, content_type="application/json", secure=True,
                       HTTP_IDEMPOTENCY_KEY=key)  # fmt: skip


def test_the_same_key_twice_makes_one_evidence_file(client, adjuster):
    """Issue 12 finding 6: `/api/v1/evidence/files` ignored Idempotency-Key and made two files."""
    payload = {"title": "甘K12345", "latitude": 33.395, "longitude": 104.923, "crs": "gcj02"}
    first, again = create(client, payload), create(client, payload)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["reference"] == again.json()["reference"]
    assert EvidenceFile.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(client, adjuster):
    assert create(client, {"title": "first"}).status_code == 201
    response = create(client, {"title": "second"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert EvidenceFile.objects.count() == 1


def test_keys_are_per_caller(client, users, adjuster):
    assert create(client, {"title": "T"}).status_code == 201
    client.force_login(users["maiji_adj1"])
    assert create(client, {"title": "T"}).status_code == 201
    assert EvidenceFile.objects.count() == 2


@pytest.fixture
def evidence_file(adjuster):
    return services.evidence_file_create(user=adjuster, title="retries")


def send(client, reference, data: bytes, *, key="upload-1", slot="plate", party="A"):
    return client.post(f"/api/v1/evidence/files/{reference}/items", secure=True, HTTP_IDEMPOTENCY_KEY=key,
                       data={"slot": slot, "party": party, "file": SimpleUploadedFile("p.jpg", data)})  # fmt: skip


def test_the_same_file_under_the_same_key_answers_the_first_item(client, evidence_file):
    data = encode(scene(seed=1), "JPEG")
    first, again = send(client, evidence_file.reference, data), send(client, evidence_file.reference, data)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert EvidenceItem.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [{"data": encode(scene(seed=2), "JPEG")}, {"slot": "driving_licence"}, {"party": "B"}],
    ids=["another file", "another slot", "another party"],
)
def test_another_upload_under_the_same_key_is_refused(client, evidence_file, change):
    """Issue 12 finding 6: the same key with a different file (SHA-256), slot or party is not a retry."""
    data = encode(scene(seed=1), "JPEG")
    assert send(client, evidence_file.reference, data).status_code == 201
    response = send(client, evidence_file.reference, change.pop("data", data), **change)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert error["zh"]
    assert EvidenceItem.objects.count() == 1
