"""Near-duplicate search over millions of 64-bit hashes: multi-index hashing (Norouzi et al.) with numpy.

The hash is cut into four 16-bit pieces; two hashes within Hamming distance r agree within r // 4 bits on at least
one piece (pigeonhole). Each piece has a bucket table (offsets into a permutation of all entries), so a query
probes every 16-bit value near each of its pieces, gathers the candidates in one vectorised step and keeps those
whose full distance is within r. New hashes go to a small side list searched directly until the next rebuild.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import numpy.typing as npt

PIECES = 4
PIECE_BITS = 16
_REBUILD_AFTER = 20_000


def _masks(radius: int) -> npt.NDArray[np.int64]:
    """Every 16-bit value with at most `radius` bits set."""
    values = [0]
    for count in range(1, radius + 1):
        values += [sum(1 << bit for bit in bits) for bits in combinations(range(PIECE_BITS), count)]
    return np.array(values, dtype=np.int64)


class HashIndex:
    def __init__(self, hashes: npt.ArrayLike = (), ids: npt.ArrayLike = ()) -> None:
        self._hashes = np.asarray(hashes, dtype=np.uint64).ravel()
        self._ids = np.asarray(ids, dtype=np.int64).ravel()
        if len(self._hashes) != len(self._ids):
            raise ValueError("one id per hash")
        self._pending_hashes: list[int] = []
        self._pending_ids: list[int] = []
        self._masks: dict[int, npt.NDArray[np.int64]] = {}
        self._build()

    def __len__(self) -> int:
        return len(self._hashes) + len(self._pending_hashes)

    def _build(self) -> None:
        self._tables = []
        for piece in range(PIECES):
            keys = ((self._hashes >> np.uint64(piece * PIECE_BITS)) & np.uint64(0xFFFF)).astype(np.int64)
            order = np.argsort(keys, kind="stable")
            offsets = np.zeros((1 << PIECE_BITS) + 1, dtype=np.int64)
            np.cumsum(np.bincount(keys, minlength=1 << PIECE_BITS), out=offsets[1:])
            self._tables.append((offsets, order))

    def add(self, value: int, identifier: int) -> None:
        self._pending_hashes.append(value)
        self._pending_ids.append(identifier)
        if len(self._pending_hashes) >= _REBUILD_AFTER:
            self._hashes = np.concatenate([self._hashes, np.array(self._pending_hashes, dtype=np.uint64)])
            self._ids = np.concatenate([self._ids, np.array(self._pending_ids, dtype=np.int64)])
            self._pending_hashes, self._pending_ids = [], []
            self._build()

    def _mask(self, radius: int) -> npt.NDArray[np.int64]:
        if radius not in self._masks:
            self._masks[radius] = _masks(radius)
        return self._masks[radius]

    def search(self, value: int, radius: int) -> list[tuple[int, int]]:
        """(id, distance) of every stored hash within `radius` bits of `value`, nearest first."""
        found: list[tuple[int, int]] = []
        if len(self._hashes):
            masks = self._mask(radius // PIECES)
            pieces = []
            for piece, (offsets, order) in enumerate(self._tables):
                probes = ((value >> (piece * PIECE_BITS)) & 0xFFFF) ^ masks
                starts, ends = offsets[probes], offsets[probes + 1]
                lengths = ends - starts
                total = int(lengths.sum())
                if total:
                    # The positions start..end-1 of every probed bucket, as one flat array.
                    steps = np.ones(total, dtype=np.int64)
                    firsts = np.cumsum(lengths) - lengths
                    nonempty = lengths > 0
                    steps[firsts[nonempty]] = starts[nonempty] - np.concatenate(([0], ends[nonempty][:-1] - 1))
                    pieces.append(order[np.cumsum(steps)])
            if pieces:
                candidates = np.unique(np.concatenate(pieces))
                distances = np.bitwise_count(self._hashes[candidates] ^ np.uint64(value))
                near = distances <= radius
                found = list(zip(self._ids[candidates[near]].tolist(), distances[near].tolist(), strict=True))
        for stored, identifier in zip(self._pending_hashes, self._pending_ids, strict=True):
            distance = (stored ^ value).bit_count()
            if distance <= radius:
                found.append((identifier, distance))
        return sorted(found, key=lambda pair: (pair[1], pair[0]))


_CHUNK = 1 << 18  # hashes per pass (2 MB of differences): few passes, working arrays within the cache


def nearest(
    stored: npt.NDArray[np.uint64], owners: npt.NDArray[np.int64], views: Sequence[int], radius: int, limit: int
) -> list[tuple[int, int]]:
    """(owner, distance) of the `limit` nearest owners within `radius` bits of any view, nearest first.

    A wide radius is answered by vectorised passes over all stored hashes (under a millisecond per view and million
    hashes on one core), which beats multi-index hashing once the radius passes about 10 bits. An owner may hold
    several stored hashes (a picture and its crops); its distance is the smallest."""
    if not len(stored) or not views:
        return []
    keys = [np.uint64(view) for view in views]
    positions: list[npt.NDArray[np.int64]] = []
    distances: list[npt.NDArray[np.uint8]] = []
    # Working arrays made once per query and reused for every chunk.
    size = min(_CHUNK, len(stored))
    differing, best, other = np.empty(size, np.uint64), np.empty(size, np.uint8), np.empty(size, np.uint8)
    within = np.empty(size, np.bool_)
    for start in range(0, len(stored), _CHUNK):
        part = stored[start : start + _CHUNK]
        count = len(part)
        np.bitwise_count(np.bitwise_xor(part, keys[0], out=differing[:count]), out=best[:count])
        for key in keys[1:]:
            np.bitwise_count(np.bitwise_xor(part, key, out=differing[:count]), out=other[:count])
            np.minimum(best[:count], other[:count], out=best[:count])
        near = np.flatnonzero(np.less_equal(best[:count], radius, out=within[:count]))
        if len(near):
            positions.append(near + start)
            distances.append(best[near])
    if not positions:
        return []
    where, bits = np.concatenate(positions), np.concatenate(distances)
    order = np.lexsort((owners[where], bits))
    found: dict[int, int] = {}
    for position, distance in zip(where[order].tolist(), bits[order].tolist(), strict=True):
        owner = int(owners[position])
        if owner not in found:
            found[owner] = int(distance)
            if len(found) >= limit:
                break
    return list(found.items())


def brute_force_search(hashes: list[int], ids: list[int], value: int, radius: int) -> list[tuple[int, int]]:
    """The same answer by a plain Python loop: the reference the index is tested and benchmarked against."""
    found = [(identifier, (stored ^ value).bit_count()) for stored, identifier in zip(hashes, ids, strict=True)]
    return sorted(((i, d) for i, d in found if d <= radius), key=lambda pair: (pair[1], pair[0]))
