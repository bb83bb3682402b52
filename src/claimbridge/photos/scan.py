"""Streaming over a file once: SHA-256, size, and signs of a polyglot (a file that is also HTML, a script, a PDF or an archive).

The markers are long enough that compressed image data practically never contains one by chance; a ZIP archive
counts only when its local header, central directory and end record are all present.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

# Searched in a lower-cased copy: patterns that start with a literal let the regex engine skip ahead quickly.
_MARKUP = re.compile(rb"<(?:script|html|!doctype\s+html|\?php|svg[\s>]|iframe)")
_OTHER = re.compile(rb"javascript:|%pdf-\d|\x7felf[\x01\x02][\x01\x02]\x01")
_OTHER_STARTS = (b"javascript:", b"%pdf-", b"\x7felf")
_ZIP_PART = re.compile(rb"PK(?:\x03\x04|\x01\x02|\x05\x06)")
_OVERLAP = 32


@dataclass(frozen=True, slots=True)
class Scan:
    sha256: str
    size: int
    foreign_content: str | None  # what was found, e.g. "<script" or "zip archive"


def scan_chunks(chunks: Iterable[bytes]) -> Scan:
    digest = hashlib.sha256()
    size = 0
    tail = b""
    found: str | None = None
    zip_parts: set[bytes] = set()
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
        if found is None:
            window = tail + chunk
            lowered = window.lower()
            match = _MARKUP.search(lowered)
            if match is None and any(start in lowered for start in _OTHER_STARTS):
                match = _OTHER.search(lowered)
            if match:
                found = match.group(0).decode("latin-1")
            zip_parts.update(part.group(0) for part in _ZIP_PART.finditer(window))
            if len(zip_parts) == 3:
                found = "zip archive"
            tail = chunk[-_OVERLAP:]
    return Scan(digest.hexdigest(), size, found)
