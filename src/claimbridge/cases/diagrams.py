"""A small drawing of each listed accident circumstance (issue 13), so a driver picks a picture rather than a legal
sentence. Drawn as inline SVG with presentation attributes only (the CSP allows no inline styles), no build step.

The vehicle at fault is orange, the other blue; arrows show where each was going. Pure Python, no Django.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from html import escape

FAULT, OTHER = "#e8590c", "#1c7ed6"
ROAD, LINE, GROUND, INK = "#ced4da", "#ffffff", "#f1f3f5", "#343a40"


def _car(x: float, y: float, angle: float, colour: str) -> str:
    return (f'<g transform="translate({x} {y}) rotate({angle})"><rect x="-5" y="-8" width="10" height="16" rx="2.5" '
            f'fill="{colour}"/><rect x="-3.5" y="-5" width="7" height="4" rx="1" fill="#fff" opacity=".7"/></g>')  # fmt: skip


def _end_and_heading(d: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """The last point of a path (absolute M, L, H, V, C only) and the unit vector it arrives along."""
    tokens = re.findall(r"[MLHVC]|-?\d+(?:\.\d+)?", d)
    x = y = 0.0
    before = (0.0, 0.0)
    command = ""
    numbers: list[float] = []
    for token in [*tokens, "M"]:
        if token.isalpha():
            if command == "C":
                before, (x, y) = (numbers[-4], numbers[-3]), (numbers[-2], numbers[-1])
            elif command in ("M", "L") and numbers:
                before, (x, y) = (x, y), (numbers[-2], numbers[-1])
            elif command == "H":
                before, x = (x, y), numbers[-1]
            elif command == "V":
                before, y = (x, y), numbers[-1]
            command, numbers = token, []
        else:
            numbers.append(float(token))
    length = math.hypot(x - before[0], y - before[1]) or 1.0
    return (x, y), ((x - before[0]) / length, (y - before[1]) / length)


def _head(end: tuple[float, float], heading: tuple[float, float], colour: str, size: float = 1.0) -> str:
    """An arrowhead drawn as a triangle (not an SVG marker: svglib drops markers, and the leaflet PDF is drawn from
    the same SVG)."""
    (x, y), (ux, uy) = end, heading
    tip = (x + 2 * size * ux, y + 2 * size * uy)
    base = (x - 8 * size * ux, y - 8 * size * uy)
    left = (base[0] - 5 * size * uy, base[1] + 5 * size * ux)
    right = (base[0] + 5 * size * uy, base[1] - 5 * size * ux)
    points = " ".join(f"{px:.1f},{py:.1f}" for px, py in (tip, left, right))
    return f'<polygon points="{points}" fill="{colour}"/>'


def _arrow(d: str) -> str:
    end, heading = _end_and_heading(d)
    return f'<path d="{d}" fill="none" stroke="{INK}" stroke-width="2"/>' + _head(end, heading, INK)


def _vertical(lanes_dashed: bool = True) -> str:
    dash = f'<line x1="40" y1="0" x2="40" y2="80" stroke="{LINE}" stroke-width="1.5" stroke-dasharray="5 4"/>'
    return f'<rect x="22" y="0" width="36" height="80" fill="{ROAD}"/>' + (dash if lanes_dashed else "")


def _junction() -> str:
    return (f'<rect x="24" y="0" width="32" height="80" fill="{ROAD}"/><rect x="0" y="24" width="80" height="32" '
            f'fill="{ROAD}"/>')  # fmt: skip


def _light(colour: str) -> str:
    return (f'<rect x="62" y="4" width="10" height="16" rx="2" fill="{INK}"/>'
            f'<circle cx="67" cy="{8 if colour == "red" else 16}" r="3" fill="{"#fa5252" if colour == "red" else "#40c057"}"/>')  # fmt: skip


def _sign(symbol: str) -> str:
    if symbol == "yield":
        return '<polygon points="62,4 76,4 69,16" fill="#fff" stroke="#e03131" stroke-width="2"/>'
    if symbol == "no_u_turn":
        return ('<circle cx="69" cy="11" r="8" fill="#fff" stroke="#e03131" stroke-width="2"/>'
                f'<path d="M66 15 v-5 a3 3 0 0 1 6 0 v2" fill="none" stroke="{INK}" stroke-width="1.5"/>'
                '<line x1="63" y1="5" x2="75" y2="17" stroke="#e03131" stroke-width="2"/>')  # fmt: skip
    if symbol == "one_way":
        return ('<rect x="60" y="4" width="16" height="9" rx="1" fill="#1971c2"/><path d="M63 8.5 H70" stroke="#fff" '
                'stroke-width="1.5"/>' + _head((70, 8.5), (1, 0), "#fff", 0.6))  # fmt: skip
    return ""


# Each circumstance: the scene as a function giving its SVG body.
SCENES: dict[int, Callable[[], str]] = {
    1: lambda: _vertical() + _car(40, 28, 0, OTHER) + _car(40, 56, 0, FAULT) + _arrow("M52 66 V40"),
    2: lambda: _vertical() + _car(49, 30, 0, OTHER) + _car(31, 58, 0, FAULT) + _arrow("M31 48 C31 38 44 40 46 32"),
    3: lambda: (
        _junction()
        + _light("green")
        + _car(48, 66, 0, FAULT)
        + _arrow("M48 56 C48 40 30 36 12 36")
        + _car(32, 12, 180, OTHER)
        + _arrow("M32 22 V52")
    ),
    4: lambda: (
        _junction()
        + _light("red")
        + _car(50, 68, 0, FAULT)
        + _arrow("M50 58 C50 48 58 46 74 46")
        + _car(10, 46, 90, OTHER)
        + _arrow("M20 46 H44")
    ),
    5: lambda: (
        _junction()
        + _light("red")
        + _car(48, 68, 0, FAULT)
        + _arrow("M48 58 V20")
        + _car(10, 46, 90, OTHER)
        + _arrow("M20 46 H40")
    ),
    6: lambda: (
        _junction()
        + _car(48, 62, 0, OTHER)
        + _arrow("M48 52 C48 40 36 34 14 34")
        + _car(34, 72, 0, FAULT)
        + _arrow("M34 62 V38")
    ),
    7: lambda: (
        _junction()
        + _sign("yield")
        + _car(48, 68, 0, FAULT)
        + _arrow("M48 58 V36")
        + _car(10, 34, 90, OTHER)
        + _arrow("M20 34 H40")
    ),
    8: lambda: (
        _junction()
        + _car(48, 66, 0, FAULT)
        + _arrow("M48 56 C48 40 30 36 12 36")
        + _car(32, 12, 180, OTHER)
        + _arrow("M32 22 V50")
    ),
    9: lambda: (
        _junction()
        + _car(32, 12, 180, FAULT)
        + _arrow("M32 22 C32 32 24 34 10 34")
        + _car(48, 68, 0, OTHER)
        + _arrow("M48 58 C48 44 38 40 20 38")
    ),
    10: lambda: (
        f'<circle cx="40" cy="36" r="26" fill="{ROAD}"/><circle cx="40" cy="36" r="12" fill="#b2f2bb"/>'
        f'<rect x="32" y="56" width="16" height="24" fill="{ROAD}"/>'
        + _car(60, 34, 180, OTHER)
        + _arrow("M62 46 C58 56 46 58 40 56")
        + _car(40, 70, 0, FAULT)
        + _arrow("M40 62 V52")
    ),
    11: lambda: (
        _vertical()
        + _car(31, 60, 0, FAULT)
        + _arrow("M31 50 V34 C31 20 22 20 22 34")
        + _car(49, 50, 0, OTHER)
        + _arrow("M49 40 V20")
    ),
    12: lambda: (
        _vertical()
        + _car(40, 40, 0, OTHER)
        + _arrow("M40 30 C40 14 26 14 26 28")
        + _car(52, 66, 0, FAULT)
        + _arrow("M52 56 V24")
    ),
    13: lambda: (
        _vertical()
        + _sign("no_u_turn")
        + _car(49, 58, 0, FAULT)
        + _arrow("M49 48 V32 C49 16 31 16 31 32")
        + _car(31, 60, 180, OTHER)
    ),
    14: lambda: (
        _vertical(lanes_dashed=False)
        + _sign("one_way")
        + _car(40, 22, 180, FAULT)
        + _arrow("M40 32 V52")
        + _car(40, 66, 0, OTHER)
    ),
    15: lambda: (
        _vertical()
        + _car(49, 54, 0, OTHER)
        + _car(31, 16, 180, OTHER)
        + _car(36, 70, 0, FAULT)
        + _arrow("M34 62 C30 50 30 40 32 30")
    ),
    16: lambda: (
        _vertical() + _car(49, 40, 0, OTHER) + _car(40, 56, 0, OTHER) + _car(28, 72, 0, FAULT) + _arrow("M27 64 V44")
    ),
    17: lambda: (
        _vertical() + '<path d="M31 52 v-10 M28 45 l3 -4 l3 4" stroke="#fff" stroke-width="1.5" fill="none"/>'
        '<path d="M49 52 v-6 q0 -4 -4 -4 M47 40 l-3 2 l3 2" stroke="#fff" stroke-width="1.5" fill="none"/>'
        + _car(31, 66, 0, FAULT)
        + _arrow("M31 58 C31 40 46 36 50 24")
        + _car(49, 26, 0, OTHER)
    ),
    18: lambda: _vertical() + _car(40, 26, 0, FAULT) + _arrow("M52 24 V48") + _car(40, 62, 0, OTHER),
    19: lambda: (
        f'<polygon points="0,20 80,60 80,80 0,80" fill="{ROAD}"/>'
        + _car(22, 36, 116, FAULT)
        + _arrow("M32 48 L52 58")
        + _car(66, 62, 116, OTHER)
    ),
    20: lambda: (
        _vertical()
        + _car(31, 40, 0, FAULT)
        + f'<line x1="36" y1="38" x2="44" y2="32" stroke="{FAULT}" stroke-width="2.5"/>'
        + _car(49, 62, 0, OTHER)
        + _arrow("M58 70 V40")
    ),
    21: lambda: (
        f'<rect x="14" y="10" width="52" height="60" rx="4" fill="#fff" stroke="{INK}" stroke-width="2"/>'
        f'<path d="M24 26 h32 M24 36 h32 M24 46 h20" stroke="{ROAD}" stroke-width="3"/>'
        f'<text x="52" y="62" font-size="18" font-weight="700" fill="{FAULT}">§</text>'
    ),
}


def circumstance_svg(number: int, *, size: int = 64, label: str = "") -> str:
    """The drawing of one circumstance, `size` px square on the page. Decorative (the text says it all) unless a
    `label` is given: then it is an image with that name (the public guide, R18, shows it on its own)."""
    scene = SCENES.get(number, SCENES[21])
    body = scene()
    if label:  # an image with a name, read out and shown as a tooltip
        name = escape(label, quote=True)
        opening = f'role="img" aria-label="{name}"><title>{name}</title>'
    else:
        opening = 'aria-hidden="true" focusable="false">'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="scene" viewBox="0 0 80 80" width="{size}" height="{size}" '
        f"{opening}"
        f'<rect width="80" height="80" rx="8" fill="{GROUND}"/>{body}</svg>'
    )


# Words a driver might type or tap to find a circumstance, in both languages (the filter on the page).
KEYWORDS: dict[int, str] = {
    1: "追尾 跟车 rear-end", 2: "变道 并线 lane change", 3: "路口 绿灯 转弯 junction turn", 4: "路口 红灯 右转 junction turn",
    5: "路口 闯红灯 junction red", 6: "路口 超车 左转 junction overtaking", 7: "路口 让行 标志 junction yield",
    8: "路口 转弯 junction turn", 9: "路口 右转 左转 junction turn", 10: "环岛 环行 路口 roundabout junction",
    11: "掉头 u-turn", 12: "掉头 超车 u-turn overtaking", 13: "掉头 禁止 u-turn", 14: "逆行 wrong way",
    15: "超车 会车 overtaking oncoming", 16: "超车 overtaking", 17: "导向车道 车道 lane", 18: "倒车 reversing",
    19: "溜车 rolling", 20: "车门 开门 door", 21: "其他 other",
}  # fmt: skip
