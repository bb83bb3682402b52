"""What a phone may write after a JPEG's last image, checked with a few seeks (decision 0008, "Data after the image").

Two trailers are explained, each only when it is well formed and ends exactly at the end of the file:

- a **motion photo** (Google's Motion Photo format, used by Pixel, Xiaomi, OPPO, vivo, Honor and others): a complete
  MP4/QuickTime video, its `ftyp` first, its top-level boxes tiling the rest of the file, with a movie header;
- a **Samsung trailer** (SEF, Samsung Extended Format: motion photos and camera-mode data): data blocks, each
  named, tiling the bytes up to a directory (`SEFH`), its length and `SEFT` at the very end.

Anything else after the image is refused by the caller. Nothing here decodes the video; `video.py` walks its boxes.
"""

from __future__ import annotations

from claimbridge.photos.errors import RejectedFile
from claimbridge.photos.filetypes import HEAD_BYTES, ByteStream, sniff
from claimbridge.photos.video import inspect_video

_SEF_MAX_ENTRIES = 256


def _read_at(stream: ByteStream, offset: int, size: int) -> bytes:
    stream.seek(offset)
    return stream.read(size)


def motion_video(stream: ByteStream, *, start: int, padding: int, size: int, max_seconds: float) -> bool:
    """A video from `start` (or up to 3 bytes before it, inside zero padding: a box size begins with zeros)."""
    for back in range(min(padding, 3) + 1):
        begin = start - back
        head = _read_at(stream, begin, HEAD_BYTES)
        found = sniff(head)
        if head[4:8] != b"ftyp" or found is None or found.kind != "video":
            continue
        try:
            inspect_video(stream, size, max_seconds=max_seconds, start=begin)
        except RejectedFile:
            return False
        return True
    return False


def samsung_trailer(stream: ByteStream, *, start: int, padding: int, size: int) -> bool:
    """Samsung's SEF trailer: [blocks][SEFH directory][directory length, little-endian]["SEFT"], blocks back to back
    from where the image ends (a block starts with two zero bytes, which may sit in the padding)."""
    if size - start < 8:
        return False
    tail = _read_at(stream, size - 8, 8)
    if tail[4:8] != b"SEFT":
        return False
    directory_size = int.from_bytes(tail[:4], "little")
    directory_at = size - 8 - directory_size
    if directory_size < 12 or directory_at < start - padding:
        return False
    directory = _read_at(stream, directory_at, directory_size)
    count = int.from_bytes(directory[8:12], "little")
    if directory[:4] != b"SEFH" or not 0 < count <= _SEF_MAX_ENTRIES or 12 + 12 * count > directory_size:
        return False
    blocks = []
    for index in range(count):
        entry = directory[12 + 12 * index : 24 + 12 * index]
        back, length = int.from_bytes(entry[4:8], "little"), int.from_bytes(entry[8:12], "little")
        blocks.append((directory_at - back, length, entry[2:4]))
    blocks.sort()
    first = blocks[0][0]
    if not start - padding <= first <= start:
        return False
    position = first
    for begin, length, kind in blocks:
        if begin != position or length < 8:
            return False
        head = _read_at(stream, begin, 8)
        name_size = int.from_bytes(head[4:8], "little")
        if head[:2] != b"\x00\x00" or head[2:4] != kind or 8 + name_size > length:
            return False
        name = _read_at(stream, begin + 8, name_size)
        if not all(32 < byte < 127 for byte in name):
            return False
        position = begin + length
    return position == directory_at


def explained(stream: ByteStream, *, start: int, padding: int, size: int, max_video_seconds: float) -> bool:
    """Whether the bytes from `start` to the end of the file are a trailer a phone writes."""
    return samsung_trailer(stream, start=start, padding=padding, size=size) or motion_video(
        stream, start=start, padding=padding, size=size, max_seconds=max_video_seconds
    )
