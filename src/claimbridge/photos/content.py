"""Do two aligned small grey copies show the same content? The last check of reuse verification (issue 14).

`agreement` lays copy A on copy B by a homography and compares them cell by cell: the share of textured cells that
correlate, the correlation of all cells textured in both taken together (capped by how well the cells' brightness
follows one rising tone curve), and the share of cells that line up better shifted (parallax: one scene taken from
two places is not one plane, a re-used picture however transformed is). Pure: numpy and OpenCV only.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

TEXTURED = 4.0  # a cell with less spread (grey levels) than this in both copies is flat: it says nothing
FAINT = 1.0  # a cell with less spread than this has no pattern at all to correlate
CELL_AGREES = 0.5  # normalised cross-correlation at which a cell agrees
PARALLAX_PIXELS = 2  # on the small copy's scale
TONE_LEVELS = 12.0  # grey levels a cell's mean may stray from the fitted tone curve


def agreement(
    preview_a: npt.NDArray[np.uint8], preview_b: npt.NDArray[np.uint8], warp: npt.NDArray[Any]
) -> tuple[float, float, float]:
    """(agreement, correlation, parallax) of copy A laid on copy B by `warp` (A's pixels → B's pixels).

    Agreement is the share of the textured cells of the shared area where the copies correlate; correlation is that
    of all the cells textured in both, taken together, capped by the tone curve (brightness and contrast change a
    picture as a whole; a different car changes it in one place, a different colour scheme everywhere). Cells flat in
    both (sky, a wall, the black corners of a rotation) say nothing either way. Parallax is the share of the cells
    textured in both that line up better shifted by PARALLAX_PIXELS or more."""
    hb, wb = preview_b.shape
    warped = cv2.warpPerspective(preview_a, warp, (wb, hb), flags=cv2.INTER_LINEAR, borderValue=0)
    inside = cv2.warpPerspective(np.full_like(preview_a, 255), warp, (wb, hb), flags=cv2.INTER_NEAREST) > 0
    cell = max(6, min(wb, hb) // 8)
    both_a: list[npt.NDArray[np.float32]] = []
    both_b: list[npt.NDArray[np.float32]] = []
    cell_means: list[tuple[float, float]] = []
    agreeing = textured = moved = searched = 0
    # Two grids, the second shifted by half a cell, so that what is judged does not hang on where the grid falls: a
    # pattern whose squares fill the cells of one grid exactly (a chessboard) leaves every such cell flat.
    for offset in (0, cell // 2):
        for y in range(offset, hb - cell + 1, cell):
            for x in range(offset, wb - cell + 1, cell):
                if not inside[y : y + cell, x : x + cell].all():
                    continue
                first = warped[y : y + cell, x : x + cell].astype(np.float32)
                second = preview_b[y : y + cell, x : x + cell].astype(np.float32)
                cell_means.append((float(first.mean()), float(second.mean())))
                spread_first, spread_second = float(first.std()), float(second.std())
                if spread_first < TEXTURED and spread_second < TEXTURED:
                    continue
                textured += 1
                # A faint pattern still correlates: darkening by 30 % leaves a cell of spread 5 with 3.5, the same
                # pattern. Only a cell with no pattern at all in one copy cannot agree.
                if min(spread_first, spread_second) >= FAINT:
                    covariance = float(((first - first.mean()) * (second - second.mean())).mean())
                    if covariance / (spread_first * spread_second) >= CELL_AGREES:
                        agreeing += 1
                if spread_first >= TEXTURED and spread_second >= TEXTURED:
                    both_a.append(first.ravel())
                    both_b.append(second.ravel())
                    shifted = _shift(warped, inside, preview_b, x, y, cell) if offset == 0 else None
                    if shifted is not None:
                        searched += 1
                        moved += shifted
    tone = _tone(cell_means)
    whole = 0.0
    if both_a:
        joined_a, joined_b = np.concatenate(both_a), np.concatenate(both_b)
        whole = float(np.corrcoef(joined_a, joined_b)[0, 1])
    return (agreeing / textured if textured else 0.0), min(whole, tone), (moved / searched if searched else 0.0)


def _shift(
    warped: npt.NDArray[Any], inside: npt.NDArray[np.bool_], target: npt.NDArray[np.uint8], x: int, y: int,
    cell: int,
) -> bool | None:  # fmt: skip
    """Does this cell of B line up better with aligned A shifted by PARALLAX_PIXELS or more? A re-used picture,
    however transformed, is one plane: every cell lines up where the homography puts it. Two photos of one scene
    from two places are not: near things move against far ones (parallax), and the cells that show them line up
    elsewhere. None when the cell is too near the edge of the shared area to search around it."""
    reach = PARALLAX_PIXELS + 1
    top, left, bottom, right = y - reach, x - reach, y + cell + reach, x + cell + reach
    if top < 0 or left < 0 or bottom > target.shape[0] or right > target.shape[1]:
        return None
    if not inside[top:bottom, left:right].all():
        return None
    scores = cv2.matchTemplate(warped[top:bottom, left:right], target[y : y + cell, x : x + cell], cv2.TM_CCOEFF_NORMED)
    best_y, best_x = np.unravel_index(int(np.argmax(scores)), scores.shape)
    distance = max(abs(int(best_y) - reach), abs(int(best_x) - reach))
    return bool(distance >= PARALLAX_PIXELS and scores[best_y, best_x] - scores[reach, reach] >= 0.15)


def _monotone_fit(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The non-decreasing sequence nearest to `values` (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [sum, count]
    for value in values:
        blocks.append([float(value), 1.0])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    return np.concatenate([np.full(int(count), total / count) for total, count in blocks])


def _tone(means: list[tuple[float, float]]) -> float:
    """Share of cells whose mean brightness follows one rising tone curve within TONE_LEVELS: brightening (clipped
    or not), contrast and gamma move every cell along one such curve; a repainted object or a different car moves
    its cells off it."""
    if len(means) < 4:
        return 0.0
    values = np.array(means, dtype=np.float64)
    order = np.argsort(values[:, 0], kind="stable")
    fitted = np.empty(len(values))
    fitted[order] = _monotone_fit(values[order, 1])
    return float((np.abs(values[:, 1] - fitted) <= TONE_LEVELS).mean())
