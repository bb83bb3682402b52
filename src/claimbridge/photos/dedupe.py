"""Groups of near-duplicate images among files: identical bytes, or a candidate pair of the hash stage that the
verification stage (verify.py) accepts as one picture; groups join through verified pairs only (issue 14)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from claimbridge.photos.filetypes import HEAD_BYTES, sniff
from claimbridge.photos.hashing import CANDIDATE_DISTANCE, reuse_hashes
from claimbridge.photos.images import WORKING_SIZE, inspect_image
from claimbridge.photos.index import nearest
from claimbridge.photos.verify import Record, Verification, record_of, verify


class _Groups:
    def __init__(self, names: Iterable[str]) -> None:
        self.parent = {name: name for name in names}

    def find(self, name: str) -> str:
        while self.parent[name] != name:
            self.parent[name] = self.parent[self.parent[name]]
            name = self.parent[name]
        return name

    def join(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def image_files(directory: Path) -> list[Path]:
    """Files in `directory` whose bytes say they are images (any name, any extension), sorted by name."""
    found = []
    for path in sorted(p for p in directory.iterdir() if p.is_file()):
        with path.open("rb") as stream:
            kind = sniff(stream.read(HEAD_BYTES))
        if kind is not None and kind.kind == "image":
            found.append(path)
    return found


@dataclass(frozen=True, slots=True)
class _Photo:
    stored: tuple[int, ...]  # canonical hash, then the crops' (what the index holds)
    views: tuple[int, ...]  # what a query asks with
    record: Record


def _photo(working: Image.Image) -> _Photo:
    hashes = reuse_hashes(working)
    return _Photo((hashes.canonical, *hashes.crops), hashes.views, record_of(working))


def verified_pairs(
    photos: dict[str, _Photo], *, radius: int = CANDIDATE_DISTANCE, limit: int = 1000
) -> dict[tuple[str, str], tuple[int, Verification]]:
    """Every candidate pair (within `radius` bits in the hash stage) with its hash distance and verification."""
    names = sorted(photos)
    stored = np.array([value for name in names for value in photos[name].stored], dtype=np.uint64)
    owners = np.array([i for i, name in enumerate(names) for _ in photos[name].stored], dtype=np.int64)
    distances: dict[tuple[str, str], int] = {}
    for i, name in enumerate(names):
        for other, distance in nearest(stored, owners, photos[name].views, radius, limit):
            if other != i:
                pair = (min(name, names[other]), max(name, names[other]))
                distances[pair] = min(distance, distances.get(pair, distance))
    return {pair: (distance, verify(photos[pair[0]].record, photos[pair[1]].record))
            for pair, distance in sorted(distances.items())}  # fmt: skip


def group_near_duplicates(paths: list[Path], *, radius: int = CANDIDATE_DISTANCE) -> list[list[str]]:
    """Identical bytes, or pictures near in the hash stage *and* verified as one picture; groups join only through
    verified pairs (issue 14: a chain of near-but-unverified hashes joins nothing)."""
    names = [path.name for path in paths]
    groups = _Groups(names)
    by_digest: dict[str, str] = {}
    photos: dict[str, _Photo] = {}
    for path in paths:
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest in by_digest:
            groups.join(path.name, by_digest[digest])
            continue
        by_digest[digest] = path.name
        with path.open("rb") as stream:
            kind = sniff(stream.read(HEAD_BYTES))
            assert kind is not None
            try:
                working = inspect_image(stream, kind, max_pixels=200_000_000, working_size=WORKING_SIZE).working
            except ValueError:
                continue  # a damaged file belongs to no group
        photos[path.name] = _photo(working)
    for (a, b), (_distance, verification) in verified_pairs(photos, radius=radius).items():
        if verification.accepted:
            groups.join(a, b)
    members: dict[str, list[str]] = {}
    for name in names:
        members.setdefault(groups.find(name), []).append(name)
    return sorted((sorted(group) for group in members.values() if len(group) > 1), key=lambda group: group[0])


def dedupe_directory(directory: Path) -> dict[str, list[list[str]]]:
    return {"groups": group_near_duplicates(image_files(directory))}
