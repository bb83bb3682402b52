"""Type from bytes, and every kind of bad upload refused with a reason in both languages (R10, B4)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from claimbridge.photos.errors import RejectedFile
from claimbridge.photos.filetypes import sniff
from claimbridge.photos.ingest import Limits, ingest
from claimbridge.photos.tests.samples import encode, jpeg_with_exif, minimal_mp4, scene

LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_pixels=20_000_000, max_video_seconds=60)


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (encode(scene(), "JPEG"), "image/jpeg"),
        (encode(scene(), "PNG"), "image/png"),
        (encode(scene(), "WEBP"), "image/webp"),
        (encode(scene(), "HEIF"), "image/heic"),
        (minimal_mp4(), "video/mp4"),
        (minimal_mp4(brand=b"qt  "), "video/quicktime"),
    ],
)
def test_each_accepted_format_is_recognised_and_ingested(data, mime):
    assert sniff(data[:64]).mime == mime
    result = ingest(io.BytesIO(data), LIMITS)
    assert result.file_type.mime == mime
    assert len(result.sha256) == 64
    assert result.size == len(data)
    if mime.startswith("image/"):
        assert result.width == 640
        assert result.height == 480
        assert len(result.hashes) > 10
        assert result.thumbnail.startswith(b"\xff\xd8")
    else:
        assert result.duration_seconds == pytest.approx(5.0)


def test_the_name_means_nothing_a_png_called_jpg_is_a_png():
    assert ingest(io.BytesIO(encode(scene(), "PNG")), LIMITS).file_type.mime == "image/png"


def _refused(data: bytes, limits: Limits = LIMITS) -> RejectedFile:
    with pytest.raises(RejectedFile) as caught:
        ingest(io.BytesIO(data), limits)
    assert caught.value.zh
    assert caught.value.en
    return caught.value


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG claiming a huge size: a decompression bomb's calling card."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    data = zlib.compress(b"\x00" * 64)
    idat = struct.pack(">I", len(data)) + b"IDAT" + data + struct.pack(">I", zlib.crc32(b"IDAT" + data))
    return b"\x89PNG\r\n\x1a\n" + chunk + idat + b"\x00\x00\x00\x00IEND\xaeB`\x82"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"%PDF-1.7\n1 0 obj<<>>endobj", "unsupported_type"),
        (b"<html><script>alert(1)</script></html>", "unsupported_type"),
        (b"PK\x03\x04" + bytes(100), "unsupported_type"),
        (b"GIF89a" + bytes(100), "unsupported_type"),
        (b"", "unsupported_type"),
        (_png_header_only(30000, 30000), "too_many_pixels"),
        (encode(scene(), "JPEG")[:-3000], "corrupt"),
        (encode(scene(), "PNG")[:2000], "corrupt"),
        (b"\xff\xd8\xff\xe0" + bytes(200), "corrupt"),
        (encode(scene(), "JPEG") + b"<script>alert(document.cookie)</script>", "polyglot"),
        (
            encode(scene(), "JPEG").replace(b"JFIF", b"JFIF", 1)[:600]
            + b"<?php system($_GET['c']); ?>"
            + encode(scene(), "JPEG")[600:],
            "polyglot",
        ),
        (minimal_mp4()[:-100], "corrupt"),
        (minimal_mp4() + b"trailing rubbish", "corrupt"),
        (minimal_mp4(seconds=600), "video_too_long"),
    ],
    ids=[
        "pdf",
        "html",
        "zip",
        "gif",
        "empty",
        "bomb",
        "truncated-jpeg",
        "truncated-png",
        "jpeg-header-only",
        "jpeg+script",
        "jpeg+php",
        "truncated-mp4",
        "padded-mp4",
        "long-video",
    ],
)
def test_bad_files_are_refused_with_the_reason(data, code):
    assert _refused(data).code == code


def test_a_jpeg_with_a_zip_archive_appended_is_refused():
    archive = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("payload.html", "<b>hello</b>")
    assert _refused(encode(scene(), "JPEG") + archive.getvalue()).code == "polyglot"


def test_a_file_over_the_size_limit_is_refused():
    assert _refused(encode(scene(), "PNG"), Limits(max_bytes=1000)).code == "too_large"


def test_a_large_real_photo_is_not_mistaken_for_a_polyglot():
    for seed in range(6):
        ingest(io.BytesIO(jpeg_with_exif(None, None, None, seed=seed, size=(2400, 1800))), LIMITS)


def test_orientation_is_applied_to_the_thumbnail():
    image = scene(400, 200)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    result = ingest(io.BytesIO(encode(image, "JPEG", exif=exif.tobytes())), LIMITS)
    thumbnail = Image.open(io.BytesIO(result.thumbnail))
    assert thumbnail.height > thumbnail.width
    assert not thumbnail.getexif()  # metadata stripped
