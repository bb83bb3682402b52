"""Capture time and place against the report, in numbers, GCJ-02 handled (R10)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claimbridge.evidence import selectors, services
from claimbridge.photos.tests.samples import encode, jpeg_with_exif, scene
from claimbridge.rules.coordinates import gcj02_to_wgs84

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
SCENE_GCJ = (33.3950, 104.9230)  # a pin in 武都区 from a Chinese map


@pytest.fixture
def evidence_file(users):
    return services.evidence_file_create(
        user=users["tianlong_adj1"], accident_at=datetime(2024, 6, 1, 14, 30, tzinfo=SHANGHAI),
        latitude=SCENE_GCJ[0], longitude=SCENE_GCJ[1], crs="gcj02",
    )  # fmt: skip


def flags_for(users, evidence_file, data):
    item = services.evidence_item_upload(user=users["tianlong_adj1"], evidence_file=evidence_file, slot_code="collision_point",
                                          party="", upload=SimpleUploadedFile("p.jpg", data))  # fmt: skip
    return {flag.code: flag for flag in selectors.item_flags(item)}


def test_a_photo_taken_at_the_scene_minutes_later_raises_nothing(users, evidence_file):
    """The phone reports WGS-84; the scene pin was GCJ-02, ~500 m off until converted."""
    lat, lon = gcj02_to_wgs84(*SCENE_GCJ)
    assert flags_for(users, evidence_file, jpeg_with_exif(datetime(2024, 6, 1, 14, 36), lat, lon)) == {}


def test_without_conversion_the_same_photo_would_look_far_away(users, evidence_file, settings):
    settings.EVIDENCE_MAX_DISTANCE_KM = 0.2
    lat, lon = gcj02_to_wgs84(*SCENE_GCJ)
    assert flags_for(users, evidence_file, jpeg_with_exif(datetime(2024, 6, 1, 14, 36), lat, lon)) == {}
    evidence_file.accident_crs = "wgs84"  # the pin misread as GPS coordinates
    evidence_file.save()
    assert "far_from_scene" in flags_for(
        users, evidence_file, jpeg_with_exif(datetime(2024, 6, 1, 14, 36), lat, lon, seed=2)
    )


def test_a_photo_from_the_day_before_is_flagged_with_the_hours(users, evidence_file):
    lat, lon = gcj02_to_wgs84(*SCENE_GCJ)
    flags = flags_for(users, evidence_file, jpeg_with_exif(datetime(2024, 5, 31, 18, 0), lat, lon))
    assert flags["taken_before_accident"].severity == "warning"
    assert "20.5 hours" in flags["taken_before_accident"].en
    assert "20.5 小时" in flags["taken_before_accident"].zh


def test_a_photo_taken_in_another_county_is_flagged_with_the_distance(users, evidence_file):
    flags = flags_for(users, evidence_file, jpeg_with_exif(datetime(2024, 6, 1, 14, 40), 34.5809, 105.7242))  # 秦州区
    assert "far_from_scene" in flags
    assert " km from the reported accident place" in flags["far_from_scene"].en


def test_a_real_camera_file_from_italy_is_far_and_old(users, evidence_file):
    from claimbridge.photos.tests.samples import EXIF_SAMPLES

    flags = flags_for(users, evidence_file, (EXIF_SAMPLES / "DSCN0010.jpg").read_bytes())
    assert set(flags) == {"taken_before_accident", "far_from_scene"}


def test_missing_exif_is_noted_not_refused(users, evidence_file):
    flags = flags_for(users, evidence_file, encode(scene(seed=40), "PNG"))
    assert {code: flag.severity for code, flag in flags.items()} == {"no_capture_time": "note", "no_location": "note"}


def test_the_reported_place_is_placed_in_its_county(evidence_file):
    assert evidence_file.county is not None
    assert evidence_file.county.code == "621202"  # 武都区, from a GCJ-02 pin
