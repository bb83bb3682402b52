"""The second stage of reuse detection: is a candidate pair (near in dHash) really one picture? (R11, R20, issue 14)

Each photo gets a compact verification record once, from its decoded working copy: ORB keypoints and descriptors of
a grey copy whose longer side is FEATURE_SIDE pixels, for the picture as it is and mirrored, and a small grey copy
(PREVIEW_SIDE) for the content check. A query therefore never re-reads an original.

A pair is one picture when
1. descriptors match both ways under Lowe's ratio test and a RANSAC homography explains at least MIN_INLIERS of
   them (the picture as it is, or one side mirrored);
2. the homography is what re-use does — a near-similarity (scale within SCALE_RANGE, no fold, limited
   perspective) — and the two frames overlap by at least MIN_OVERLAP (a crop of up to 15 % keeps over 70 %);
3. the inliers spread over at least MIN_SPREAD of the shared area (not one sign, plate or logo in common); and
4. aligned by that homography, the small grey copies agree (normalised cross-correlation) on at least MIN_AGREEMENT
   of the textured cells of the shared area, follow one tone curve and show no parallax (content.py) — two photos of
   the same road or car park share their background, not the car in front of it nor the place they were taken from.
When the keypoints cannot be matched one by one — too few of them (a gradient, a tiny or blurred picture) or all
alike (a chessboard, tiles: the record notes that the picture repeats itself) — the small copies are aligned densely
instead (dense.py) and judged by the same steps 2 and 4.
The result keeps the hash distance, the inlier count, the overlap, the agreement and the matched points, so that a
person can see why the pair was flagged: a signal, never a verdict.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

from claimbridge.photos import content, dense

cv2.setNumThreads(1)  # one core per worker; the work per pair is small

FEATURE_SIDE = 320
MAX_FEATURES = 320
PREVIEW_SIDE = 128
RATIO = 0.8
RANSAC_PIXELS = 3.2  # reprojection error allowed, on the FEATURE_SIDE scale (1 % of the longer side)
MIN_INLIERS = 15
MIN_OVERLAP = 0.55
MIN_SPREAD = 0.04
MIN_AGREEMENT = 0.68
MIN_CORRELATION = 0.82
FEW_FEATURES = 100  # below this many keypoints, a picture is also compared densely
REPETITIVE_BITS = 24  # a picture whose keypoints' median distance to their nearest twin is this small repeats itself
MAX_PARALLAX = 0.25
SCALE_RANGE = (0.4, 2.5)
_GRID = 8  # candidate keypoints kept per cell of a _GRID × _GRID grid, so they cover the picture
_MAGIC = b"CBV1"

Points = npt.NDArray[Any]  # float32 (n, 2); OpenCV's own stubs return wider types


@dataclass(frozen=True, slots=True)
class Features:
    """ORB keypoints (x, y on the FEATURE_SIDE scale) and their 32-byte descriptors."""

    points: Points
    descriptors: npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class Record:
    """What verification needs of one photo; `to_bytes` is what the platform stores (about 22 KB)."""

    width: int  # of the FEATURE_SIDE copy
    height: int
    upright: Features
    mirrored: Features
    preview: npt.NDArray[np.uint8]  # grey, longer side PREVIEW_SIDE
    repetitive: bool = field(init=False, repr=False, compare=False)  # derived: see _repeats

    def __post_init__(self) -> None:
        object.__setattr__(self, "repetitive", _repeats(self.upright))

    def to_bytes(self) -> bytes:
        parts = [_MAGIC, struct.pack("<HH", self.width, self.height)]
        for features in (self.upright, self.mirrored):
            count = len(features.points)
            parts.append(struct.pack("<H", count))
            parts.append(np.round(features.points * 16).astype("<u2").tobytes())
            parts.append(features.descriptors.astype(np.uint8).tobytes())
        ok, encoded = cv2.imencode(".jpg", self.preview, [cv2.IMWRITE_JPEG_QUALITY, 90])
        assert ok
        parts.append(encoded.tobytes())  # re-encoding the decoded copy at the same quality gives the same pixels
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes) -> Record:
        if data[:4] != _MAGIC:
            raise ValueError("not a verification record")
        width, height = struct.unpack_from("<HH", data, 4)
        offset = 8
        sides = []
        for _ in range(2):
            (count,) = struct.unpack_from("<H", data, offset)
            offset += 2
            points = np.frombuffer(data, "<u2", count * 2, offset).reshape(count, 2).astype(np.float32) / 16
            offset += count * 4
            descriptors = np.frombuffer(data, np.uint8, count * 32, offset).reshape(count, 32).copy()
            offset += count * 32
            sides.append(Features(points, descriptors))
        preview = cv2.imdecode(np.frombuffer(data, np.uint8, offset=offset), cv2.IMREAD_GRAYSCALE)
        if preview is None:
            raise ValueError("damaged verification record")
        return cls(width, height, sides[0], sides[1], np.asarray(preview, dtype=np.uint8))


@dataclass(frozen=True, slots=True)
class Verification:
    """How well two photos match. `points` are matched pairs (xa, ya, xb, yb) as fractions of each picture."""

    accepted: bool
    inliers: int = 0
    overlap: float = 0.0
    spread: float = 0.0
    agreement: float = 0.0
    correlation: float = 0.0
    mirrored: bool = False
    reason: str = "no_match"
    points: tuple[tuple[float, float, float, float], ...] = field(default=())
    matches: int = 0  # mutual ratio-test matches the homography was fitted to
    error: float = 0.0  # median distance of the inliers from where the homography puts them (FEATURE_SIDE pixels)
    parallax: float = 0.0  # share of textured cells that line up better shifted (one scene from two places)


def _repeats(features: Features) -> bool:
    """Does the picture repeat itself (a chessboard, tiles, a fence)? Then its keypoints have near twins within the
    picture, the ratio test cannot tell one from another, and the pair is aligned densely instead."""
    if len(features.points) < 3:
        return False
    twins = _matcher.knnMatch(features.descriptors, features.descriptors, k=2)  # the first is the keypoint itself
    nearest = [pair[1].distance for pair in twins if len(pair) == 2]
    return bool(nearest) and float(np.median(nearest)) <= REPETITIVE_BITS


_orb = cv2.ORB.create(nfeatures=MAX_FEATURES * 2, scaleFactor=1.2, nlevels=6, edgeThreshold=15, patchSize=31,
                      fastThreshold=7)  # fmt: skip
_matcher = cv2.BFMatcher(cv2.NORM_HAMMING)


def _grey(image: Image.Image, side: int) -> npt.NDArray[np.uint8]:
    grey = image.convert("L")
    scale = side / max(grey.size)
    size = (max(1, round(grey.width * scale)), max(1, round(grey.height * scale)))
    resample = Image.Resampling.BILINEAR if scale > 1 else Image.Resampling.BOX
    return np.asarray(grey.resize(size, resample), dtype=np.uint8)


def _spread_out(keypoints: list[cv2.KeyPoint], width: int, height: int) -> list[cv2.KeyPoint]:
    """At most MAX_FEATURES, taken strongest first in turn from each cell, so that no corner of texture wins all."""
    cells: dict[tuple[int, int], list[cv2.KeyPoint]] = {}
    for point in sorted(keypoints, key=lambda kp: -kp.response):
        cell = (min(_GRID - 1, int(point.pt[0] * _GRID / width)), min(_GRID - 1, int(point.pt[1] * _GRID / height)))
        cells.setdefault(cell, []).append(point)
    chosen: list[cv2.KeyPoint] = []
    depth = 0
    while len(chosen) < MAX_FEATURES and any(len(points) > depth for points in cells.values()):
        chosen.extend(points[depth] for points in cells.values() if len(points) > depth)
        depth += 1
    return chosen[:MAX_FEATURES]


def _features(grey: npt.NDArray[np.uint8]) -> Features:
    height, width = grey.shape
    chosen = _spread_out(list(_orb.detect(grey, None)), width, height)
    described, descriptors = _orb.compute(grey, chosen)
    if descriptors is None or not described:
        return Features(np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8))
    return Features(np.array([kp.pt for kp in described], dtype=np.float32), np.asarray(descriptors, dtype=np.uint8))


def record_of(image: Image.Image) -> Record:
    """The verification record of a decoded photo (its working copy is enough: 320 px or more on its short side)."""
    grey = _grey(image, FEATURE_SIDE)
    height, width = grey.shape
    # The small copy is kept as it reads back from the stored record (JPEG), so a fresh record and a stored one
    # verify alike.
    ok, encoded = cv2.imencode(".jpg", _grey(image, PREVIEW_SIDE), [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    preview = np.asarray(cv2.imdecode(encoded, cv2.IMREAD_GRAYSCALE), dtype=np.uint8)
    return Record(width, height, _features(grey), _features(np.ascontiguousarray(grey[:, ::-1])), preview)


def _ratio_matches(a: Features, b: Features) -> list[tuple[int, int]]:
    if len(a.points) < 2 or len(b.points) < 2:
        return []
    found = []
    for pair in _matcher.knnMatch(a.descriptors, b.descriptors, k=2):
        if len(pair) == 2 and pair[0].distance < RATIO * pair[1].distance:
            found.append((pair[0].queryIdx, pair[0].trainIdx))
    return found


def _mutual_matches(a: Features, b: Features) -> list[tuple[int, int]]:
    forward = set(_ratio_matches(a, b))
    backward = {(i, j) for j, i in _ratio_matches(b, a)}
    return sorted(forward & backward) if len(forward & backward) >= MIN_INLIERS else sorted(forward)


def _frame(width: int, height: int) -> Points:
    return np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)


def _area(polygon: Points) -> float:
    return float(abs(cv2.contourArea(polygon.reshape(-1, 1, 2))))


_FRAME_ORIENTATION = float(np.sign(cv2.contourArea(_frame(4, 3).reshape(-1, 1, 2), oriented=True)))


def _plausible(homography: npt.NDArray[Any], a: Record, b: Record) -> tuple[bool, Points]:
    """A re-used photo is resized, cropped, rotated, sheared or tilted a little: the frame of A lands in B as a
    convex, unfolded quadrilateral of similar size whose corners keep roughly right angles."""
    corners = cv2.perspectiveTransform(_frame(a.width, a.height).reshape(-1, 1, 2), homography).reshape(-1, 2)
    if not np.all(np.isfinite(corners)) or not cv2.isContourConvex(corners.reshape(-1, 1, 2)):
        return False, corners
    signed = cv2.contourArea(corners.reshape(-1, 1, 2), oriented=True)
    if signed * _FRAME_ORIENTATION <= 0:  # a mirror image (or a fold) reverses the order of the corners
        return False, corners
    scale = (abs(signed) / (a.width * a.height)) ** 0.5
    if not SCALE_RANGE[0] <= scale <= SCALE_RANGE[1]:
        return False, corners
    for i in range(4):
        u, v = corners[i - 1] - corners[i], corners[(i + 1) % 4] - corners[i]
        cosine = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v) + 1e-9))
        if abs(cosine) > 0.45:  # corners between about 63° and 117°
            return False, corners
    return True, corners


def _preview_scales(a: Record, b: Record) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """(preview A → features A, features B → preview B) as 3 × 3 matrices."""
    ha, wa = a.preview.shape
    hb, wb = b.preview.shape
    return np.diag([a.width / wa, a.height / ha, 1.0]), np.diag([wb / b.width, hb / b.height, 1.0])


def _preview_of(record: Record, mirrored: bool) -> npt.NDArray[np.uint8]:
    return np.ascontiguousarray(record.preview[:, ::-1]) if mirrored else record.preview


def _judge(
    a: Record, b: Record, homography: npt.NDArray[Any], mirrored: bool, *, inliers: int = 0, matches: int = 0,
    error: float = 0.0, spread: float | None = None, points: tuple[tuple[float, float, float, float], ...] = (),
) -> Verification:  # fmt: skip
    """Geometry, overlap, spread and content of one alignment (ORB's, or the dense one with no points)."""
    plausible, corners = _plausible(homography, a, b)
    if not plausible:
        return Verification(False, inliers, mirrored=mirrored, reason="implausible_geometry", matches=matches)
    shared_area, _shared = cv2.intersectConvexConvex(corners.astype(np.float32), _frame(b.width, b.height))
    overlap = float(shared_area) / max(_area(corners), b.width * b.height)
    # No dense refinement of ORB's homography here: it aligned a stereo pair (one scene from two places, 6 cm apart)
    # well enough to pass the content check, which the features' own alignment does not.
    to_a, from_b = _preview_scales(a, b)
    agreement, correlation, parallax = content.agreement(
        _preview_of(a, mirrored), b.preview, from_b @ homography @ to_a
    )
    reason = (
        "small_overlap" if overlap < MIN_OVERLAP
        else "narrow_spread" if spread is not None and spread < MIN_SPREAD
        else "content_differs" if agreement < MIN_AGREEMENT or correlation < MIN_CORRELATION
        else "parallax" if parallax > MAX_PARALLAX
        else "same_picture"
    )  # fmt: skip
    return Verification(reason == "same_picture", inliers, round(overlap, 3), round(spread or 0.0, 3),
                        round(agreement, 3), round(correlation, 3), mirrored, reason, points, matches,
                        round(error, 2), round(parallax, 3))  # fmt: skip


def _verify_side(a: Record, a_features: Features, b: Record, mirrored: bool) -> Verification:
    pairs = _mutual_matches(a_features, b.upright)
    if len(pairs) < MIN_INLIERS:
        return Verification(False, len(pairs), mirrored=mirrored, reason="too_few_matches", matches=len(pairs))
    source = a_features.points[[i for i, _ in pairs]]
    target = b.upright.points[[j for _, j in pairs]]
    homography, mask = cv2.findHomography(source, target, cv2.RANSAC, RANSAC_PIXELS, maxIters=2000, confidence=0.999)
    if homography is None:
        return Verification(False, 0, mirrored=mirrored, reason="no_geometry", matches=len(pairs))
    keep = mask.ravel().astype(bool)
    inliers = int(keep.sum())
    if inliers < MIN_INLIERS:
        return Verification(False, inliers, mirrored=mirrored, reason="too_few_inliers", matches=len(pairs))
    projected = cv2.perspectiveTransform(source[keep].reshape(-1, 1, 2), homography).reshape(-1, 2)
    error = float(np.median(np.linalg.norm(projected - target[keep], axis=1)))
    corners = cv2.perspectiveTransform(_frame(a.width, a.height).reshape(-1, 1, 2), homography).reshape(-1, 2)
    shared_area = 0.0
    if np.all(np.isfinite(corners)) and cv2.isContourConvex(corners.reshape(-1, 1, 2)):
        shared_area = float(cv2.intersectConvexConvex(corners.astype(np.float32), _frame(b.width, b.height))[0])
    spread = _area(cv2.convexHull(target[keep].reshape(-1, 1, 2))) / max(shared_area, 1.0)
    shown_a = source[keep] / np.array([a.width, a.height], np.float32)
    if mirrored:
        shown_a[:, 0] = 1 - shown_a[:, 0]
    shown_b = target[keep] / np.array([b.width, b.height], np.float32)
    points = tuple(
        (round(float(p[0]), 4), round(float(p[1]), 4), round(float(q[0]), 4), round(float(q[1]), 4))
        for p, q in zip(shown_a, shown_b, strict=True)
    )
    return _judge(a, b, homography, mirrored, inliers=inliers, matches=len(pairs), error=error, spread=spread,
                  points=points)  # fmt: skip


def _dense(a: Record, b: Record, mirrored: bool) -> Verification:
    """For pictures whose keypoints cannot be matched one by one — too few (a gradient, a tiny or blurred picture)
    or all alike (a repeating pattern) — the small grey copies are aligned densely: the best rotation, scale and
    shift by phase correlation, refined by ECC, then judged like any alignment (the content check decides)."""
    preview_a = _preview_of(a, mirrored)
    refined = dense.refine(preview_a, b.preview, dense.search(preview_a, b.preview))
    if refined is None:
        return Verification(False, mirrored=mirrored, reason="no_geometry")
    to_a, from_b = _preview_scales(a, b)
    homography = np.linalg.inv(from_b) @ refined @ np.linalg.inv(to_a)
    return _judge(a, b, homography / homography[2, 2], mirrored)


def verify(a: Record, b: Record) -> Verification:
    """The better of A as it is and A mirrored, each against B as it is (mirroring both changes nothing); for a
    picture with fewer than FEW_FEATURES keypoints or one that repeats itself, the dense alignment when the features
    find nothing."""
    results = []
    for mirrored in (False, True):
        result = _verify_side(a, a.mirrored if mirrored else a.upright, b, mirrored=mirrored)
        if result.accepted:
            return result
        results.append(result)
    if min(len(a.upright.points), len(b.upright.points)) < FEW_FEATURES or a.repetitive or b.repetitive:
        for mirrored in (False, True):
            result = _dense(a, b, mirrored)
            if result.accepted:
                return result
            results.append(result)
    return max(results, key=lambda result: result.inliers)
