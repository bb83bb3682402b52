"""The platform-wide hash stage of reuse detection, kept in each process and topped up from the database.

Every processed photo's canonical hash and the hashes of its five 85 % crops are in it; a new photo is searched with
all its views (mirrored, rotated, cropped) by one vectorised pass per view (photos/index.py `nearest`), and the
nearest candidates go on to verification (decision 0008, issue 14). Candidates are re-checked against the database
before anything is recorded, so a stale entry can never make a false match.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import numpy as np
import numpy.typing as npt
from django.utils import timezone

from claimbridge.evidence.models import StoredObject
from claimbridge.photos.hashing import as_unsigned
from claimbridge.photos.index import nearest

_lock = threading.Lock()
_hashes: npt.NDArray[np.uint64] = np.zeros(0, np.uint64)
_owners: npt.NDArray[np.int64] = np.zeros(0, np.int64)
_pending: list[tuple[int, int]] = []  # (hash, owner) added since the arrays were last joined
_loaded: set[int] = set()
_refreshed_at = None
_MARGIN = timedelta(minutes=10)  # rows processed by other workers while this one last looked


def reset() -> None:
    global _hashes, _owners, _refreshed_at
    with _lock:
        _hashes, _owners, _refreshed_at = np.zeros(0, np.uint64), np.zeros(0, np.int64), None
        _pending.clear()
        _loaded.clear()


def _entries(pk: int, canonical: int | None, crops: list[int]) -> list[tuple[int, int]]:
    if canonical is None or pk in _loaded:
        return []
    _loaded.add(pk)
    return [(as_unsigned(value), pk) for value in (canonical, *crops)]


def _refresh() -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    global _hashes, _owners, _refreshed_at
    now = timezone.now()
    rows = StoredObject.objects.filter(perceptual_hash__isnull=False)
    if _refreshed_at is not None:
        rows = rows.filter(processed_at__gte=_refreshed_at - _MARGIN)
    for pk, canonical, crops in rows.values_list("pk", "perceptual_hash", "crop_hashes").iterator(chunk_size=5000):
        _pending.extend(_entries(pk, canonical, crops or []))
    if _pending:
        _hashes = np.concatenate([_hashes, np.array([h for h, _ in _pending], dtype=np.uint64)])
        _owners = np.concatenate([_owners, np.array([o for _, o in _pending], dtype=np.int64)])
        _pending.clear()
    _refreshed_at = now
    return _hashes, _owners


def near_stored_objects(views: list[int], radius: int, limit: int) -> dict[int, int]:
    """Stored object id → smallest distance from any of the views, for the `limit` nearest within `radius`."""
    with _lock:
        hashes, owners = _refresh()
        return dict(nearest(hashes, owners, views, radius, limit))


def remember(stored: StoredObject) -> None:
    """Add a freshly processed photo without waiting for the next refresh."""
    with _lock:
        if _refreshed_at is not None:
            _pending.extend(_entries(stored.pk, stored.perceptual_hash, list(stored.crop_hashes or [])))
