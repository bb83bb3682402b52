"""The two photos of a verified pair side by side with their matched points joined, for a person to judge (issue 14).

Drawn from the display copies (thumbnails), never from the originals; the points are fractions of each picture, as
the verification records them, so any size of copy can be used.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw

HEIGHT = 240
GAP = 8
_COLOURS = ((230, 57, 70), (42, 157, 143), (233, 196, 106), (69, 123, 157), (244, 162, 97))


def render_match(
    first: Image.Image, second: Image.Image, points: Sequence[Sequence[float]], *, height: int = HEIGHT,
    limit: int = 60,
) -> bytes:  # fmt: skip
    """A JPEG: `first` on the left, `second` on the right, at most `limit` of the matched pairs drawn as lines."""
    left = first.convert("RGB")
    right = second.convert("RGB")
    left = left.resize((max(1, round(left.width * height / left.height)), height))
    right = right.resize((max(1, round(right.width * height / right.height)), height))
    canvas = Image.new("RGB", (left.width + GAP + right.width, height), (255, 255, 255))
    canvas.paste(left, (0, 0))
    canvas.paste(right, (left.width + GAP, 0))
    draw = ImageDraw.Draw(canvas)
    step = max(1, len(points) // limit) if limit else 1
    for number, (xa, ya, xb, yb) in enumerate(list(points)[::step][:limit]):
        colour = _COLOURS[number % len(_COLOURS)]
        start = (xa * left.width, ya * height)
        end = (left.width + GAP + xb * right.width, yb * height)
        draw.line((start, end), fill=colour, width=1)
        for x, y in (start, end):
            draw.ellipse((x - 2.5, y - 2.5, x + 2.5, y + 2.5), outline=colour, width=2)
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
