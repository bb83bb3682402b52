"""Resumable uploads (decision 0025): a photo or video sent in parts over a signal that comes and goes arrives whole,
byte for byte, never twice, and only its owner can see, continue or use it (B7, R9; B9 for the retries)."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from claimbridge.evidence import services, uploads
from claimbridge.evidence.models import EvidenceItem, Upload, UploadEvent
from claimbridge.photos.tests.samples import encode, scene

pytestmark = pytest.mark.django_db
PART = "application/offset+octet-stream"


@pytest.fixture
def adjuster(client, users):
    client.force_login(users["tianlong_adj1"])
    return users["tianlong_adj1"]


@pytest.fixture
def evidence_file(adjuster):
    return services.evidence_file_create(user=adjuster, title="山区现场")


@pytest.fixture
def photo() -> bytes:
    return encode(scene(1200, 900, seed=3), "JPEG", quality=95)


def start(client: Client, data: bytes, *, key: str = "start-1", sha256: str | None = "auto", **extra):
    body = {"length": len(data), "content_type": "image/jpeg", "filename": "IMG_2041.jpg", **extra}
    if sha256:
        body["sha256"] = hashlib.sha256(data).hexdigest() if sha256 == "auto" else sha256
    return client.post("/api/v1/uploads", json.dumps(body), content_type="application/json", secure=True,
                       headers={"Idempotency-Key": key} if key else {})  # fmt: skip


def send_part(client: Client, upload_id: str, offset: int, data: bytes, *, content_type: str = PART):
    return client.patch(f"/api/v1/uploads/{upload_id}", data, content_type=content_type, secure=True,
                        headers={"Upload-Offset": str(offset)})  # fmt: skip


def state(client: Client, upload_id: str):
    return client.get(f"/api/v1/uploads/{upload_id}", secure=True)


def into_file(client: Client, reference: str, upload_id: str, *, key: str = "item-1", slot: str = "front_panorama"):
    return client.post(f"/api/v1/evidence/files/{reference}/items", {"slot": slot, "upload": upload_id}, secure=True,
                       headers={"Idempotency-Key": key} if key else {})  # fmt: skip


def thirds(data: bytes) -> list[tuple[int, bytes]]:
    cut = len(data) // 3
    return [(0, data[:cut]), (cut, data[cut : 2 * cut]), (2 * cut, data[2 * cut :])]


def test_b7_r9_three_parts_then_consumed_into_an_item_equal_to_the_whole_file(client, adjuster, evidence_file, photo):
    """B7, R9: sent in three parts, the photo becomes an evidence item with the whole file's SHA-256, processed as an
    upload in one piece would be (thumbnail, kind); the parts are removed once consumed; each step is recorded."""
    created = start(client, photo)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["offset"], body["length"], body["complete"]) == (0, len(photo), False)
    for offset, part in thirds(photo):
        answer = send_part(client, body["id"], offset, part)
        assert answer.status_code == 200, answer.json()
        assert answer.json()["offset"] == offset + len(part)
    assert answer.json()["complete"] is True
    assert state(client, body["id"]).json()["complete"] is True
    made = into_file(client, evidence_file.reference, body["id"])
    assert made.status_code == 201, made.json()
    assert made.json()["sha256"] == hashlib.sha256(photo).hexdigest()
    assert made.json()["size"] == len(photo)
    assert made.json()["kind"] == "image"
    assert made.json()["original_name"] == "IMG_2041.jpg"
    item = EvidenceItem.objects.get(pk=made.json()["id"])
    with default_storage.open(item.stored.storage_name, "rb") as stored:
        assert stored.read() == photo
    assert not default_storage.listdir(f"uploads/{body['id']}")[1]  # the parts are gone
    kinds = list(UploadEvent.objects.filter(upload_id=body["id"]).values_list("kind", flat=True))
    assert kinds == ["created", "completed", "consumed"]


def test_b7_a_part_whose_answer_was_lost_is_not_written_twice_and_the_client_resumes(client, adjuster, evidence_file,
                                                                                      photo):  # fmt: skip
    """B7: the second part is written but its answer never reaches the phone; the phone sends it again (409 with the
    offset the server holds, nothing appended), or asks (GET), and continues from there: the file is whole, once."""
    upload_id = start(client, photo).json()["id"]
    (o1, p1), (o2, p2), (o3, p3) = thirds(photo)
    assert send_part(client, upload_id, o1, p1).status_code == 200
    assert send_part(client, upload_id, o2, p2).status_code == 200  # …and the answer is lost on the way back
    replayed = send_part(client, upload_id, o2, p2)
    assert replayed.status_code == 409
    error = replayed.json()["error"]
    assert error["code"] == "upload_offset_mismatch"
    assert error["zh"]
    assert error["en"]
    assert error["details"]["offset"] == o3
    assert state(client, upload_id).json()["offset"] == o3  # what a phone asks after a dropped connection
    assert send_part(client, upload_id, o3, p3).json()["complete"] is True
    upload = Upload.objects.get(pk=upload_id)
    assert upload.sha256 == hashlib.sha256(photo).hexdigest()
    assert len(upload.parts) == 3
    assert into_file(client, evidence_file.reference, upload_id).json()["sha256"] == upload.sha256


def test_a_part_that_does_not_start_where_the_upload_stands_is_refused(client, adjuster, photo):
    upload_id = start(client, photo).json()["id"]
    ahead = send_part(client, upload_id, 100, photo[100:200])
    assert ahead.status_code == 409
    assert ahead.json()["error"]["details"] == {"offset": 0}
    assert send_part(client, upload_id, 0, photo[:10], content_type="image/jpeg").status_code == 415
    bad = client.patch(f"/api/v1/uploads/{upload_id}", photo[:10], content_type=PART, secure=True)
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "bad_upload_offset"
    too_long = send_part(client, upload_id, 0, photo + b"x")
    assert too_long.status_code == 413
    assert state(client, upload_id).json()["offset"] == 0
    assert Upload.objects.get(pk=upload_id).parts == []


def test_another_person_sees_no_upload_and_cannot_continue_or_use_it(client, users, adjuster, photo):
    """Owner only: to anyone else the upload does not exist (404), for reading, sending and consuming."""
    upload_id = start(client, photo).json()["id"]
    for offset, part in thirds(photo):
        send_part(client, upload_id, offset, part)
    other = Client()
    other.force_login(users["tianlong_adj2"])
    their_file = services.evidence_file_create(user=users["tianlong_adj2"], title="theirs")
    assert state(other, upload_id).status_code == 404
    assert send_part(other, upload_id, len(photo), b"x").status_code == 404
    refused = into_file(other, their_file.reference, upload_id)
    assert refused.status_code == 404
    assert refused.json()["error"]["en"]
    assert state(Client(), upload_id).status_code == 401
    assert state(client, "not-a-uuid").status_code == 404
    assert not EvidenceItem.objects.exists()


def test_b9_starting_again_with_the_same_key_is_the_same_upload_as_it_stands(client, adjuster, photo):
    """B9: the answer to POST /uploads was lost; the retry with the same Idempotency-Key answers 200 with the same
    upload and its offset now; the same key with another body is refused; a key is required."""
    first = start(client, photo)
    send_part(client, first.json()["id"], 0, photo[:1000])
    again = start(client, photo)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["offset"] == 1000
    assert Upload.objects.count() == 1
    other = start(client, photo[:-1])
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    keyless = start(client, photo, key="")
    assert keyless.status_code == 400
    assert keyless.json()["error"]["code"] == "idempotency_key_required"


def test_a_file_larger_than_evidence_may_be_is_refused_at_the_start(client, adjuster, settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    refused = start(client, b"x" * (1024 * 1024 + 1), sha256=None)
    assert refused.status_code == 413
    assert refused.json()["error"]["code"] == "upload_too_large"
    assert "1 MB" in refused.json()["error"]["en"]
    assert not Upload.objects.exists()


def test_who_may_not_upload_evidence_may_not_start_an_upload(client, users):
    client.force_login(users["regulator"])
    assert start(client, b"abc", sha256=None).status_code == 403


def test_a_wrong_checksum_empties_the_upload(client, adjuster, photo):
    upload_id = start(client, photo, sha256="0" * 64).json()["id"]
    wrong = send_part(client, upload_id, 0, photo)
    assert wrong.status_code == 422
    assert wrong.json()["error"]["code"] == "upload_checksum_mismatch"
    assert state(client, upload_id).json() | {"offset": 0, "complete": False} == state(client, upload_id).json()
    assert not default_storage.listdir(f"uploads/{upload_id}")[1]
    assert UploadEvent.objects.filter(upload_id=upload_id, kind="reset").exists()


def test_an_upload_makes_one_item_and_its_retry_is_answered_with_it(client, adjuster, evidence_file, photo):
    """B9: consuming the same upload again with the same key into the same file is the request retried (200, the
    first item); with another key, or into another slot under the same key, it is refused; an incomplete upload is
    refused; a file and an upload together are refused."""
    upload_id = start(client, photo).json()["id"]
    early = into_file(client, evidence_file.reference, upload_id)
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "upload_incomplete"
    send_part(client, upload_id, 0, photo)
    first = into_file(client, evidence_file.reference, upload_id)
    retried = into_file(client, evidence_file.reference, upload_id)
    assert (first.status_code, retried.status_code) == (201, 200)
    assert retried.json()["id"] == first.json()["id"]
    again = into_file(client, evidence_file.reference, upload_id, key="item-2", slot="rear_panorama")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "upload_consumed"
    keyless = into_file(client, evidence_file.reference, upload_id, key="")
    assert keyless.status_code == 409
    assert EvidenceItem.objects.count() == 1
    both = client.post(f"/api/v1/evidence/files/{evidence_file.reference}/items", secure=True,
                       data={"slot": "plate", "party": "A", "upload": upload_id,
                             "file": SimpleUploadedFile("p.jpg", photo)})  # fmt: skip
    assert both.status_code == 422
    assert both.json()["error"]["code"] == "file_and_upload"


def test_a_clue_photo_arrives_through_an_upload(client, users, adjuster, photo):
    """R11, B7: the reporter's scene photo of a clue, sent in parts, is the clue's photo as if uploaded whole, with
    the clue's own event; a retry answers 200."""
    from claimbridge.fraud import services as fraud

    clue = fraud.clue_create(user=adjuster, county_code="621202", observations=["staged_scene"])
    upload_id = start(client, photo).json()["id"]
    for offset, part in thirds(photo):
        send_part(client, upload_id, offset, part)
    path = f"/api/v1/fraud/clues/{clue.number}/photos"
    first = client.post(path, {"upload": upload_id}, secure=True, headers={"Idempotency-Key": "clue-photo-1"})
    assert first.status_code == 201, first.json()
    assert first.json()["sha256"] == hashlib.sha256(photo).hexdigest()
    again = client.post(path, {"upload": upload_id}, secure=True, headers={"Idempotency-Key": "clue-photo-1"})
    assert again.status_code == 200
    assert again.json()["item"] == first.json()["item"]
    assert clue.events.filter(kind="photo_added").count() == 1


def test_uploads_not_whole_within_a_day_are_swept_with_their_parts(client, adjuster, photo):
    upload_id = start(client, photo).json()["id"]
    send_part(client, upload_id, 0, photo[:500])
    assert uploads.uploads_sweep() == 0
    assert uploads.uploads_sweep(now=timezone.now() + timedelta(hours=25)) == 1
    assert not Upload.objects.exists()
    assert not default_storage.exists(f"uploads/{upload_id}") or not default_storage.listdir(f"uploads/{upload_id}")[1]
    assert UploadEvent.objects.filter(upload_id=upload_id, kind="expired").exists()


def test_the_sweep_runs_as_a_command_and_as_a_task(client, adjuster, photo):
    from django.core.management import call_command

    from claimbridge.evidence.tasks import sweep_expired_uploads

    upload_id = start(client, photo).json()["id"]
    Upload.objects.filter(pk=upload_id).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert state(client, upload_id).status_code == 404  # expired: gone for its owner too, before the sweep
    out = io.StringIO()
    call_command("evidence_uploads_sweep", stdout=out)
    assert "1 expired uploads removed" in out.getvalue()
    assert sweep_expired_uploads.call() == {"removed": 0}
