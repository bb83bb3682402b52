"""What a file is, decided from its first bytes, never from its name (R10)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class ByteStream(Protocol):
    """Anything read from and rewound: an open file, BytesIO, or a Django upload."""

    def read(self, size: int = -1, /) -> bytes: ...

    def seek(self, offset: int, whence: int = 0, /) -> int: ...


HEAD_BYTES = 64

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_MP4_BRANDS = {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"MSNV", b"dash",
               b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"f4v "}  # fmt: skip
_QUICKTIME_BRANDS = {b"qt  "}
_QUICKTIME_FIRST_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}  # old QuickTime files have no ftyp


@dataclass(frozen=True, slots=True)
class FileType:
    kind: str  # "image" or "video"
    mime: str
    extension: str


JPEG = FileType("image", "image/jpeg", "jpg")
PNG = FileType("image", "image/png", "png")
WEBP = FileType("image", "image/webp", "webp")
HEIC = FileType("image", "image/heic", "heic")
MP4 = FileType("video", "video/mp4", "mp4")
QUICKTIME = FileType("video", "video/quicktime", "mov")


def _brands(head: bytes) -> set[bytes]:
    size = int.from_bytes(head[0:4], "big")
    end = min(size, len(head)) if size >= 16 else len(head)
    return {head[8:12]} | {head[offset : offset + 4] for offset in range(16, end - 3, 4)}


def sniff(head: bytes) -> FileType | None:
    """The type of a file from its first `HEAD_BYTES` bytes, or None for anything that is not accepted evidence."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[0:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":
        brands = _brands(head)
        major = head[8:12]
        if major in _HEIF_BRANDS or (major not in _MP4_BRANDS | _QUICKTIME_BRANDS and brands & _HEIF_BRANDS):
            return HEIC
        if major in _QUICKTIME_BRANDS:
            return QUICKTIME
        if major in _MP4_BRANDS or brands & _MP4_BRANDS:
            return MP4
        return None
    if head[4:8] in _QUICKTIME_FIRST_ATOMS and int.from_bytes(head[0:4], "big") >= 8:
        return QUICKTIME
    return None
