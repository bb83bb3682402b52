"""Where an image's own bytes end, found while the file streams past once (decision 0008, "Data after the image").

Each format has an end the decoder stops at: a JPEG's EOI marker, a PNG's IEND chunk, a WebP's RIFF size, a HEIC's
last top-level box. Walking there costs a few segment headers per file plus one search for the marker that ends
each JPEG scan; the compressed data itself is skipped, never decoded. After the end only what cameras write is
explained here: further complete JPEG streams (MPF: depth maps, gain maps, previews) and zero padding. Whatever
follows that is left to `trailers.py`, which knows the phone trailers (motion photos) and refuses the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

Problem = tuple[str, str]  # what is wrong with the structure, in Chinese and English

CUT_SHORT: Problem = ("（文件在图像结束前中断）", " (the file ends before the image does)")
BAD_MARKER: Problem = ("（JPEG 结构错误）", " (its JPEG structure is broken)")
BAD_CHUNK: Problem = ("（PNG 结构错误）", " (its PNG structure is broken)")
BAD_RIFF: Problem = ("（WebP 结构错误）", " (its WebP structure is broken)")
BAD_BOX: Problem = ("（HEIC 结构错误）", " (its HEIC structure is broken)")

_MARKER_AFTER_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7]")  # in scan data FF is stuffed (FF00) or a restart (FFD0-7)
_NOT_ZERO = re.compile(rb"[^\x00]")


@dataclass(frozen=True, slots=True)
class ImageEnd:
    end: int  # offset of the first byte not explained by the image (the file's size when every byte is)
    padding: int  # zero bytes right before `end` (a trailer may begin inside them: box sizes start with zeros)
    problem: Problem | None = None  # the image itself is cut short or malformed


class Reader:
    """The bytes of a file read forward once, chunk by chunk; `seen` gets every chunk exactly once, in order."""

    def __init__(self, chunks: Iterator[bytes], seen: Callable[[bytes], None]) -> None:
        self._chunks, self._seen = chunks, seen
        self._buffer, self._pos, self._base = b"", 0, 0  # _base: offset in the file of _buffer[0]
        self._done = False

    def _pull(self) -> bool:
        if self._done:
            return False
        chunk = next(self._chunks, None)
        if chunk is None:
            self._done = True
            return False
        self._seen(chunk)
        rest = self._buffer[self._pos :]
        self._base += self._pos
        self._buffer, self._pos = (rest + chunk if rest else chunk), 0
        return True

    @property
    def offset(self) -> int:
        return self._base + self._pos

    def peek(self, size: int) -> bytes:
        while len(self._buffer) - self._pos < size and self._pull():
            pass
        return self._buffer[self._pos : self._pos + size]

    def read(self, size: int) -> bytes:
        data = self.peek(size)
        self._pos += len(data)
        return data

    def skip(self, size: int) -> bool:
        """Move on `size` bytes; False when the file ends first."""
        while len(self._buffer) - self._pos < size:
            size -= len(self._buffer) - self._pos
            self._pos = len(self._buffer)
            if not self._pull():
                return False
        self._pos += size
        return True

    def seek_match(self, pattern: re.Pattern[bytes], width: int) -> bool:
        """Move to the next match of `pattern` (at most `width` bytes long); False, at the end, when none."""
        while True:
            match = pattern.search(self._buffer, self._pos)
            if match is not None:
                self._pos = match.start()
                return True
            self._pos = max(self._pos, len(self._buffer) - (width - 1))
            if not self._pull():
                self._pos = len(self._buffer)
                return False

    def drain(self) -> None:
        """Hand every remaining chunk to `seen` without keeping any."""
        self._base += len(self._buffer)
        self._buffer, self._pos = b"", 0
        while self._pull():
            self._base += len(self._buffer)
            self._buffer = b""


def _zeros(reader: Reader) -> int:
    start = reader.offset
    reader.seek_match(_NOT_ZERO, 1)
    return reader.offset - start


def jpeg_stream(reader: Reader) -> Problem | None:
    """One JPEG stream, SOI to EOI, its segments skipped by their lengths and its scans searched for their end."""
    if reader.read(2) != b"\xff\xd8":
        return BAD_MARKER
    while True:
        lead = reader.read(1)
        if not lead:
            return CUT_SHORT
        if lead != b"\xff":
            return BAD_MARKER
        marker = reader.read(1)
        while marker == b"\xff":  # fill bytes before a marker
            marker = reader.read(1)
        if not marker:
            return CUT_SHORT
        code = marker[0]
        if code == 0xD9:  # EOI
            return None
        if 0xD0 <= code <= 0xD7 or code == 0x01:  # RSTn, TEM: no length
            continue
        if code in (0x00, 0xD8):
            return BAD_MARKER
        length = reader.read(2)
        if len(length) < 2:
            return CUT_SHORT
        if int.from_bytes(length, "big") < 2:
            return BAD_MARKER
        if not reader.skip(int.from_bytes(length, "big") - 2):
            return CUT_SHORT
        if code == 0xDA and not reader.seek_match(_MARKER_AFTER_SCAN, 2):  # SOS: the entropy-coded data follows
            return CUT_SHORT


def jpeg_end(reader: Reader) -> ImageEnd:
    problem = jpeg_stream(reader)
    if problem is not None:
        return ImageEnd(reader.offset, 0, problem)
    padding = 0
    while True:
        head = reader.peek(3)
        if not head:
            return ImageEnd(reader.offset, padding)
        if head == b"\xff\xd8\xff":  # a further image of a multi-picture file (MPF), complete or not explained
            start = reader.offset
            if jpeg_stream(reader) is not None:
                return ImageEnd(start, padding)
            padding = 0
        elif head[0] == 0:
            padding += _zeros(reader)
        else:
            return ImageEnd(reader.offset, padding)


def _padding_to_end(reader: Reader) -> ImageEnd:
    padding = _zeros(reader)
    return ImageEnd(reader.offset, padding)


def png_end(reader: Reader) -> ImageEnd:
    if reader.read(8) != b"\x89PNG\r\n\x1a\n":
        return ImageEnd(reader.offset, 0, BAD_CHUNK)
    while True:
        header = reader.read(8)
        if len(header) < 8:
            return ImageEnd(reader.offset, 0, CUT_SHORT)
        kind = header[4:8]
        if not kind.isalpha():
            return ImageEnd(reader.offset, 0, BAD_CHUNK)
        if not reader.skip(int.from_bytes(header[:4], "big") + 4):  # data and CRC
            return ImageEnd(reader.offset, 0, CUT_SHORT)
        if kind == b"IEND":
            return _padding_to_end(reader)


def webp_end(reader: Reader) -> ImageEnd:
    header = reader.read(12)
    size = int.from_bytes(header[4:8], "little")
    if len(header) < 12 or header[8:12] != b"WEBP" or size < 4:
        return ImageEnd(reader.offset, 0, BAD_RIFF)
    if not reader.skip(size - 4):
        return ImageEnd(reader.offset, 0, CUT_SHORT)
    return _padding_to_end(reader)


def _box_type_ok(kind: bytes) -> bool:
    return len(kind) == 4 and all(32 <= byte < 127 for byte in kind)


def bmff_end(reader: Reader) -> ImageEnd:
    """ISO base media (HEIC): top-level boxes one after another; the end is where the next bytes are not a box."""
    first = True
    while True:
        head = reader.peek(8)
        if not head:
            return ImageEnd(reader.offset, 0)
        if head == bytes(len(head)):  # zero padding is no box (size 0 would mean "to the end")
            return _padding_to_end(reader)
        size, kind = int.from_bytes(head[:4], "big"), head[4:8]
        if len(head) < 8 or not _box_type_ok(kind) or (first and kind != b"ftyp"):
            return ImageEnd(reader.offset, 0, BAD_BOX if first else None)
        header = 8
        if size == 1:
            large = reader.peek(16)[8:16]
            if len(large) < 8:
                return ImageEnd(reader.offset, 0, CUT_SHORT)
            size, header = int.from_bytes(large, "big"), 16
        if size == 0:  # the last box, to the end of the file
            reader.drain()
            return ImageEnd(reader.offset, 0)
        if size < header:
            return ImageEnd(reader.offset, 0, BAD_BOX if first else None)
        if not reader.skip(size):
            return ImageEnd(reader.offset, 0, CUT_SHORT)
        first = False
