"""Groups of near-duplicate images among files: identical bytes, or perceptual distance within the threshold,
joined transitively (a photo, its resized copy and its mirrored crop form one group)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from claimbridge.photos.filetypes import HEAD_BYTES, sniff
from claimbridge.photos.hashing import NEAR_DUPLICATE_DISTANCE, pair_distance, variant_hashes
from claimbridge.photos.images import WORKING_SIZE, inspect_image
from claimbridge.photos.index import HashIndex


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


def group_near_duplicates(paths: list[Path], *, max_distance: int = NEAR_DUPLICATE_DISTANCE) -> list[list[str]]:
    names = [path.name for path in paths]
    groups = _Groups(names)
    by_digest: dict[str, str] = {}
    variants: dict[str, tuple[int, ...]] = {}
    for path in paths:
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest in by_digest:
            groups.join(path.name, by_digest[digest])
            variants[path.name] = variants[by_digest[digest]]
            continue
        by_digest[digest] = path.name
        with path.open("rb") as stream:
            kind = sniff(stream.read(HEAD_BYTES))
            assert kind is not None
            try:
                working = inspect_image(stream, kind, max_pixels=200_000_000, working_size=WORKING_SIZE).working
            except ValueError:
                continue  # a damaged file belongs to no group
        variants[path.name] = variant_hashes(working)
    hashed = [name for name in names if name in variants]
    if len(hashed) <= 500:
        for i, a in enumerate(hashed):
            for b in hashed[i + 1 :]:
                if pair_distance(variants[a], variants[b]) <= max_distance:
                    groups.join(a, b)
    else:
        index = HashIndex([variants[name][0] for name in hashed], list(range(len(hashed))))
        for name in hashed:
            for value in variants[name]:
                for other, _distance in index.search(value, max_distance):
                    groups.join(name, hashed[other])
    members: dict[str, list[str]] = {}
    for name in names:
        members.setdefault(groups.find(name), []).append(name)
    return sorted((sorted(group) for group in members.values() if len(group) > 1), key=lambda group: group[0])


def dedupe_directory(directory: Path) -> dict[str, list[list[str]]]:
    return {"groups": group_near_duplicates(image_files(directory))}
