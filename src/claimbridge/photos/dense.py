"""Dense alignment of two small grey copies, for pictures whose keypoints cannot be matched one by one (issue 14).

Too few keypoints (a gradient, a tiny or blurred picture) or keypoints all alike (a chessboard, tiles, a fence:
the ratio test cannot tell one from another) leave the feature stage nothing to fit. Then `search` finds the
rotation, scale and shift within what re-use does (SEARCH_ANGLES × SEARCH_SCALES, shifts up to SEARCH_REACH) that
best lays copy A on copy B by phase correlation, and `refine` improves it to a homography by ECC (Evangelidis and
Psarakis). What the alignment shows is judged by the same content checks as any other (content.py). Pure.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

SEARCH_SIDE = 64  # the search runs on the small copies shrunk to this side; ECC then refines on the small copies
SEARCH_ANGLES = tuple(float(angle) for angle in range(-15, 16, 3))  # degrees; ECC takes up what lies between
SEARCH_SCALES = (0.85, 1.0, 1.18)  # a crop of 15 % enlarges by 1.18
SEARCH_REACH = 0.19  # the largest shift, as a share of the side (a crop of 15 % moves the centre by 7.5 %)
ECC_STEPS = 30  # iterations of the refinement

_WINDOW = cv2.createHanningWindow((SEARCH_SIDE, SEARCH_SIDE), cv2.CV_64F)


def _on_canvas(preview: npt.NDArray[np.uint8]) -> tuple[npt.NDArray[np.float32], npt.NDArray[Any]]:
    """The copy shrunk to fit SEARCH_SIDE and centred on a square of that side, with the matrix from the copy's
    pixels to the square's."""
    height, width = preview.shape
    factor = SEARCH_SIDE / max(height, width)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    shrunk = cv2.resize(preview, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    canvas = np.zeros((SEARCH_SIDE, SEARCH_SIDE), np.float32)
    top, left = (SEARCH_SIDE - size[1]) // 2, (SEARCH_SIDE - size[0]) // 2
    canvas[top : top + size[1], left : left + size[0]] = shrunk
    scale = np.diag([size[0] / width, size[1] / height, 1.0])
    return canvas, np.array([[1.0, 0.0, left], [0.0, 1.0, top], [0.0, 0.0, 1.0]]) @ scale


def _spectra(canvases: npt.NDArray[Any]) -> npt.NDArray[np.complex128]:
    centred = canvases - canvases.mean(axis=(-2, -1), keepdims=True)
    return np.fft.rfft2(centred * _WINDOW)


def _best_shift(moving: npt.NDArray[np.complex128], fixed: npt.NDArray[np.complex128]) -> tuple[int, float, float]:
    """Phase correlation of each of `moving` against `fixed`: which of them lies best on `fixed`, and the shift
    (dx, dy) that lays it there. Only shifts within SEARCH_REACH count: a repeating pattern correlates as well one
    period away, and the nearest such alignment is the one a crop makes."""
    cross = fixed[None] * np.conj(moving)
    surfaces = np.fft.irfft2(cross / (np.abs(cross) + 1e-9), s=(SEARCH_SIDE, SEARCH_SIDE))
    surfaces = np.fft.fftshift(surfaces, axes=(-2, -1))
    reach, centre = round(SEARCH_SIDE * SEARCH_REACH), SEARCH_SIDE // 2
    windows = surfaces[:, centre - reach : centre + reach + 1, centre - reach : centre + reach + 1]
    chosen = int(np.argmax(windows.reshape(len(windows), -1).max(axis=1)))
    window = windows[chosen]
    row, column = (int(value) for value in np.unravel_index(int(np.argmax(window)), window.shape))
    top, left = max(row - 1, 0), max(column - 1, 0)
    around = np.clip(window[top : row + 2, left : column + 2], 0, None)  # the peak's centre, to a fraction of a pixel
    rows, columns = np.mgrid[top : top + around.shape[0], left : left + around.shape[1]]
    total = float(around.sum()) or 1.0
    return chosen, float((columns * around).sum()) / total - reach, float((rows * around).sum()) / total - reach


def search(preview_a: npt.NDArray[np.uint8], preview_b: npt.NDArray[np.uint8]) -> npt.NDArray[Any]:
    """The rotation, scale and shift that best lay copy A on copy B, as a 3 × 3 matrix from A's pixels to B's."""
    canvas_a, place_a = _on_canvas(preview_a)
    canvas_b, place_b = _on_canvas(preview_b)
    middle = (SEARCH_SIDE / 2, SEARCH_SIDE / 2)
    turns = [cv2.getRotationMatrix2D(middle, angle, scale) for angle in SEARCH_ANGLES for scale in SEARCH_SCALES]
    moved = np.stack([cv2.warpAffine(canvas_a, turn, (SEARCH_SIDE, SEARCH_SIDE)) for turn in turns])
    best, dx, dy = _best_shift(_spectra(moved), _spectra(canvas_b[None])[0])
    warp = np.vstack([turns[best], [0.0, 0.0, 1.0]])
    warp[0, 2] += dx
    warp[1, 2] += dy
    return np.asarray(np.linalg.inv(place_b) @ warp @ place_a)


def refine(
    preview_a: npt.NDArray[np.uint8], preview_b: npt.NDArray[np.uint8], warp: npt.NDArray[Any]
) -> npt.NDArray[Any] | None:
    """`warp` (A's pixels → B's) refined to the homography that best lays copy A on copy B by ECC; None when it
    does not converge."""
    try:
        inverse = np.linalg.inv(warp)
        _score, inverse = cv2.findTransformECC(
            preview_b.astype(np.float32), np.ascontiguousarray(preview_a).astype(np.float32),
            (inverse / inverse[2, 2]).astype(np.float32), cv2.MOTION_HOMOGRAPHY,
            (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, ECC_STEPS, 1e-5), None,
        )  # fmt: skip
        refined = np.linalg.inv(np.asarray(inverse, dtype=np.float64))
    except (cv2.error, np.linalg.LinAlgError):
        return None
    return refined / refined[2, 2] if np.all(np.isfinite(refined)) else None
