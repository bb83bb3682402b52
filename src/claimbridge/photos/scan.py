"""Streaming over a file once: SHA-256, size, signs of a polyglot (a file that is also HTML, a script, a PDF, a program
or an archive) and, for an image, where its own bytes end (`structure.py`).

The markers are long enough, or checked far enough, that compressed image data practically never contains one by
chance (decision 0008): a ZIP archive counts only when its local header, central directory and end record are all
present, a gzip stream only when its header is valid and the deflate data after it decodes, an event handler only
as an `on…=` attribute inside a tag of printable text. Every byte is searched, whatever structure it belongs to.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from claimbridge.photos.filetypes import HEIC, JPEG, PNG, WEBP, FileType
from claimbridge.photos.structure import ImageEnd, Problem, Reader, bmff_end, jpeg_end, png_end, webp_end

# Every alternative starts with "<", so the regex engine skips from one "<" to the next; letters in any case.
_UTF16 = b"|".join(b"\x00".join(bytes([c]) for c in word) for word in (b"script", b"html", b"svg", b"iframe", b"object", b"embed"))  # fmt: skip
# The rest of a tag before an event handler: printable text without "<" or ">" outside quoted values.
_IN_TAG = rb"""(?:[\t\n\x0c\r\x20\x21\x23-\x26\x28-\x3b\x3d\x3f-\x7e]|"[\t\n\x0c\r\x20\x21\x23-\x3b\x3d-\x7e]{0,256}"|'[\t\n\x0c\r\x20-\x26\x28-\x3b\x3d-\x7e]{0,256}'){0,64}?"""
_MARKUP = re.compile(
    rb"<(?:(?P<tag>(?:[a-z_][\w.-]*:)?(?:script|html|svg[\s/>]|iframe|object|embed))"  # also XHTML's <x:script
    rb"|!doctype\s+html|\?php"
    rb"|\x00(?P<utf16>" + _UTF16 + rb")"  # UTF-16, either byte order: <\0s\0c\0r\0i\0p\0t
    rb"|[a-z][\w:.-]*(?=[\s/])" + _IN_TAG + rb"[\s/\"'`](?P<handler>on[a-z]{3,20})\s*=)",  # <img onerror=
    re.IGNORECASE,
)

# The other signatures in one search: a copy of the window in which each signature's first, second and third
# bytes become 0, 1 and 2 holds "\0\1\2" wherever one may start; only those few places are looked at.
_SIGNATURES = (
    (re.compile(rb"javascript:", re.IGNORECASE), "javascript:"),
    (re.compile(rb"pdf-\d", re.IGNORECASE), "pdf"),  # after a "%"
    (re.compile(rb"\x7felf[\x01\x02][\x01\x02]\x01", re.IGNORECASE), "elf"),
    (re.compile(rb"Rar!\x1a\x07[\x00\x01]"), "rar"),
    (re.compile(rb"7z\xbc\xaf\x27\x1c"), "7z"),
    (re.compile(rb"\x1f\x8b\x08"), "gzip"),
    (re.compile(rb"PK(?:\x03\x04|\x01\x02|\x05\x06)"), "zip"),
)
_CLASSES = (b"jJPp\x7fR7\x1f", b"aADdKEez\x8b", b"vVFfLlr\xbc\x08\x03\x01\x05")  # no byte in two of them
_SIGNS = bytes(next((code for code, members in enumerate(_CLASSES) if byte in members), 3) for byte in range(256))
_SIGN_START = re.compile(rb"\x00\x01\x02")
_GZIP_LOOK = 1024  # bytes after a gzip signature that decide whether a stream starts there
_OVERLAP = _GZIP_LOOK + 300  # longer than any marker, so one that straddles two chunks is seen whole

# What was found → how it is named to the person whose upload is refused.
FOUND_NAMES: dict[str, tuple[str, str]] = {
    "markup": ("网页或脚本代码", "web-page or script code"),
    "utf-16 markup": ("UTF-16 编码的网页或脚本代码", "web-page or script code in UTF-16"),
    "event handler": ("网页事件脚本", "a web-page event handler"),
    "javascript:": ("JavaScript 链接", "a JavaScript link"),
    "pdf": ("PDF 文档", "a PDF document"),
    "elf": ("可执行程序", "an executable program"),
    "zip": ("ZIP 压缩包", "a ZIP archive"),
    "rar": ("RAR 压缩包", "a RAR archive"),
    "7z": ("7z 压缩包", "a 7z archive"),
    "gzip": ("gzip 压缩数据", "gzip-compressed data"),
}


@dataclass(frozen=True, slots=True)
class Scan:
    sha256: str
    size: int
    foreign_content: str | None  # a key of FOUND_NAMES
    foreign_marker: str = ""  # the marker itself, e.g. "<script" or "onerror="
    image_end: int | None = None  # where the image's own bytes end (`structure.ImageEnd`); None: not walked
    padding: int = 0  # zero bytes right before image_end
    broken: Problem | None = None  # the image's structure is cut short or malformed


def _markup(window: bytes) -> tuple[str, str] | None:
    match = _MARKUP.search(window)
    if match is None:
        return None
    if match.group("handler"):
        return "event handler", match.group("handler").decode() + "="
    if match.group("utf16"):
        return "utf-16 markup", "<" + match.group("utf16").replace(b"\x00", b"").decode().lower()
    return "markup", match.group(0).decode("latin-1").rstrip().lower()


def _gzip_at(window: bytes, start: int, final: bool) -> bool | None:
    """Whether a gzip stream starts here: a valid header, then deflate data that decodes. None: not enough bytes yet."""
    data = window[start : start + _GZIP_LOOK]
    if len(data) < _GZIP_LOOK and not final:
        return None
    if len(data) < 10 or data[3] & 0xE0 or data[8] not in (0, 2, 4) or (data[9] > 13 and data[9] != 255):
        return False
    flags, body = data[3], 10
    if flags & 4:  # FEXTRA
        body += 2 + int.from_bytes(data[body : body + 2], "little")
    for flag in (8, 16):  # FNAME, FCOMMENT: printable, zero-terminated
        if flags & flag:
            end = data.find(b"\x00", body)
            if end < 0 or any(byte < 32 or 127 <= byte < 160 for byte in data[body:end]):
                return False
            body = end + 1
    if flags & 2:  # FHCRC
        body += 2
    if body >= len(data):
        return False
    stream = zlib.decompressobj(-15)
    try:
        output = stream.decompress(data[body:], 1 << 16)
    except zlib.error:
        return False
    trailer = stream.unused_data[:8]
    if stream.eof and len(trailer) == 8:  # a whole stream: its CRC-32 and length must agree
        return trailer == struct.pack("<II", zlib.crc32(output), len(output) & 0xFFFFFFFF)
    return True


class _Markers:
    """The polyglot search, fed chunk by chunk; the tail of each chunk is searched again with the next one."""

    def __init__(self) -> None:
        self.found: tuple[str, str] | None = None
        self._tail = b""
        self._zip_parts: set[bytes] = set()

    def feed(self, chunk: bytes) -> None:
        if self.found is None:
            window = self._tail + chunk
            self.found = self._search(window, final=False)
            self._tail = window[-_OVERLAP:]

    def finish(self) -> None:
        if self.found is None:
            self.found = self._signatures(self._tail, final=True)

    def _search(self, window: bytes, *, final: bool) -> tuple[str, str] | None:
        return _markup(window) or self._signatures(window, final=final)

    def _signatures(self, window: bytes, *, final: bool) -> tuple[str, str] | None:
        for start in _SIGN_START.finditer(window.translate(_SIGNS)):
            at = start.start()
            for pattern, name in _SIGNATURES:
                match = pattern.match(window, at)
                if match is None:
                    continue
                if name == "pdf" and window[at - 1 : at] != b"%":
                    continue
                if name == "gzip" and not _gzip_at(window, at, final):
                    continue
                if name == "zip":
                    self._zip_parts.add(match.group(0))
                    if len(self._zip_parts) < 3:
                        continue
                marker = match.group(0).decode("latin-1").lower()
                return name, {"javascript:": marker, "pdf": "%" + marker}.get(name, name)
        return None


_WALKERS = {JPEG: jpeg_end, PNG: png_end, WEBP: webp_end, HEIC: bmff_end}


def scan_chunks(chunks: Iterable[bytes], file_type: FileType | None = None) -> Scan:
    """One pass over the chunks. With the file's type, an image is also walked to its end (videos are walked by
    `video.py`, which needs their boxes' contents)."""
    digest = hashlib.sha256()
    size = 0
    markers = _Markers()

    def seen(chunk: bytes) -> None:
        nonlocal size
        digest.update(chunk)
        size += len(chunk)
        markers.feed(chunk)

    reader = Reader(iter(chunks), seen)
    walker = _WALKERS.get(file_type) if file_type is not None else None
    end: ImageEnd | None = walker(reader) if walker is not None else None
    reader.drain()
    markers.finish()
    kind, marker = markers.found or (None, "")
    if end is None:
        return Scan(digest.hexdigest(), size, kind, marker)
    return Scan(digest.hexdigest(), size, kind, marker, end.end, end.padding, end.problem)
