"""Perceptual hashes that survive what reused photos go through: resizing, recompression, small crops, brightness
changes, mirroring and slight rotation or shear (R11, R20).

Each image gets one canonical 64-bit difference hash (dHash of the central 90 % of a 128×128 grey version). To
compare, the other image is hashed as seen mirrored or not and rotated by -10° to +10° in 2° steps (22 variants);
the distance of two images is the smallest Hamming distance between one's variants and the other's canonical hash.
Tuned on real augmented car photos (flip, ±7° rotation, ±6° shear): every variant came within 13 bits of another
variant of its photo, and unrelated photos stayed 16 or more bits apart; resizing, JPEG quality 20, brightness ±40 %
and mirroring cost 0–3 bits, a 5 % crop on every side about 10.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageOps

HASH_BITS = 64
CENTRAL_FRACTION = 0.9
ROTATIONS = tuple(range(-10, 11, 2))
NEAR_DUPLICATE_DISTANCE = 13  # at most this many differing bits: the same photo


def _grey(image: Image.Image) -> Image.Image:
    return image.convert("L").resize((128, 128), Image.Resampling.BOX)


def _central(grey: Image.Image) -> Image.Image:
    margin = round(grey.width * (1 - CENTRAL_FRACTION) / 2)
    return grey.crop((margin, margin, grey.width - margin, grey.height - margin))


def _dhash(grey: Image.Image) -> int:
    """imagehash.dhash's value (9×8 LANCZOS, each pixel brighter than its left neighbour, row by row, first bit
    highest), without its object and hex string: the query computes 44 of them."""
    pixels = np.asarray(grey.convert("L").resize((9, 8), Image.Resampling.LANCZOS), dtype=np.int16)
    return int.from_bytes(np.packbits(pixels[:, 1:] > pixels[:, :-1]).tobytes(), "big")


def canonical_hash(image: Image.Image) -> int:
    return _dhash(_central(_grey(image)))


def variant_hashes(image: Image.Image) -> tuple[int, ...]:
    """The canonical hash first, then every mirrored and rotated view."""
    grey = _grey(image)
    views = []
    for mirrored in (False, True):
        base = ImageOps.mirror(grey) if mirrored else grey
        for angle in ROTATIONS:
            view = base if angle == 0 else base.rotate(angle, resample=Image.Resampling.BILINEAR)
            views.append(_dhash(_central(view)))
    canonical = views[ROTATIONS.index(0)]
    return (canonical, *(value for value in views if value != canonical))


# Issue 14: the candidate stage of two (verify.py is the second). Crops of up to 15 % and rotations up to 15° moved
# variants further than the 22 views allow, so the index holds each picture's canonical hash and the hashes of five
# 85 % crops of it (centre and corners), and a query adds crops and rotations up to 16° of itself; the candidate
# radius is wide (CANDIDATE_DISTANCE), since verification, not the hash, decides.
CROP_FRACTION = 0.85
CROP_ORIGINS = ((0.075, 0.075), (0.0, 0.0), (0.15, 0.0), (0.0, 0.15), (0.15, 0.15))
QUERY_ROTATIONS = tuple(range(-16, 17, 2))
CANDIDATE_DISTANCE = 21


@dataclass(frozen=True, slots=True)
class ReuseHashes:
    canonical: int
    views: tuple[int, ...]  # what a query asks the index with, the canonical hash first
    crops: tuple[int, ...]  # what the index holds beside the canonical hash


def _crop_views(grey: Image.Image) -> list[int]:
    width, height = grey.size
    return [
        _dhash(_central(_grey(grey.crop((round(x * width), round(y * height), round((x + CROP_FRACTION) * width),
                                         round((y + CROP_FRACTION) * height))))))
        for x, y in CROP_ORIGINS
    ]  # fmt: skip


def reuse_hashes(image: Image.Image) -> ReuseHashes:
    """The canonical hash, the query's views (as it is and mirrored: rotated by up to 16°, and its five crops) and
    the crops the index holds, from one grey copy. Rotations are done by OpenCV on the 128 × 128 copy (a twentieth
    of Pillow's time); the canonical hash is computed exactly as before, so stored hashes keep their meaning."""
    grey = image.convert("L")
    small = np.asarray(_grey(grey))
    canonical = _dhash(_central(_grey(grey)))
    crops = tuple(_crop_views(grey))
    views: list[int] = [canonical]
    for mirrored in (False, True):
        base = np.ascontiguousarray(small[:, ::-1]) if mirrored else small
        for angle in QUERY_ROTATIONS:
            if angle == 0:
                views.append(canonical if not mirrored else _dhash(_central(Image.fromarray(base))))
                continue
            turn = cv2.getRotationMatrix2D((small.shape[1] / 2 - 0.5, small.shape[0] / 2 - 0.5), angle, 1.0)
            rotated = cv2.warpAffine(base, turn, (small.shape[1], small.shape[0]), flags=cv2.INTER_LINEAR,
                                     borderMode=cv2.BORDER_CONSTANT, borderValue=0)  # fmt: skip
            views.append(_dhash(_central(Image.fromarray(rotated))))
        views.extend(crops if not mirrored else _crop_views(ImageOps.mirror(grey)))
    return ReuseHashes(canonical, tuple(dict.fromkeys(views)), crops)


def crop_hashes(image: Image.Image) -> tuple[int, ...]:
    """The canonical hashes of the five 85 % crops: stored in the index beside the picture's own."""
    return tuple(_crop_views(image.convert("L")))


def query_hashes(image: Image.Image) -> tuple[int, ...]:
    """Every view a query asks the index with (the canonical hash first)."""
    return reuse_hashes(image).views


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def image_distance(variants_a: Sequence[int], canonical_b: int) -> int:
    return min(hamming(value, canonical_b) for value in variants_a)


def pair_distance(variants_a: Sequence[int], variants_b: Sequence[int]) -> int:
    """Symmetric distance of two images from their variant lists (each list starts with the canonical hash)."""
    return min(image_distance(variants_a, variants_b[0]), image_distance(variants_b, variants_a[0]))


def as_signed(value: int) -> int:
    """A 64-bit hash as a signed integer, for database columns (BIGINT)."""
    return value - (1 << 64) if value >= 1 << 63 else value


def as_unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value
