"""The platform-wide index of perceptual hashes, kept in each process and topped up from the database.

Every processed photo's canonical hash is in it; a new photo is searched with all its views (mirrored, rotated).
Candidates are re-checked against the database before anything is recorded, so a stale entry can never make a
false match.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from django.utils import timezone

from claimbridge.evidence.models import StoredObject
from claimbridge.photos.hashing import as_unsigned
from claimbridge.photos.index import HashIndex

_lock = threading.Lock()
_index: HashIndex | None = None
_loaded: set[int] = set()
_refreshed_at = None
_MARGIN = timedelta(minutes=10)  # rows processed by other workers while this one last looked


def reset() -> None:
    global _index, _refreshed_at
    with _lock:
        _index, _refreshed_at = None, None
        _loaded.clear()


def _refresh() -> HashIndex:
    global _index, _refreshed_at
    now = timezone.now()
    rows = StoredObject.objects.filter(perceptual_hash__isnull=False)
    if _index is None:
        pairs = [(pk, value) for pk, value in rows.values_list("pk", "perceptual_hash") if value is not None]
        _index = HashIndex([as_unsigned(h) for _pk, h in pairs], [pk for pk, _h in pairs])
        _loaded.update(pk for pk, _h in pairs)
    else:
        assert _refreshed_at is not None
        for pk, value in rows.filter(processed_at__gte=_refreshed_at - _MARGIN).values_list("pk", "perceptual_hash"):
            if pk not in _loaded and value is not None:
                _index.add(as_unsigned(value), pk)
                _loaded.add(pk)
    _refreshed_at = now
    return _index


def near_stored_objects(variants: list[int], radius: int) -> dict[int, int]:
    """Stored object id → smallest distance from any of the views, for every stored photo within `radius`."""
    with _lock:
        index = _refresh()
        best: dict[int, int] = {}
        for value in variants:
            for pk, distance in index.search(value, radius):
                if distance < best.get(pk, radius + 1):
                    best[pk] = distance
    return best


def remember(stored: StoredObject) -> None:
    """Add a freshly processed photo without waiting for the next refresh."""
    if stored.perceptual_hash is None:
        return
    with _lock:
        if _index is not None and stored.pk not in _loaded:
            _index.add(as_unsigned(stored.perceptual_hash), stored.pk)
            _loaded.add(stored.pk)
