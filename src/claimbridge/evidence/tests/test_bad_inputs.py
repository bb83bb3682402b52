"""Every bad input to the evidence API and pages is a 4xx with the bilingual error, and leaves nothing behind: no
evidence file, no item, no stored object, no stored file (issue 12, findings 7 and 9; B4, B9, R10)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.utils import timezone

from claimbridge.core.storage import listdir
from claimbridge.evidence import services
from claimbridge.evidence.models import EvidenceFile, EvidenceItem, StoredObject
from claimbridge.photos.tests.samples import encode, scene

pytestmark = pytest.mark.django_db


def stored_names() -> set[str]:
    names: set[str] = set()
    pending = ["evidence"]  # listed, not tested with exists(): on S3 a directory is only a prefix (core/storage.py)
    while pending:
        path = pending.pop()
        directories, files = listdir(path)
        names.update(f"{path}/{name}" for name in files)
        pending.extend(f"{path}/{name}" for name in directories)
    return names


def assert_bilingual(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["zh"]
    assert error["en"]
    if code is not None:
        assert error["code"] == code
    return error


def nothing_stored() -> None:
    assert StoredObject.objects.count() == 0
    assert EvidenceItem.objects.count() == 0
    assert stored_names() == set()


@pytest.fixture
def adjuster(client, users):
    client.force_login(users["tianlong_adj1"])
    return users["tianlong_adj1"]


@pytest.fixture
def evidence_file(adjuster):
    return services.evidence_file_create(user=adjuster, title="甘K12345")


def now_iso(**delta: float) -> str:
    return (timezone.now() + timedelta(**delta)).isoformat()


BAD_FILES = {
    "crs of 9 characters": ({"crs": "123456789"}, 422, "invalid_input"),
    "unknown crs": ({"crs": "bd09"}, 422, "invalid_input"),
    "latitude out of range": ({"latitude": 91.0, "longitude": 104.9}, 422, "invalid_input"),
    "longitude out of range": ({"latitude": 33.4, "longitude": -181.0}, 422, "invalid_input"),
    "latitude NaN": (
        {"latitude": float("nan"), "longitude": 104.9},
        400,
        "bad_json",
    ),  # JSON has no NaN: refused as it is read
    "longitude infinite": ({"latitude": 33.4, "longitude": float("inf")}, 400, "bad_json"),
    "latitude as the string nan": ({"latitude": "nan", "longitude": 104.9}, 422, "invalid_input"),
    "half a place": ({"latitude": 33.4}, 422, "half_a_place"),
    "title longer than its column": ({"title": "甘" * 121}, 422, "invalid_input"),
    "title with a control character": ({"title": "bell\x07"}, 400, None),  # refused by the API's JSON parser
    "naive accident time": ({"accident_at": "2026-11-30T10:00:00"}, 422, "invalid_input"),
    "accident in the future": ({"accident_at": "2099-01-01T10:00:00+08:00"}, 422, "invalid_input"),
    "accident decades ago": ({"accident_at": "1990-01-01T10:00:00+08:00"}, 422, "invalid_input"),
    "unknown insurer": ({"insurers": ["NOPE"]}, 422, "unknown_insurer"),
    "insurer code too long": ({"insurers": ["X" * 50]}, 422, "invalid_input"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_evidence_file_is_refused_with_a_4xx_and_makes_nothing(client, adjuster, case):
    """Issue 12 finding 7 (B9): a 9-character crs, out-of-range or NaN coordinates, an over-long title or a naive
    time gave 500 or were stored; now each is a 4xx with the bilingual error body and no file is made."""
    payload, status, code = BAD_FILES[case]
    response = client.post("/api/v1/evidence/files", data=json.dumps(payload), content_type="application/json",
                           secure=True)  # fmt: skip
    assert_bilingual(response, status, code)
    assert EvidenceFile.objects.count() == 0


def test_a_good_evidence_file_is_still_made(client, adjuster):
    response = client.post(
        "/api/v1/evidence/files", content_type="application/json", secure=True,
        data={"title": "甘K12345", "accident_at": now_iso(hours=-2), "latitude": 33.395, "longitude": 104.923,
              "crs": "gcj02", "insurers": ["tianlong"]},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["crs"] == "gcj02"


def upload(client, reference: str, data: bytes, *, key: str = "", **fields: str):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"/api/v1/evidence/files/{reference}/items", secure=True, **headers,
                       data={"slot": "front_panorama", "file": SimpleUploadedFile("p.jpg", data), **fields})  # fmt: skip


BAD_UPLOADS = {
    "party ABC": ({"party": "ABC"}, "wrong_party"),
    "party ABC in a per-party slot": ({"slot": "plate", "party": "ABC"}, "wrong_party"),
    "party E": ({"slot": "plate", "party": "E"}, "wrong_party"),
    "unknown slot": ({"slot": "selfie"}, "unknown_slot"),
    "photo into the video slot": ({"slot": "video"}, "video_expected"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_a_bad_upload_is_refused_with_a_422_and_stores_nothing(client, evidence_file, case):
    """Issue 12 finding 7: an upload with party=ABC gave 500; every bad field is a 422 naming it, nothing stored."""
    fields, code = BAD_UPLOADS[case]
    error = assert_bilingual(upload(client, evidence_file.reference, encode(scene(), "JPEG"), **fields), 422, code)
    assert error["field"] in {"slot", "party", "file"}
    nothing_stored()


def test_an_over_long_upload_key_is_refused(client, evidence_file):
    assert_bilingual(upload(client, evidence_file.reference, encode(scene(), "JPEG"), key="k" * 100), 422)
    nothing_stored()


def test_parties_c_and_d_of_a_larger_accident_have_their_own_slots(client, evidence_file):
    response = upload(client, evidence_file.reference, encode(scene(seed=2), "JPEG"), slot="plate", party="C")
    assert response.status_code == 201, response.content
    assert response.json()["party"] == "C"
    page = client.get(f"/evidence/{evidence_file.reference}/", secure=True).content.decode()
    assert 'data-testid="slot-plate-C"' in page


def test_a_storage_failure_half_way_leaves_nothing(client, evidence_file, monkeypatch):
    """Issue 12 finding 7: a failing upload left its stored file and a row behind. The store writes part of the
    original and breaks: the answer is a JSON 503, and neither the partial file nor any row is left."""
    default_storage.exists("x")  # the lazy storage is set up
    storage_class = type(default_storage._wrapped)
    real_save = storage_class.save

    def breaks_half_way(self, name, content, *args, **kwargs):
        real_save(self, name, SimpleUploadedFile("part", b"\xff\xd8\xff partial"))
        raise OSError("disk full")

    monkeypatch.setattr(storage_class, "save", breaks_half_way)
    assert_bilingual(upload(client, evidence_file.reference, encode(scene(seed=3), "JPEG")), 503, "upload_failed")
    nothing_stored()


def test_a_database_error_after_the_file_was_stored_leaves_nothing(client, evidence_file, monkeypatch):
    """Issue 12 finding 7: the original and thumbnail are stored, then the item's row cannot be written."""

    def refuses(*args, **kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(EvidenceItem.objects, "create", refuses)
    assert_bilingual(upload(client, evidence_file.reference, encode(scene(seed=4), "JPEG")), 503, "upload_failed")
    nothing_stored()


def test_files_stay_for_the_sweep_when_the_database_cannot_say_whether_the_commit_landed(
    client, evidence_file, monkeypatch
):
    """Issue 19 (B8): the rehearsal restarted PostgreSQL during an upload's COMMIT; the commit landed, the app saw an
    error and deleted the original of a committed row. When the database cannot answer whether a row names the files,
    they stay (the orphan sweep asks again later); with no row they go at the sweep, not before."""
    from claimbridge.evidence import orphans
    from claimbridge.evidence import services as evidence_services

    def refuses(*args, **kwargs):
        raise DatabaseError("server closed the connection unexpectedly")

    def cannot_answer(names):
        raise DatabaseError("the connection is closed")

    monkeypatch.setattr(EvidenceItem.objects, "create", refuses)
    monkeypatch.setattr(evidence_services, "named", cannot_answer)
    assert_bilingual(upload(client, evidence_file.reference, encode(scene(seed=6), "JPEG")), 503, "upload_failed")
    kept = stored_names()
    assert kept, "the files of an upload whose outcome is unknown must not be deleted"
    assert StoredObject.objects.count() == 0
    monkeypatch.undo()
    assert sorted(orphans.stored_orphans_sweep(grace=timedelta(0)).orphans) == sorted(kept)
    nothing_stored()


def test_an_orphan_left_by_a_crash_is_replaced_when_the_same_bytes_arrive(client, evidence_file):
    """A killed upload may leave a cut-short original under the object's name and no row: the next upload of the same
    bytes stores them whole."""
    data = encode(scene(seed=5), "JPEG")
    item = services.evidence_item_upload(user=None, evidence_file=evidence_file, slot_code="front_panorama", party="",
                                         upload=SimpleUploadedFile("a.jpg", data))  # fmt: skip
    name = item.stored.storage_name
    item.delete()
    item.stored.delete()
    default_storage.delete(name)
    default_storage.save(name, SimpleUploadedFile("cut", data[:100]))
    assert upload(client, evidence_file.reference, data).status_code == 201
    with default_storage.open(name, "rb") as original:
        assert original.read() == data


def test_control_characters_in_the_file_name_are_dropped(adjuster, evidence_file):
    item = services.evidence_item_upload(user=adjuster, evidence_file=evidence_file, slot_code="front_panorama",
                                         party="", upload=SimpleUploadedFile("scene\x00\x1b.jpg", encode(scene(), "JPEG")))  # fmt: skip
    assert item.original_name == "scene.jpg"


def test_a_bad_file_on_the_page_is_a_form_error_next_to_its_field(client, adjuster):
    """Issue 12 finding 7 (web): a future accident time is answered on the form, and no file is made."""
    response = client.post("/evidence/", secure=True, data={"title": "x", "crs": "wgs84",
                                                            "accident_at": "2099-01-01T10:00"})  # fmt: skip
    assert response.status_code == 422
    assert response.context["form"].errors["accident_at"]
    assert EvidenceFile.objects.count() == 0


def test_a_bad_upload_on_the_page_says_why_and_stores_nothing(client, evidence_file):
    response = client.post(f"/evidence/{evidence_file.reference}/upload/", secure=True, HTTP_HX_REQUEST="true",
                           data={"slot": "front_panorama", "party": "ABC", "upload_key": "k1",
                                 "file": SimpleUploadedFile("p.jpg", encode(scene(), "JPEG"))})  # fmt: skip
    assert response.status_code == 422
    assert "upload-error" in response.content.decode()
    nothing_stored()


def test_a_bad_upload_without_javascript_is_answered_on_the_page_with_422(client, evidence_file):
    response = client.post(f"/evidence/{evidence_file.reference}/upload/", secure=True,
                           data={"slot": "plate", "party": "Z", "upload_key": "k2",
                                 "file": SimpleUploadedFile("p.jpg", encode(scene(), "JPEG"))})  # fmt: skip
    assert response.status_code == 422
    assert "upload-error" in response.content.decode()
    nothing_stored()
