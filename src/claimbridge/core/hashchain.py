"""Keyed hash chains for append-only records (decision 0012). Each entry's link is an HMAC-SHA256, under a key kept
outside the database, of the previous link and the entry's own content: editing, reordering or deleting an entry
breaks every link after it, and nobody who holds only the database can compute new links. A seal binds the current
state of the records the chain describes to its head, under the same kind of key. Pure."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

GENESIS = "0" * 64


def canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def key_id(key: bytes) -> str:
    """A short name for a key, stored with each entry so that verification after a rotation picks the key that
    linked it; derived from the key by HMAC, it tells nothing about the key."""
    return hmac.new(key, b"claimbridge audit key id", hashlib.sha256).hexdigest()[:8]


def link(previous: str, payload: dict[str, Any], key: bytes) -> str:
    return hmac.new(key, f"{previous}\n{canonical(payload)}".encode(), hashlib.sha256).hexdigest()


def seal(key: bytes, *, head: str, snapshot: dict[str, Any]) -> str:
    """The state `snapshot` as vouched for by the chain whose newest link is `head`. ("state" first: a seal's input
    never reads as a link's, which starts with 64 hexadecimal digits.)"""
    return hmac.new(key, f"state\n{head}\n{canonical(snapshot)}".encode(), hashlib.sha256).hexdigest()


def same(one: str, other: str) -> bool:
    return hmac.compare_digest(one.encode(), other.encode())
