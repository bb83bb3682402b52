"""MP4 and QuickTime files checked by walking their box structure: complete, not padded, with a movie header.

No decoder is needed to know a video's length or to see that it was cut short: the top-level boxes must tile the
file exactly, and the `moov` box's `mvhd` gives the duration.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimbridge.photos.errors import RejectedFile, corrupt
from claimbridge.photos.filetypes import ByteStream

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"udta", b"edts"}


@dataclass(frozen=True, slots=True)
class VideoFacts:
    duration_seconds: float
    top_level_boxes: tuple[str, ...]


def _box_type_ok(kind: bytes) -> bool:
    return len(kind) == 4 and all(32 <= byte < 127 for byte in kind)


def _boxes(stream: ByteStream, start: int, end: int) -> list[tuple[bytes, int, int]]:
    """(type, payload start, box end) of each box between start and end; refuses anything that does not tile."""
    boxes = []
    position = start
    while position < end:
        stream.seek(position)
        header = stream.read(8)
        if len(header) < 8:
            raise corrupt("（视频结构不完整）", " (the video's structure is incomplete)")
        size, kind = int.from_bytes(header[:4], "big"), header[4:8]
        payload = position + 8
        if size == 1:
            large = stream.read(8)
            if len(large) < 8:
                raise corrupt("（视频结构不完整）", " (the video's structure is incomplete)")
            size, payload = int.from_bytes(large, "big"), position + 16
        elif size == 0:
            size = end - position
        if not _box_type_ok(kind) or size < payload - position or position + size > end:
            raise corrupt("（视频被截断或结构错误）", " (the video is cut short or malformed)")
        boxes.append((kind, payload, position + size))
        position += size
    return boxes


def _find(stream: ByteStream, boxes: list[tuple[bytes, int, int]], path: list[bytes]) -> tuple[int, int] | None:
    for kind, payload, end in boxes:
        if kind == path[0]:
            if len(path) == 1:
                return payload, end
            if kind in _CONTAINERS:
                return _find(stream, _boxes(stream, payload, end), path[1:])
    return None


def inspect_video(stream: ByteStream, size: int, *, max_seconds: float, start: int = 0) -> VideoFacts:
    """The video's facts; `start` > 0 for a video inside another file (a motion photo's, after the picture)."""
    top = _boxes(stream, start, size)
    header = _find(stream, top, [b"moov", b"mvhd"])
    if header is None:
        raise corrupt("（缺少影片头）", " (no movie header)")
    payload, end = header
    stream.seek(payload)
    data = stream.read(min(end - payload, 32))
    version = data[0] if data else 255
    if version == 0 and len(data) >= 20:
        timescale, duration = int.from_bytes(data[12:16], "big"), int.from_bytes(data[16:20], "big")
    elif version == 1 and len(data) >= 32:
        timescale, duration = int.from_bytes(data[20:24], "big"), int.from_bytes(data[24:32], "big")
    else:
        raise corrupt("（影片头无法读取）", " (the movie header cannot be read)")
    if timescale == 0:
        raise corrupt("（影片头无效）", " (the movie header is invalid)")
    seconds = duration / timescale
    if seconds > max_seconds:
        raise RejectedFile(
            "video_too_long",
            f"视频时长 {seconds:.0f} 秒，超过 {max_seconds:.0f} 秒的上限",
            f"The video lasts {seconds:.0f} s, longer than the {max_seconds:.0f} s allowed",
        )
    return VideoFacts(seconds, tuple(kind.decode("latin-1") for kind, _payload, _end in top))
