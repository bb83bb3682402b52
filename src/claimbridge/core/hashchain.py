"""Hash chains for append-only records: each entry's hash covers the previous hash and its own content, so editing
or deleting any entry breaks every hash after it. Pure."""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def link(previous: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256(f"{previous}\n{canonical(payload)}".encode()).hexdigest()
