"""The near-duplicate index gives exactly what a full scan gives, fast enough for every image on the platform."""

from __future__ import annotations

import random

import numpy as np
import pytest

from claimbridge.photos.index import HashIndex, brute_force_search


@pytest.fixture(scope="module")
def stored():
    rng = np.random.default_rng(5)
    hashes = rng.integers(0, 2**63, 50_000, dtype=np.uint64) * np.uint64(2) + rng.integers(
        0, 2, 50_000, dtype=np.uint64
    )
    return hashes.tolist(), list(range(50_000))


@pytest.mark.parametrize("radius", [0, 3, 10, 13, 16])
def test_the_index_answers_exactly_like_a_full_scan(stored, radius):
    hashes, ids = stored
    index = HashIndex(hashes, ids)
    rng = random.Random(radius)
    for _ in range(40):
        query = hashes[rng.randrange(len(hashes))]
        for bit in rng.sample(range(64), rng.randrange(0, radius + 3)):
            query ^= 1 << bit
        assert index.search(query, radius) == brute_force_search(hashes, ids, query, radius)


def test_hashes_added_later_are_found_before_and_after_a_rebuild():
    index = HashIndex([0xFFFF_0000_FFFF_0000], [1])
    index.add(0x0123_4567_89AB_CDEF, 2)
    assert index.search(0x0123_4567_89AB_CDEE, 2) == [(2, 1)]
    assert len(index) == 2


def test_an_empty_index_finds_nothing():
    assert HashIndex().search(123, 10) == []


def test_the_top_bit_is_handled():
    value = (1 << 63) | 5
    assert HashIndex([value], [7]).search(value, 0) == [(7, 0)]


@pytest.mark.parametrize("radius", [5, 13, 21])
def test_issue_14_the_wide_scan_gives_each_owner_its_smallest_distance_nearest_first(stored, radius):
    """Several hashes per picture (its own and its crops), several views per query, across chunk boundaries."""
    from claimbridge.photos.index import nearest

    hashes, _ids = stored
    owners = [i // 6 for i in range(len(hashes))]
    rng = random.Random(radius)
    for _ in range(10):
        views = [hashes[rng.randrange(len(hashes))] ^ (1 << rng.randrange(64)) for _ in range(3)]
        expected = {}
        for value, owner in zip(hashes, owners, strict=True):
            distance = min((value ^ view).bit_count() for view in views)
            if distance <= radius:
                expected[owner] = min(distance, expected.get(owner, distance))
        ranked = sorted(expected.items(), key=lambda pair: (pair[1], pair[0]))
        found = nearest(np.array(hashes, dtype=np.uint64), np.array(owners, dtype=np.int64), views, radius, 50)
        assert found == ranked[:50]
