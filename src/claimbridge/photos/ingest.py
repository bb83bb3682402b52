"""One uploaded file, start to finish, without Django: what it is, its hash, whether it is acceptable, and for an
image its metadata, perceptual hashes and thumbnail. Nothing here writes anywhere; the caller stores what it keeps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from claimbridge.photos import trailers
from claimbridge.photos.errors import RejectedFile, corrupt, data_after_end, not_evidence, polyglot
from claimbridge.photos.exif import PhotoMetadata
from claimbridge.photos.filetypes import HEAD_BYTES, JPEG, ByteStream, FileType, sniff
from claimbridge.photos.hashing import reuse_hashes
from claimbridge.photos.images import THUMBNAIL_SIZE, inspect_image, render_jpeg
from claimbridge.photos.scan import FOUND_NAMES, Scan, scan_chunks
from claimbridge.photos.verify import record_of
from claimbridge.photos.video import inspect_video

CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 200 * 1024 * 1024
    max_pixels: int = 60_000_000
    max_video_seconds: float = 120.0


@dataclass(frozen=True, slots=True)
class Ingested:
    file_type: FileType
    sha256: str
    size: int
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    metadata: PhotoMetadata | None = None
    hashes: tuple[int, ...] = ()  # canonical perceptual hash first, then the query's views (issue 14)
    crop_hashes: tuple[int, ...] = ()  # the 85 % crops, stored in the index beside the canonical hash
    verification: bytes | None = None  # verify.Record.to_bytes(): what the verification stage needs
    thumbnail: bytes | None = None


def _chunks(stream: ByteStream) -> Iterator[bytes]:
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        yield chunk


def _check_end(stream: ByteStream, file_type: FileType, scan: Scan, limits: Limits) -> None:
    """Nothing after the image but what cameras write (decision 0008): the walk of `scan` explains MPF images and
    zero padding; after a JPEG, a motion photo's video or a Samsung trailer may end the file."""
    if scan.broken is not None:
        raise corrupt(*scan.broken)
    if scan.image_end is None or scan.image_end >= scan.size:
        return
    if file_type == JPEG and trailers.explained(stream, start=scan.image_end, padding=scan.padding, size=scan.size,
                                                max_video_seconds=limits.max_video_seconds):  # fmt: skip
        return
    raise data_after_end()


def ingest(stream: ByteStream, limits: Limits, *, with_hashes: bool = True) -> Ingested:
    """Checks in the order that refuses bad files cheapest first; raises RejectedFile with the reason."""
    stream.seek(0)
    file_type = sniff(stream.read(HEAD_BYTES))
    if file_type is None:
        raise not_evidence()
    scan = scan_chunks(_chunks(stream), file_type)
    if scan.size > limits.max_bytes:
        raise RejectedFile("too_large", f"文件过大（上限 {limits.max_bytes // 1048576} MB）",
                           f"The file is too large (the limit is {limits.max_bytes // 1048576} MB)")  # fmt: skip
    if scan.foreign_content:
        raise polyglot(*FOUND_NAMES[scan.foreign_content], scan.foreign_marker)
    _check_end(stream, file_type, scan, limits)
    if file_type.kind == "video":
        facts = inspect_video(stream, scan.size, max_seconds=limits.max_video_seconds)
        return Ingested(file_type, scan.sha256, scan.size, duration_seconds=facts.duration_seconds)
    stream.seek(0)
    image = inspect_image(stream, file_type, max_pixels=limits.max_pixels)
    if not with_hashes:
        return Ingested(file_type, scan.sha256, scan.size, image.width, image.height, metadata=image.metadata,
                        thumbnail=render_jpeg(image.working, THUMBNAIL_SIZE))  # fmt: skip
    hashes = reuse_hashes(image.working)
    return Ingested(
        file_type, scan.sha256, scan.size, image.width, image.height, metadata=image.metadata,
        hashes=hashes.views, crop_hashes=hashes.crops,
        verification=record_of(image.working).to_bytes(), thumbnail=render_jpeg(image.working, THUMBNAIL_SIZE),
    )  # fmt: skip
