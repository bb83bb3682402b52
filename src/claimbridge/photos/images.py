"""Opening an uploaded image safely: the right format, not a decompression bomb, fully decodable; and what the
browser is shown instead of the original (re-encoded, metadata stripped, orientation applied)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO, cast

import pillow_heif
from PIL import Image, ImageFile, ImageOps

from claimbridge.photos.errors import RejectedFile, corrupt
from claimbridge.photos.exif import PhotoMetadata, read_metadata
from claimbridge.photos.filetypes import ByteStream, FileType

pillow_heif.register_heif_opener()
ImageFile.LOAD_TRUNCATED_IMAGES = False  # a truncated upload is refused, never silently padded with grey

_PILLOW_FORMATS = {"image/jpeg": {"JPEG", "MPO"}, "image/png": {"PNG"}, "image/webp": {"WEBP"}, "image/heic": {"HEIF"}}
WORKING_SIZE = 320  # the decoded copy kept for hashing and the thumbnail: decoding smaller is most of the speed
THUMBNAIL_SIZE = 320
PREVIEW_SIZE = 1280


@dataclass(frozen=True, slots=True)
class InspectedImage:
    width: int
    height: int
    metadata: PhotoMetadata
    working: Image.Image  # RGB, upright, at least WORKING_SIZE on its shorter side where the original allows


def _too_many_pixels(max_pixels: int, width: int | None = None, height: int | None = None) -> RejectedFile:
    size_zh = f"（{width}×{height}）" if width else ""
    size_en = f" ({width}×{height})" if width else ""
    return RejectedFile(
        "too_many_pixels",
        f"图片像素过多{size_zh}，上限为 {max_pixels // 1_000_000} 百万像素",
        f"The image has too many pixels{size_en}; the limit is {max_pixels // 1_000_000} megapixels",
    )


def inspect_image(
    stream: ByteStream, file_type: FileType, *, max_pixels: int, working_size: int = WORKING_SIZE
) -> InspectedImage:
    try:
        image = Image.open(cast(IO[bytes], stream))
    except Image.DecompressionBombError:
        raise _too_many_pixels(max_pixels) from None
    except Exception:
        raise corrupt() from None
    if image.format not in _PILLOW_FORMATS[file_type.mime]:
        raise corrupt("（内容与文件类型不符）", " (its content does not match its type)")
    width, height = image.size
    if width * height > max_pixels:
        raise _too_many_pixels(max_pixels, width, height)
    metadata = read_metadata(image)
    try:
        if image.format in {"JPEG", "MPO"}:
            image.draft("RGB", (working_size, working_size))  # DCT scaling: decode at 1/2, 1/4 or 1/8 size
        image.load()
        upright = ImageOps.exif_transpose(image) or image
        working = upright.convert("RGB")
        working.thumbnail((working_size * 4, working_size * 4))  # bounds memory for formats without draft mode
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise corrupt() from None
    return InspectedImage(width, height, metadata, working)


def render_jpeg(image: Image.Image, longest_side: int, *, quality: int = 82) -> bytes:
    """A display copy: resized, RGB, re-encoded with no EXIF or other metadata."""
    copy = image.copy()
    copy.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    copy.convert("RGB").save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def preview_image(stream: ByteStream, *, max_pixels: int) -> bytes:
    """The larger display copy, decoded at the size it needs (done in the background after upload)."""
    image = Image.open(cast(IO[bytes], stream))
    if image.size[0] * image.size[1] > max_pixels:
        raise corrupt()
    if image.format in {"JPEG", "MPO"}:
        image.draft("RGB", (PREVIEW_SIZE, PREVIEW_SIZE))
    image.load()
    upright = ImageOps.exif_transpose(image) or image
    return render_jpeg(upright, PREVIEW_SIZE)
