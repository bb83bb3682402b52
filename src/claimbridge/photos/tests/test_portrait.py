"""The photo on an adjuster's card (R6), decided by the photos kernel (issue 12, finding 4): the same gate as scene
evidence (type from the bytes, polyglots, decompression bombs, truncation), then a 600 × 800 JPEG with no metadata."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import datetime

import pytest
from PIL import Image

from claimbridge.photos.errors import RejectedFile
from claimbridge.photos.portrait import PORTRAIT_SIZE, PortraitLimits, portrait_jpeg
from claimbridge.photos.tests.samples import encode, jpeg_with_exif, minimal_mp4, scene


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture: a decompression bomb's calling card."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    data = zlib.compress(b"\x00" * 64)
    idat = struct.pack(">I", len(data)) + b"IDAT" + data + struct.pack(">I", zlib.crc32(b"IDAT" + data))
    return b"\x89PNG\r\n\x1a\n" + chunk + idat + b"\x00\x00\x00\x00IEND\xaeB`\x82"


def _refused(data: bytes, limits: PortraitLimits | None = None) -> RejectedFile:
    with pytest.raises(RejectedFile) as caught:
        portrait_jpeg(io.BytesIO(data), limits or PortraitLimits())
    assert caught.value.zh
    assert caught.value.en
    return caught.value


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_issue_12_r6_each_photo_format_becomes_a_600_by_800_jpeg(fmt):
    """Issue 12 finding 4 (R6): whatever the phone took, the card gets one size and one format."""
    result = portrait_jpeg(io.BytesIO(encode(scene(900, 1200), fmt)), PortraitLimits())
    assert result.startswith(b"\xff\xd8\xff")
    with Image.open(io.BytesIO(result)) as portrait:
        assert portrait.format == "JPEG"
        assert portrait.size == PORTRAIT_SIZE == (600, 800)


def test_issue_12_b8_the_portrait_keeps_no_metadata():
    """Issue 12 finding 4 (B8): the camera's time, model and GPS position do not reach the card or storage."""
    original = jpeg_with_exif(datetime(2026, 10, 1, 9, 0), 33.39, 104.92, size=(1200, 1600))
    assert b"Exif" in original
    result = portrait_jpeg(io.BytesIO(original), PortraitLimits())
    with Image.open(io.BytesIO(result)) as portrait:
        assert not portrait.getexif()
        assert "icc_profile" not in portrait.info
    assert b"Exif" not in result
    assert b"TestPhone" not in result


def test_issue_12_the_orientation_is_applied_before_cropping():
    """A phone's sideways-stored portrait (EXIF orientation 6: turn 90° clockwise to show) comes out upright."""
    stored = Image.new("RGB", (1200, 900), (220, 0, 0))
    stored.paste((0, 0, 220), (600, 0, 1200, 900))  # stored: red left, blue right; shown: red on top, blue below
    exif = Image.Exif()
    exif[0x0112] = 6
    result = portrait_jpeg(io.BytesIO(encode(stored, "JPEG", exif=exif.tobytes())), PortraitLimits())
    with Image.open(io.BytesIO(result)) as portrait:
        top, bottom = portrait.getpixel((150, 100)), portrait.getpixel((150, 700))
    assert top[0] > 150 > top[2]
    assert bottom[2] > 150 > bottom[0]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"%PDF-1.7\n1 0 obj<<>>endobj", "unsupported_type"),
        (b"<html><script>alert(1)</script></html>", "unsupported_type"),
        (b"GIF89a" + bytes(100), "unsupported_type"),
        (b"", "unsupported_type"),
        (minimal_mp4(), "not_a_photo"),
        (_png_claiming(30000, 30000), "too_many_pixels"),
        (encode(scene(900, 1200), "JPEG")[:-3000], "corrupt"),
        (b"\xff\xd8\xff\xe0" + bytes(200), "corrupt"),
        (encode(scene(900, 1200), "JPEG") + b"<script>alert(document.cookie)</script>", "polyglot"),
        (encode(scene(900, 1200), "PNG") + b"%PDF-1.4\n", "polyglot"),
        (encode(scene(120, 160), "JPEG"), "photo_too_small"),
    ],
    ids=["pdf", "html", "gif", "empty", "video", "bomb", "truncated", "header-only", "jpeg+script", "png+pdf", "tiny"],
)
def test_issue_12_a_bad_portrait_is_refused_with_the_reason(data, code):
    """Issue 12 finding 4 (R6, B8): the same refusals as scene evidence, in both languages."""
    assert _refused(data).code == code


def test_issue_12_a_portrait_over_the_size_limit_is_refused():
    assert _refused(encode(scene(900, 1200), "PNG"), PortraitLimits(max_bytes=1000)).code == "too_large"


def test_issue_12_a_portrait_over_the_pixel_limit_is_refused_before_decoding():
    assert _refused(encode(scene(900, 1200), "JPEG"), PortraitLimits(max_pixels=500_000)).code == "too_many_pixels"


def test_issue_12_the_portrait_module_is_framework_free():
    """Issue 12 finding 4: the decision lives in the kernel; it imports nothing of Django."""
    import ast
    from pathlib import Path

    import claimbridge.photos.portrait as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.startswith("django") for name in imported)
    assert not any(name.startswith("claimbridge.") and not name.startswith("claimbridge.photos") for name in imported)
