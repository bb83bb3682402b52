"""Reference data every case creation reads and administrators change a few times a year (counties, insurers,
service areas, webhook endpoints): each process keeps what it loaded for REFERENCE_CACHE_SECONDS.

A change made in this process is seen at once (saves and deletes clear the cache); other processes see it within
that time. Zero turns the cache off (the test suite, where every test builds its own world).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings

T = TypeVar("T")
_entries: dict[str, tuple[float, Any]] = {}


def remembered(name: str, load: Callable[[], T]) -> T:
    seconds = getattr(settings, "REFERENCE_CACHE_SECONDS", 0)
    if seconds <= 0:
        return load()
    now = time.monotonic()
    hit = _entries.get(name)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = load()
    _entries[name] = (now + seconds, value)
    return value


def forget(*_args: Any, **_kwargs: Any) -> None:
    """Connected to saves and deletes of the models cached here."""
    _entries.clear()
