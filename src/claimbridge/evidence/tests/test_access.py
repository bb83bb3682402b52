"""Who sees what (B8): a company's evidence stays its own; reuse is told to everyone, named only to the committee."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from claimbridge.evidence import services
from claimbridge.evidence.models import ReuseMatch
from claimbridge.photos.tests.samples import encode, jpeg_with_exif, scene

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def two_cases(users):
    """The same photo in a 天陇 (tianlong) case and, mirrored and resized, in a 麦积 (maiji) case."""
    picture = scene(1200, 900, seed=31)
    tianlong = services.evidence_file_create(user=users["tianlong_adj1"], title="case T")
    maiji = services.evidence_file_create(user=users["maiji_adj1"], title="case M")
    first = services.evidence_item_upload(user=users["tianlong_adj1"], evidence_file=tianlong, slot_code="front_panorama",
                                          party="", upload=SimpleUploadedFile("t.jpg", encode(picture, "JPEG")))  # fmt: skip
    second = services.evidence_item_upload(user=users["maiji_adj1"], evidence_file=maiji, slot_code="front_panorama",
                                           party="", upload=SimpleUploadedFile("m.jpg", encode(picture.transpose(0).resize((600, 450)), "JPEG")))  # fmt: skip
    return tianlong, maiji, first, second


def test_another_company_cannot_open_a_case_or_its_files(client, users, two_cases):
    tianlong, _maiji, first, _second = two_cases
    client.force_login(users["maiji_hq"])
    assert client.get(f"/api/v1/evidence/files/{tianlong.reference}", secure=True).status_code == 404
    assert client.get(f"/evidence/{tianlong.reference}/", secure=True).status_code == 404
    for path in (f"/api/v1/evidence/items/{first.pk}/original", f"/api/v1/evidence/items/{first.pk}/thumbnail",
                 f"/evidence/items/{first.pk}/original/", f"/evidence/items/{first.pk}/preview/"):  # fmt: skip
        assert client.get(path, secure=True).status_code == 404, path
    listed = [f["reference"] for f in client.get("/api/v1/evidence/files", secure=True).json()]
    assert tianlong.reference not in listed


def test_the_other_company_learns_a_match_exists_but_not_where(client, users, two_cases):
    tianlong, maiji, _first, second = two_cases
    client.force_login(users["maiji_adj1"])
    detail = client.get(f"/api/v1/evidence/files/{maiji.reference}", secure=True).json()
    reuse = next(item for item in detail["items"] if item["id"] == second.pk)["reuse"]
    assert len(reuse) == 1
    assert reuse[0]["other_reference"] is None
    page = client.get(f"/evidence/{maiji.reference}/", secure=True).content.decode()
    assert "另一份证据档案" in page
    assert "反欺诈委员会可以看到两份档案" in page
    assert tianlong.reference not in page
    assert "case T" not in page


def test_the_antifraud_committee_sees_both_cases(client, users, two_cases):
    tianlong, maiji, _first, _second = two_cases
    client.force_login(users["antifraud"])
    page = client.get("/evidence/reuse/", secure=True).content.decode()
    assert tianlong.reference in page
    assert maiji.reference in page
    detail = client.get(f"/api/v1/evidence/files/{maiji.reference}", secure=True).json()
    assert any(m["other_reference"] == tianlong.reference for item in detail["items"] for m in item["reuse"])


def test_issue_14_the_committee_sees_the_verification_beside_both_photos(client, users, two_cases):
    """A signal, not a verdict: the list shows the distance, the matched points, the overlap and the agreement, and
    a picture of both photos side by side with the matched points drawn, for a person to judge."""
    _tianlong, _maiji, first, second = two_cases
    match = ReuseMatch.objects.get(item=min(first, second, key=lambda item: item.pk))
    client.force_login(users["antifraud"])
    page = client.get("/evidence/reuse/", secure=True).content.decode()
    assert f"/evidence/reuse/{match.pk}/picture/" in page
    assert f"<dd>{match.inliers}</dd>" in page
    assert f"{round(match.overlap * 100)}%" in page
    assert f"{match.distance} / 64 位" in page
    assert "仅供人工研判，不作定论" in page
    assert "匹配点数" in page
    assert "重叠" in page
    assert "内容一致度" in page
    picture = client.get(f"/evidence/reuse/{match.pk}/picture/", secure=True)
    assert picture.status_code == 200
    assert picture["Content-Type"] == "image/jpeg"
    drawn = Image.open(io.BytesIO(picture.content))
    assert drawn.height == 240
    assert drawn.width > 2 * 240


def test_issue_14_a_repeating_pattern_reused_is_found_by_the_whole_picture_and_shown_so(client, users):
    """Tiles photographed once and re-used cropped in another company's case: the keypoints all look alike, so the
    pair is aligned as a whole; the committee is told so instead of a count of matched points."""
    cells = (np.indices((900, 900)) * 12 // 900).sum(axis=0) % 2
    tiles = Image.fromarray((cells * 200 + 30).astype(np.uint8)).convert("RGB")
    tianlong = services.evidence_file_create(user=users["tianlong_adj1"], title="tiles T")
    maiji = services.evidence_file_create(user=users["maiji_adj1"], title="tiles M")
    first = services.evidence_item_upload(user=users["tianlong_adj1"], evidence_file=tianlong, slot_code="front_panorama",
                                          party="", upload=SimpleUploadedFile("t.jpg", encode(tiles, "JPEG")))  # fmt: skip
    second = services.evidence_item_upload(user=users["maiji_adj1"], evidence_file=maiji, slot_code="front_panorama",
                                           party="", upload=SimpleUploadedFile("m.jpg", encode(tiles.crop((60, 40, 825, 805)).rotate(9), "JPEG")))  # fmt: skip
    match = ReuseMatch.objects.get(item=min(first, second, key=lambda item: item.pk))
    assert match.inliers == 0
    client.force_login(users["antifraud"])
    page = client.get("/evidence/reuse/", secure=True).content.decode()
    assert 'data-testid="reuse-dense"' in page
    assert "整幅图对齐" in page


def test_issue_14_only_the_committee_gets_the_picture_of_a_signal(client, users, two_cases):
    match = ReuseMatch.objects.filter(item=two_cases[2]).get()
    for username in ("tianlong_hq", "maiji_adj1", "ln_assoc", "driver_ln"):
        client.force_login(users[username])
        assert client.get(f"/evidence/reuse/{match.pk}/picture/", secure=True).status_code == 403, username
    client.force_login(users["antifraud"])
    assert client.get("/evidence/reuse/999999/picture/", secure=True).status_code == 404


def test_others_do_not_get_the_committee_list(client, users):
    for username in ("tianlong_hq", "ln_assoc", "driver_ln"):
        client.force_login(users[username])
        assert client.get("/evidence/reuse/", secure=True).status_code == 403


def test_the_original_is_a_download_byte_for_byte_never_shown_inline(client, users, two_cases):
    _tianlong, _maiji, first, _second = two_cases
    client.force_login(users["tianlong_hq"])
    response = client.get(f"/api/v1/evidence/items/{first.pk}/original", secure=True)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"
    assert "sandbox" in response["Content-Security-Policy"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xff\xd8")
    assert len(body) == first.stored.size
    thumbnail = client.get(f"/api/v1/evidence/items/{first.pk}/thumbnail", secure=True)
    assert thumbnail["Content-Type"] == "image/jpeg"


def test_upload_through_the_api_with_a_retry_key(client, users):
    client.force_login(users["tianlong_adj1"])
    created = client.post("/api/v1/evidence/files", data={"title": "API", "latitude": 33.395, "longitude": 104.923, "crs": "gcj02"},
                          content_type="application/json", secure=True)  # fmt: skip
    assert created.status_code == 201
    reference = created.json()["reference"]
    assert set(created.json()["missing_required"]) == {"front_panorama", "rear_panorama", "collision_point"}
    data = jpeg_with_exif(datetime(2024, 6, 1, 14, 0), 33.3947, 104.9199)

    def send():
        return client.post(f"/api/v1/evidence/files/{reference}/items", data={"slot": "rear_panorama", "file": SimpleUploadedFile("r.jpg", data)},
                           secure=True, HTTP_IDEMPOTENCY_KEY="phone-retry-7")  # fmt: skip

    first, second = send(), send()
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    detail = client.get(f"/api/v1/evidence/files/{reference}", secure=True).json()
    assert len(detail["items"]) == 1
    assert "rear_panorama" not in detail["missing_required"]


def test_a_refused_upload_through_the_api_says_why_in_both_languages(client, users):
    client.force_login(users["tianlong_adj1"])
    reference = services.evidence_file_create(user=users["tianlong_adj1"]).reference
    response = client.post(f"/api/v1/evidence/files/{reference}/items",
                           data={"slot": "front_panorama", "file": SimpleUploadedFile("x.jpg", b"<html>not a photo</html>")},
                           secure=True)  # fmt: skip
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unsupported_type"
    assert error["zh"]
    assert error["en"]


def test_read_only_roles_cannot_create_or_upload(client, users):
    client.force_login(users["antifraud"])
    assert (
        client.post("/api/v1/evidence/files", data={}, content_type="application/json", secure=True).status_code == 403
    )
    client.force_login(users["ln_assoc"])
    assert client.get("/evidence/", secure=True).status_code == 403
