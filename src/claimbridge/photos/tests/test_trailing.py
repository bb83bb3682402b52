"""Nothing hidden in or after an image (issue 12, finding 9; R10, B4): more polyglot markers, and data after the
image's end refused, while what real cameras and phones write after a JPEG still passes (decision 0008)."""

from __future__ import annotations

import gzip
import io
import random
import struct

import pytest

from claimbridge.photos.errors import RejectedFile
from claimbridge.photos.ingest import Limits, ingest
from claimbridge.photos.scan import _gzip_at
from claimbridge.photos.tests.samples import CAR_PHOTOS, EXIF_SAMPLES, encode, minimal_mp4, scene

LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_pixels=20_000_000, max_video_seconds=60)


def _refused(data: bytes) -> RejectedFile:
    with pytest.raises(RejectedFile) as caught:
        ingest(io.BytesIO(data), LIMITS)
    assert caught.value.zh
    assert caught.value.en
    return caught.value


def _jpeg(seed: int = 0) -> bytes:
    return encode(scene(seed=seed), "JPEG", quality=85)


def _with_comment(jpeg: bytes, text: bytes) -> bytes:
    """The payload inside the image, in a COM segment: no data after the end, so only the marker scan sees it."""
    segment = b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text
    return jpeg[:2] + segment + jpeg[2:]


def _utf16(text: str, order: str) -> bytes:
    return text.encode(f"utf-16-{order}")


MARKERS = {
    "body onload": b"<body onload=alert(document.cookie)>",
    "img onerror": b'<img src="x" onerror="fetch(\'//evil\')">',
    "img/onerror without spaces": b"<IMG/SRC=x/ONERROR=alert(1)>",
    "svg onload, upper case": b"<SVG/ONLOAD=alert(1)>",
    "object": b'<object data="//evil/x.swf"></object>',
    "embed": b'<EMBED src="//evil/x.swf">',
    "rar4": b"Rar!\x1a\x07\x00" + bytes(40),
    "rar5": b"Rar!\x1a\x07\x01\x00" + bytes(40),
    "7z": b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(40),
    "gzip": gzip.compress(b"<b>a hidden page</b>" * 20, mtime=0),
    "utf-16le script": _utf16("<script>alert(1)</script>", "le"),
    "utf-16be script": _utf16("<script>alert(1)</script>", "be"),
    "xhtml x:script": b'<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>',
}


@pytest.mark.parametrize("name", list(MARKERS))
def test_a_jpeg_followed_by_foreign_content_is_refused_as_a_polyglot(name):
    """Issue 12 finding 9 (R10): each of these after a JPEG was accepted as an image."""
    error = _refused(_jpeg() + MARKERS[name])
    assert error.code == "polyglot"
    assert "已拒收" in error.zh
    assert "refused" in error.en


@pytest.mark.parametrize("name", list(MARKERS))
def test_the_same_content_inside_the_image_is_found_too(name):
    """Issue 12 finding 9: the marker scan covers every byte, not only what follows the end marker."""
    assert _refused(_with_comment(_jpeg(1), MARKERS[name])).code == "polyglot"


@pytest.mark.parametrize(
    "text",
    [b"Photo taken on location, lens 24mm", b"<b>bold</b> text online = yes", b"x<y and y>z; onion=3",
     b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description GCamera:MotionPhoto="1"/></x:xmpmeta>'],
)  # fmt: skip
def test_ordinary_text_and_xmp_in_an_image_are_not_markers(text):
    ingest(io.BytesIO(_with_comment(_jpeg(2), text)), LIMITS)


def _png() -> bytes:
    return encode(scene(seed=4), "PNG")


def _heic() -> bytes:
    return encode(scene(seed=5), "HEIF")


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (_jpeg() + b"hidden payload, no markup at all, after EOI", "jpeg + text"),
        (_jpeg() + bytes(range(1, 200)), "jpeg + binary"),
        (_jpeg() + bytes(64) + b"payload after zero padding", "jpeg + padding + text"),
        (_jpeg() + b"\xff\xd8\xff\xe0 not really a second image", "jpeg + broken second stream"),
        (_jpeg() + minimal_mp4() + b"rubbish after the video", "jpeg + video + rubbish"),
        (_png() + b"payload after IEND", "png + text"),
        (encode(scene(seed=6), "WEBP") + b"payload beyond the RIFF size", "webp + text"),
        (_heic() + b"\x00\x01\x02\x03\xfe\xfe payload after the last box", "heic + binary"),
        (_heic() + bytes(16) + b"\x01payload after zero padding", "heic + padding + text"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_data_after_the_image_is_refused_with_its_own_code(data, what):
    """Issue 12 finding 9 (R10): bytes after the image's end that no camera writes are refused."""
    error = _refused(data)
    assert error.code == "data_after_end", what
    assert "图像结束之后" in error.zh
    assert "after the end of the image" in error.en


def test_a_video_trailer_without_a_movie_header_is_not_a_motion_photo():
    video = minimal_mp4()
    without_moov = video[:32] + video[video.index(b"mdat") - 4 :]
    assert _refused(_jpeg() + without_moov).code == "data_after_end"


def test_a_jpeg_that_never_ends_is_refused_as_cut_short():
    jpeg = _jpeg()
    assert _refused(jpeg[:-2]).code == "corrupt"  # everything but the EOI marker


def _mpo() -> bytes:
    buffer = io.BytesIO()
    scene(seed=7).save(buffer, "MPO", save_all=True, append_images=[scene(seed=8)])
    return buffer.getvalue()


def samsung_trailer(blocks: list[tuple[int, bytes, bytes]]) -> bytes:
    """Samsung's SEF trailer as its phones write it: named blocks, then the SEFH directory, its length, "SEFT"."""
    data = b""
    offsets = []
    for marker, name, payload in blocks:
        offsets.append((marker, len(data)))
        data += b"\x00\x00" + marker.to_bytes(2, "little") + len(name).to_bytes(4, "little") + name + payload
    directory = b"SEFH" + (106).to_bytes(4, "little") + len(blocks).to_bytes(4, "little")
    ends = [start for _marker, start in offsets[1:]] + [len(data)]
    for (marker, start), end in zip(offsets, ends, strict=True):
        directory += b"\x00\x00" + marker.to_bytes(2, "little") + struct.pack("<II", len(data) - start, end - start)
    return data + directory + len(directory).to_bytes(4, "little") + b"SEFT"


CAMERA_OUTPUT = {
    "multi-picture (MPF)": _mpo(),
    "zero padding": _jpeg() + bytes(4096),
    "motion photo (MP4 appended)": _jpeg() + minimal_mp4(3.0),
    "motion photo (QuickTime appended)": _jpeg() + minimal_mp4(3.0, brand=b"qt  "),
    "MPF, then padding, then a motion photo": _mpo() + bytes(7) + minimal_mp4(2.0),
    "Samsung motion photo": _jpeg() + samsung_trailer([(0x0A30, b"MotionPhoto_Data", minimal_mp4(3.0))]),
    "Samsung trailer with two blocks": _jpeg()
    + samsung_trailer([(0x0A01, b"Image_UTC_Data", b"1717223400000"), (0x0A30, b"MotionPhoto_Data", minimal_mp4())]),
    "PNG": _png(),
    "HEIC with zero padding": _heic() + bytes(32),
}


@pytest.mark.parametrize("name", list(CAMERA_OUTPUT))
def test_what_cameras_write_after_a_jpeg_still_passes(name):
    """Issue 12 finding 9, decision 0008: MPF images, zero padding and motion-photo trailers are real camera output."""
    result = ingest(io.BytesIO(CAMERA_OUTPUT[name]), LIMITS)
    assert result.file_type.kind == "image"
    assert result.width == 640


@pytest.mark.parametrize(
    "trailer",
    [
        samsung_trailer([(0x0A30, b"MotionPhoto_Data", minimal_mp4())])[:-9] + b"X" + b"\x00\x00\x00\x00SEFT",
        b"junk" + samsung_trailer([(0x0A30, b"MotionPhoto_Data", minimal_mp4())]),
        samsung_trailer([(0x0A30, b"Motion\x01Photo", b"payload")]),
    ],
    ids=["bad directory", "gap before the blocks", "unprintable block name"],
)
def test_a_malformed_samsung_trailer_is_refused(trailer):
    assert _refused(_jpeg() + trailer).code == "data_after_end"


def test_every_real_sample_photo_is_still_accepted():
    """Issue 12 finding 9: the stricter checks refuse none of the real camera and phone photos we hold."""
    photos = sorted(CAR_PHOTOS.glob("*.jpg")) + sorted(EXIF_SAMPLES.glob("*.jpg"))
    assert len(photos) >= 30
    for path in photos:
        ingest(io.BytesIO(path.read_bytes()), Limits())


def test_random_bytes_after_a_gzip_signature_are_not_taken_for_a_gzip_stream():
    """A three-byte signature turns up in large photos by chance; only a valid header whose deflate data decodes
    counts, so compressed image data does not trip it."""
    generator = random.Random(12)
    false_alarms = 0
    for _ in range(3000):
        header = b"\x1f\x8b\x08" + bytes([generator.choice([0, 1, 8, 16])]) + bytes(4) + bytes([0, 3])
        blob = header + b"name\x00" + generator.randbytes(1100)
        false_alarms += bool(_gzip_at(blob, 0, final=True))
    assert false_alarms <= 3
    assert _gzip_at(gzip.compress(b"hello" * 50), 0, final=True)
