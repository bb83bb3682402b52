"""The photo on an adjuster's card (R6): through the same gate as scene evidence, then one size and one format.

The upload passes `ingest` (type from the first bytes, size, polyglot markers, decompression-bomb and truncation
checks, a full decode), so a portrait is refused for exactly the reasons a scene photo is, plus two of its own: a
video is not a photo, and a picture too small to print on a badge is refused rather than blown up. What is kept is a
600 × 800 JPEG, upright, cropped to the middle, with no EXIF, GPS, ICC profile or comment (B8). Pure: no Django,
nothing written anywhere; the caller stores the bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps

from claimbridge.photos.errors import RejectedFile
from claimbridge.photos.filetypes import ByteStream
from claimbridge.photos.images import inspect_image
from claimbridge.photos.ingest import Limits, ingest

PORTRAIT_SIZE = (600, 800)  # width × height: 3 : 4, printed at 20 × 26.7 mm on the card
MIN_SIZE = (150, 200)  # below this the face on the 20 mm wide badge photo would be a blur


@dataclass(frozen=True, slots=True)
class PortraitLimits:
    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 40_000_000


def not_a_photo() -> RejectedFile:
    return RejectedFile(
        "not_a_photo",
        "请上传照片（JPEG、PNG、HEIC 或 WebP），不能是视频",
        "Upload a photo (JPEG, PNG, HEIC or WebP), not a video",
    )


def too_small(width: int, height: int) -> RejectedFile:
    return RejectedFile(
        "photo_too_small",
        f"照片太小（{width}×{height}），至少需要 {MIN_SIZE[0]}×{MIN_SIZE[1]} 像素",
        f"The photo is too small ({width}×{height}); it needs at least {MIN_SIZE[0]}×{MIN_SIZE[1]} pixels",
    )


def portrait_jpeg(stream: ByteStream, limits: PortraitLimits) -> bytes:
    """The card's portrait as JPEG bytes, or RejectedFile with the reason in both languages."""
    checked = ingest(stream, Limits(max_bytes=limits.max_bytes, max_pixels=limits.max_pixels), with_hashes=False)
    if checked.file_type.kind != "image":
        raise not_a_photo()
    width, height = checked.width or 0, checked.height or 0
    if min(width, height) < MIN_SIZE[0] or max(width, height) < MIN_SIZE[1]:
        raise too_small(width, height)
    stream.seek(0)
    decoded = inspect_image(stream, checked.file_type, max_pixels=limits.max_pixels, working_size=max(PORTRAIT_SIZE))
    fitted = ImageOps.fit(decoded.working, PORTRAIT_SIZE, Image.Resampling.LANCZOS)
    clean = Image.new("RGB", PORTRAIT_SIZE)  # a new image carries none of the original's info (EXIF, ICC, comments)
    clean.paste(fitted)
    buffer = io.BytesIO()
    clean.save(buffer, "JPEG", quality=88, optimize=True)
    return buffer.getvalue()
