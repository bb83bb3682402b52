"""Reused photos are found, however they were disguised; different photos are not confused (R11, R20)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from PIL import Image, ImageEnhance, ImageOps

from claimbridge.photos.dedupe import dedupe_directory
from claimbridge.photos.hashing import NEAR_DUPLICATE_DISTANCE, pair_distance, variant_hashes
from claimbridge.photos.tests.samples import CAR_PHOTOS, EXIF_SAMPLES, encode


def expected_groups() -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    with (CAR_PHOTOS / "MANIFEST.csv").open() as manifest:
        for row in csv.DictReader(manifest):
            if row["relation"] != "unique":
                groups.setdefault(row["group"], []).append(row["file"])
    return sorted((sorted(group) for group in groups.values()), key=lambda group: group[0])


def test_every_variant_and_identical_pair_is_grouped_with_its_source_and_nothing_else():
    """The acceptance set: 7 augmented groups (flips included), 3 byte-identical pairs, 3 unique photos."""
    found = dedupe_directory(CAR_PHOTOS)["groups"]
    assert found == expected_groups()
    assert len(found) == 10


def test_files_are_found_by_content_whatever_their_names(tmp_path):
    source = (CAR_PHOTOS / "minor_84_jpg.rf.572331db23d55d819780a1f1dddff6b0.jpg").read_bytes()
    (tmp_path / "evidence-1.bin").write_bytes(source)
    (tmp_path / "IMG_0001").write_bytes(source)
    (tmp_path / "notes.txt").write_text("not a photo")
    assert dedupe_directory(tmp_path) == {"groups": [["IMG_0001", "evidence-1.bin"]]}


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    return Image.open(io.BytesIO(encode(image.convert("RGB"), "JPEG", quality=quality)))


DISGUISES = {
    "half size": lambda i: i.resize((i.width // 2, i.height // 2)),
    "quality 20": lambda i: _jpeg(i, 20),
    "5% cropped off every side": lambda i: i.crop(
        (i.width // 20, i.height // 20, i.width * 19 // 20, i.height * 19 // 20)
    ),
    "brighter": lambda i: ImageEnhance.Brightness(i).enhance(1.4),
    "darker": lambda i: ImageEnhance.Brightness(i).enhance(0.6),
    "mirrored": ImageOps.mirror,
    "mirrored and rotated 6°": lambda i: ImageOps.mirror(i).rotate(6),
}


@pytest.mark.parametrize("disguise", list(DISGUISES))
@pytest.mark.parametrize("photo", ["DSCN0010.jpg", "DSCN0012.jpg"])
def test_a_disguised_copy_stays_near(photo, disguise):
    original = Image.open(EXIF_SAMPLES / photo)
    assert (
        pair_distance(variant_hashes(original), variant_hashes(DISGUISES[disguise](original)))
        <= NEAR_DUPLICATE_DISTANCE
    )


def test_unrelated_photos_stay_apart():
    photos = sorted(CAR_PHOTOS.glob("*.jpg"))
    unique = [p for p in photos if p.name.startswith(("damage_7224", "damage_1026", "damage_4119"))]
    hashes = [variant_hashes(Image.open(p)) for p in [*unique, EXIF_SAMPLES / "DSCN0010.jpg"]]
    for i, a in enumerate(hashes):
        for b in hashes[i + 1 :]:
            assert pair_distance(a, b) > NEAR_DUPLICATE_DISTANCE


def test_the_command_line_prints_the_groups(capsys):
    from claimbridge.rules.cli import run

    status, document = run(["photos", "dedupe", str(CAR_PHOTOS)], None)
    assert status == 0
    assert document["groups"] == expected_groups()
    assert json.dumps(document)
