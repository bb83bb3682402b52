"""Charts of the statistics, drawn on the server as standalone SVG (issue 17): trend lines, bars, a county map.

Pure and framework-free: the same data gives the same bytes. Each chart is an `<svg>` with a viewBox (it scales to
its container's width), `role="img"`, a `<title>` and a `<desc>`. Only presentation attributes are used — no inline
styles, scripts, event handlers or external resources — so the pages' strict CSP allows them inline, and the same
text goes into the report's PDF through svglib (`svg_to_drawing`). The viewBox is 360 units wide, a phone's width:
one unit is one CSS pixel there.

Colours: lines and bars from Okabe and Ito's colour-blind-safe set, darkened where needed for 3:1 against white;
the map's five classes are ColorBrewer's YlGnBu (sequential, colour-blind safe); names on the map are dark or white,
whichever contrasts more with their county's fill. Every fixed word is in a `Wording` (Chinese by default, `ENGLISH`
beside it); text widths are estimated (CJK one em, Latin about 0.6 em), so labels are thinned, rotated or shortened
before they could overlap.

The map reuses the outline kernel of the service directory (`organisations.maps.build_map`): the coverage is
simplified together (neighbours keep meeting) with a tolerance of half a drawn pixel, and projected equirectangular
with x scaled by the cosine of the middle latitude.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import shapely
from shapely.geometry.base import BaseGeometry

from claimbridge.organisations.maps import Projection, build_map
from claimbridge.rules.geography import CountyIndex, Location

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing

WIDTH = 360.0
PAD = 8.0
FONT_FAMILY = '"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif'
TITLE_SIZE, TEXT_SIZE, SMALL_SIZE = 14.0, 11.0, 10.0

INK, MUTED, GRID, AXIS, WHITE = "#1f2328", "#57606a", "#d8dee4", "#8c959f", "#ffffff"
# Okabe–Ito blue, vermillion, bluish green; Tol's purple; a grey — each at least 3:1 against white
SERIES_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#aa3377", "#6e6e6e")
SERIES_DASHES = ("", "6 3", "2 2", "8 3 2 3", "4 4")
SERIES_MARKERS = ("circle", "square", "triangle", "diamond", "circle")
BAR_COLOUR, HIGHLIGHT_COLOUR = "#4d7fab", "#d55e00"
SEQUENTIAL = (
    "#ffffcc",
    "#a1dab4",
    "#41b6c4",
    "#225ea8",
    "#0c2c84",
)  # ColorBrewer YlGnBu (5 of its 5- and 7-class sets)
NO_DATA_COLOUR = "#e1e4e8"

Formatter = Callable[[float], str]


@dataclass(frozen=True, slots=True)
class Wording:
    """The fixed words of the charts, in one language; `{…}` fields are filled in."""

    unit: str = "单位：{unit}"
    no_data: str = "无数据"  # a county without a value, on the map and its legend
    empty: str = "暂无数据"  # a chart with nothing to draw
    suppressed: str = "<5"  # a bar whose value is withheld (too few cases to publish)
    colon: str = "："
    separator: str = "、"
    range: str = "{lo}～{hi}"  # GB/T 15834: a range of numbers takes the wave dash
    line_desc: str = "折线图：{series}；{first}至{last}，共{count}个时点。"
    bar_desc: str = "条形图：共{count}项{top}。"
    bar_top: str = "，最高为{label}（{value}）"
    map_desc: str = "分级设色地图：{count}个县区，按数值分为{classes}级，颜色越深数值越大。"


CHINESE = Wording()
ENGLISH = Wording(
    unit="Unit: {unit}",
    no_data="No data",
    empty="No data yet",
    colon=": ",
    separator=", ",
    range="{lo}–{hi}",
    line_desc="Line chart: {series}; {first} to {last}, {count} points.",
    bar_desc="Bar chart: {count} items{top}.",
    bar_top="; highest: {label} ({value})",
    map_desc="Choropleth map: {count} counties in {classes} classes of value; darker means more.",
)


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per x label; None is a gap in the line


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float | None  # None: withheld, drawn as the placeholder text without a bar
    highlight: bool = False  # e.g. the viewer's own company


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # the key of `values`, e.g. the county's adcode
    name: str
    geometry: BaseGeometry  # lon/lat, any datum (it is only drawn)
    label: str | None = None  # a shorter name for the map itself; the tooltip keeps `name`


# ---------------------------------------------------------------------------------------------------------------
# numbers


def _decimal(mantissa: int, exponent: int) -> float:
    """mantissa × 10^exponent as the float nearest the decimal (so 3 × 0.1 is 0.3, not 0.30000000000000004)."""
    return float(mantissa * 10**exponent) if exponent >= 0 else mantissa / 10**-exponent


def _nice_step(raw: float) -> tuple[int, int]:
    """The smallest step of 1, 2 or 5 × 10^k that is at least `raw` (> 0), as (1|2|5, k)."""
    exponent = math.floor(math.log10(raw))
    for mantissa in (1, 2, 5):
        if _decimal(mantissa, exponent) >= raw * (1 - 1e-12):
            return mantissa, exponent
    return 1, exponent + 1


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About `n` round ticks (a step of 1, 2 or 5 × 10^k) from at or below `lo` to at or above `hi`: between 2 and
    n + 1 of them, evenly spaced, each the float nearest its decimal. Equal bounds get a span around them."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError("ticks need finite bounds")
    if n < 2:
        raise ValueError("ticks need n ≥ 2")
    lo, hi = min(lo, hi), max(lo, hi)
    if hi - lo <= 1e-9 * max(abs(lo), abs(hi)) or hi - lo < 1e-300:  # one value, or a span below float precision
        middle = (lo + hi) / 2
        half = abs(middle) * 0.1
        lo, hi = (middle - half, middle + half) if half >= 1e-300 else (min(lo, 0.0), max(hi, 0.0) + 1.0)
    if not math.isfinite(hi - lo):
        raise ValueError("ticks need a finite span")
    mantissa, exponent = _nice_step((hi - lo) / (n - 1))
    step = _decimal(mantissa, exponent)
    first, last = math.floor(lo / step), math.ceil(hi / step)
    # the quotients are off by a rounding error at times (0.3 / 0.1 = 2.9999999999999996): the end ticks are moved
    # to the innermost that, written as decimals, still cover the bounds
    while _decimal(first * mantissa, exponent) > lo:
        first -= 1
    while _decimal((first + 1) * mantissa, exponent) <= lo:
        first += 1
    while _decimal(last * mantissa, exponent) < hi:
        last += 1
    while _decimal((last - 1) * mantissa, exponent) >= hi:
        last -= 1
    return [_decimal(i * mantissa, exponent) for i in range(first, last + 1)]


def _tick_format(ticks: Sequence[float]) -> Formatter:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step > 0 else 0
    return lambda value: _grouped(value, decimals)


def _grouped(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text[1:] if re.fullmatch(r"-0(\.0*)?", text) else text


def format_number(value: float) -> str:
    """A value for a label or tooltip: thousands grouped, at most two decimals, no trailing zeros."""
    if float(value).is_integer():
        return _grouped(value, 0)
    text = _grouped(value, 2).rstrip("0").rstrip(".")
    return text if text not in {"0", "-0"} else f"{value:.2g}"


def _with_unit(text: str, unit: str) -> str:
    if not unit:
        return text
    return f"{text}{unit}" if unit in {"%", "‰"} else f"{text} {unit}"


_CLASS_STEPS = (10, 15, 20, 25, 30, 40, 50, 60, 80)  # classes may be finer than ticks: 1.5, 2.5, 3, 4, 6, 8 too


def class_breaks(values: Sequence[float], classes: int = 5) -> list[float]:
    """`classes` + 1 round edges of equal classes that cover the values (the last class includes its top): the
    smallest step of 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^k that reaches from a multiple of it to the largest."""
    if classes < 1:
        raise ValueError("at least one class")
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    if hi - lo <= 1e-9 * max(abs(lo), abs(hi)) or hi - lo < 1e-300:  # one value, or a span below float precision
        hi = lo + (abs(lo) if abs(lo) >= 1e-300 else 1.0)
    if classes == 1:  # one class cannot always start at a multiple of its width: round ends instead
        ticks = nice_ticks(lo, hi, 2)
        return [ticks[0], ticks[-1]]
    exponent = math.floor(math.log10((hi - lo) / classes)) - 1
    while True:  # the smallest round step (in tenths of a power of ten) whose classes reach the top
        for tenths in _CLASS_STEPS:
            first = math.floor(lo / _decimal(tenths, exponent))
            while _decimal(first * tenths, exponent) > lo:
                first -= 1
            while _decimal((first + 1) * tenths, exponent) <= lo:
                first += 1
            if _decimal((first + classes) * tenths, exponent) >= hi:
                return [_decimal((first + i) * tenths, exponent) for i in range(classes + 1)]
        exponent += 1


# ---------------------------------------------------------------------------------------------------------------
# text and colour

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _esc(text: str) -> str:
    """Text for an element or a double-quoted attribute; characters XML cannot carry are dropped."""
    return escape(_NOT_XML.sub("", str(text)), {'"': "&quot;"})


def _n(value: float) -> str:
    text = f"{value:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text


def text_width(text: str, size: float) -> float:
    """An estimate of the drawn width: wide (CJK) characters one em, digits and Latin letters about 0.6 em."""
    em = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in {"W", "F"}:
            em += 1.0
        elif char == " " or char in ".,:;'|!il":
            em += 0.3
        else:
            em += 0.6
    return em * size


def _truncate(text: str, size: float, width: float) -> str:
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _wrap(text: str, size: float, width: float, lines: int = 2) -> list[str]:
    """Break at spaces where there are any, else between characters (CJK); the last line is shortened with …."""
    out: list[str] = []
    rest = text.strip()
    while rest and len(out) < lines - 1 and text_width(rest, size) > width:
        cut = len(rest)
        while cut > 1 and text_width(rest[:cut], size) > width:
            cut -= 1
        space = rest.rfind(" ", 0, cut + 1)
        if space > 0:
            cut = space
        out.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        out.append(_truncate(rest, size, width))
    return out


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast of two #rrggbb colours, from 1 to 21."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _ink_on(fill: str) -> str:
    return INK if contrast_ratio(INK, fill) >= contrast_ratio(WHITE, fill) else WHITE


# ---------------------------------------------------------------------------------------------------------------
# pieces shared by the charts


def _text(x: float, y: float, text: str, *, size: float = TEXT_SIZE, anchor: str = "start", fill: str = INK,
          extra: str = "") -> str:  # fmt: skip
    anchor_attr = "" if anchor == "start" else f' text-anchor="{anchor}"'
    return f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}"{anchor_attr} fill="{fill}"{extra}>{_esc(text)}</text>'


def _header(title: str, unit: str, wording: Wording) -> tuple[list[str], float]:
    parts: list[str] = []
    y = PAD
    for line in _wrap(title, TITLE_SIZE, WIDTH - 2 * PAD):
        y += TITLE_SIZE
        parts.append(_text(PAD, y, line, size=TITLE_SIZE, extra=' font-weight="bold"'))
        y += TITLE_SIZE * 0.35
    if unit:
        y += SMALL_SIZE + 2
        parts.append(_text(PAD, y, wording.unit.format(unit=unit), size=SMALL_SIZE, fill=MUTED))
    return parts, y + 4


def _document(body: Sequence[str], *, height: float, title: str, desc: str, chart_id: str | None, kind: str) -> str:
    inner = "".join(body)
    ident = chart_id or f"chart-{hashlib.sha256((kind + title + desc + inner).encode()).hexdigest()[:10]}"
    ident = _esc(ident)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(WIDTH)} {_n(math.ceil(height))}" width="100%" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" class="chart chart-{kind}" '
        f"font-family='{FONT_FAMILY}'>"
        f'<title id="{ident}-title">{_esc(title)}</title><desc id="{ident}-desc">{_esc(desc)}</desc>'
        f'<rect width="{_n(WIDTH)}" height="{_n(math.ceil(height))}" fill="{WHITE}"/>{inner}</svg>'
    )


def _category_labels(
    labels: Sequence[str], centres: Sequence[float], band: float, top: float, *, every_label: bool = False
) -> tuple[list[str], float]:
    """Labels under categories `band` apart, level when they fit. Periods (`every_label` False) are thinned to every
    k-th counted back from the last (the latest is always named), and rotated by 45° only when that would leave
    fewer than four; categories are all named, rotated by 45° or, when even that is too tight, 90°. Level labels
    never pass the edges: end labels are moved inside, and a label they would then touch is left out."""
    if not labels:
        return [], 0.0
    size = SMALL_SIZE
    widest = max(text_width(label, size) for label in labels)
    count = len(labels)
    every, angle = 1, 0
    if widest + 6 > band:
        every = math.ceil((widest + 6) / band)
        if every_label or math.ceil(count / every) < min(count, 4):
            angle = 45 if band * math.sin(math.pi / 4) >= size * 1.25 else 90
            every = max(1, math.ceil(size * 1.25 / (band * math.sin(math.radians(angle)))))
    sine, cosine = math.sin(math.radians(angle)), math.cos(math.radians(angle))
    if angle:
        labels = [_truncate(label, size, min(80.0, (x + 3) / cosine if cosine > 0.01 else 80.0))
                  for label, x in zip(labels, centres, strict=True)]  # fmt: skip
        widest = max(text_width(label, size) for label in labels)
    parts: list[str] = []
    limit = WIDTH  # the left edge of the label drawn last (drawing goes from the right)
    for i in range(count - 1, -1, -1):
        if (count - 1 - i) % every:
            continue
        label, x = labels[i], centres[i]
        if angle:
            x, y = x + size * 0.35, top + 6
            parts.append(_text(x, y, label, size=size, anchor="end", fill=MUTED,
                               extra=f' transform="rotate(-{angle} {_n(x)} {_n(y)})"'))  # fmt: skip
            continue
        half = text_width(label, size) / 2
        x = min(max(x, half + 2), WIDTH - 2 - half)
        if parts and x + half > limit - 4:
            continue
        limit = x - half
        parts.append(_text(x, top + size + 3, label, size=size, anchor="middle", fill=MUTED))
    parts.reverse()
    height = widest * sine + size * cosine + 10 if angle else size + 6
    return parts, height


def _plot_right(left: float, count: int, last_label: str) -> float:
    """The right end of a plot whose last category's level label, centred on it, ends inside the drawing."""
    right = WIDTH - PAD
    overflow = right - (right - left) / max(count, 1) / 2 + text_width(last_label, SMALL_SIZE) / 2 - (WIDTH - 2)
    return right - max(0.0, overflow) / (1 - 1 / (2 * max(count, 1)))


def _y_axis(ticks: Sequence[float], fmt: Formatter, left: float, right: float, y_of: Callable[[float], float]) -> str:
    parts = []
    for tick in ticks:
        y = y_of(tick)
        colour = AXIS if tick == 0 else GRID
        parts.append(
            f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(right)}" y2="{_n(y)}" stroke="{colour}" stroke-width="1"/>'
        )
        parts.append(_text(left - 4, y + 3.5, fmt(tick), size=SMALL_SIZE, anchor="end", fill=MUTED))
    return f'<g class="axis">{"".join(parts)}</g>'


def _empty(x: float, y: float, wording: Wording) -> str:
    return _text(x, y, wording.empty, size=TEXT_SIZE, anchor="middle", fill=MUTED, extra=' class="empty"')


# ---------------------------------------------------------------------------------------------------------------
# line chart


def _marker(kind: str, x: float, y: float, colour: str, tooltip: str) -> str:
    title = f"<title>{_esc(tooltip)}</title>"
    common = f'fill="{colour}" stroke="{WHITE}" stroke-width="1"'
    if kind == "square":
        return f'<rect x="{_n(x - 3)}" y="{_n(y - 3)}" width="6" height="6" {common}>{title}</rect>'
    if kind == "triangle":
        return f'<path d="M{_n(x)} {_n(y - 4)}L{_n(x + 3.6)} {_n(y + 2.6)}L{_n(x - 3.6)} {_n(y + 2.6)}Z" {common}>{title}</path>'
    if kind == "diamond":
        return f'<path d="M{_n(x)} {_n(y - 4)}L{_n(x + 4)} {_n(y)}L{_n(x)} {_n(y + 4)}L{_n(x - 4)} {_n(y)}Z" {common}>{title}</path>'
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.2" {common}>{title}</circle>'


def _series_style(i: int) -> tuple[str, str, str]:
    """Colour, dash pattern and marker of the i-th series: told apart without colour too."""
    return (
        SERIES_COLOURS[i % len(SERIES_COLOURS)],
        SERIES_DASHES[i % len(SERIES_DASHES)],
        SERIES_MARKERS[i % len(SERIES_MARKERS)],
    )


def _legend_row(items: Sequence[tuple[str, str]], top: float) -> tuple[list[str], float]:
    """(svg of a sample, name) items in rows; the sample is 18 units wide."""
    parts: list[str] = []
    x, y = PAD, top + TEXT_SIZE
    for sample, name in items:
        name = _truncate(name, TEXT_SIZE, WIDTH - 2 * PAD - 24)
        width = 22 + text_width(name, TEXT_SIZE) + 14
        if x > PAD and x + width > WIDTH - PAD:
            x, y = PAD, y + TEXT_SIZE + 6
        parts.append(f'<g transform="translate({_n(x)} {_n(y - 4)})">{sample}</g>')
        parts.append(_text(x + 22, y, name))
        x += width
    return parts, y + 4


def line_chart(
    series: Sequence[Series],
    x_labels: Sequence[str],
    *,
    title: str,
    unit: str = "",
    y_format: Formatter | None = None,
    zero_based: bool = True,
    desc: str | None = None,
    wording: Wording = CHINESE,
    chart_id: str | None = None,
    whole: bool = False,
) -> str:
    """One or more named series over the same periods (e.g. own company and market). None is a gap; each point
    carries a tooltip; the y axis has round ticks (from zero unless `zero_based` is False; whole numbers only when
    `whole`, for counts); `y_format` writes the ticks and tooltips (default: grouped digits)."""
    for item in series:
        if len(item.values) != len(x_labels):
            raise ValueError(f"series {item.name!r} has {len(item.values)} values for {len(x_labels)} labels")
    parts, top = _header(title, unit, wording)
    legend = []
    for i, item in enumerate(series):
        colour, dash, marker = _series_style(i)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        sample = f'<line x1="0" y1="0" x2="18" y2="0" stroke="{colour}" stroke-width="2"{dash_attr}/>' + _marker(
            marker, 9, 0, colour, item.name
        )
        legend.append((sample, item.name))
    legend_parts, top = _legend_row(legend, top)
    parts.append(f'<g class="legend">{"".join(legend_parts)}</g>')
    numbers = [float(v) for item in series for v in item.values if v is not None]
    lo, hi = (min(numbers), max(numbers)) if numbers else (0.0, 1.0)
    if zero_based:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if whole:  # a count of 1.5 cases is no tick: a span of at least four gives steps of one or more
        hi = max(hi, lo + 4)
    ticks = nice_ticks(lo, hi, 5)
    tick_format = y_format or _tick_format(ticks)
    value_format = y_format or format_number
    plot_top = top + 8
    plot_height = 130.0
    left = PAD + max(text_width(tick_format(t), SMALL_SIZE) for t in ticks) + 6
    count = len(x_labels)
    right = _plot_right(left, count, x_labels[-1]) if x_labels else WIDTH - PAD
    band = (right - left) / max(count, 1)
    centres = [left + (i + 0.5) * band for i in range(count)]

    def y_of(value: float) -> float:
        return plot_top + plot_height * (ticks[-1] - value) / (ticks[-1] - ticks[0])

    parts.append(_y_axis(ticks, tick_format, left, right, y_of))
    label_parts, label_height = _category_labels(x_labels, centres, band, plot_top + plot_height)
    parts.append(f'<g class="x-labels">{"".join(label_parts)}</g>')
    if not numbers:
        parts.append(_empty((left + right) / 2, plot_top + plot_height / 2, wording))
    for i, item in enumerate(series):
        colour, dash, marker = _series_style(i)
        path, markers, pen_down = [], [], False
        for label, x, value in zip(x_labels, centres, item.values, strict=True):
            if value is None:
                pen_down = False
                continue
            y = y_of(float(value))
            path.append(f"{'L' if pen_down else 'M'}{_n(x)} {_n(y)}")
            pen_down = True
            tooltip = f"{item.name} · {label}{wording.colon}{_with_unit(value_format(float(value)), unit)}"
            markers.append(_marker(marker, x, y, colour, tooltip))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        line = (f'<path class="line" d="{"".join(path)}" fill="none" stroke="{colour}" stroke-width="2" '
                f'stroke-linejoin="round" stroke-linecap="round"{dash_attr}/>') if path else ""  # fmt: skip
        parts.append(f'<g class="series" data-series="{i}">{line}<g class="points">{"".join(markers)}</g></g>')
    height = plot_top + plot_height + label_height + PAD
    if desc is None:
        desc = wording.line_desc.format(
            series=wording.separator.join(item.name for item in series),
            first=x_labels[0] if x_labels else "",
            last=x_labels[-1] if x_labels else "",
            count=count,
        )
    return _document(parts, height=height, title=title, desc=desc, chart_id=chart_id, kind="line")


# ---------------------------------------------------------------------------------------------------------------
# bar chart


def _bar_desc(bars: Sequence[Bar], unit: str, fmt: Formatter, wording: Wording) -> str:
    known = [bar for bar in bars if bar.value is not None]
    top = ""
    if known:
        best = max(known, key=lambda bar: float(bar.value or 0))
        top = wording.bar_top.format(label=best.label, value=_with_unit(fmt(float(best.value or 0)), unit))
    return wording.bar_desc.format(count=len(bars), top=top)


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    unit: str = "",
    horizontal: bool = True,
    value_format: Formatter | None = None,
    suppressed_text: str | None = None,
    desc: str | None = None,
    wording: Wording = CHINESE,
    chart_id: str | None = None,
) -> str:
    """Bars in the order given, each value written at its end; a highlighted bar in another colour (and its label
    in bold); a None value draws no bar but `suppressed_text` (default: the wording's "<5")."""
    fmt = value_format or format_number
    placeholder = wording.suppressed if suppressed_text is None else suppressed_text
    parts, top = _header(title, unit, wording)
    known = [float(bar.value) for bar in bars if bar.value is not None]
    low, high = min([0.0, *known]), max([0.0, *known])
    if low == high:
        high = 1.0
    if desc is None:
        desc = _bar_desc(bars, unit, fmt, wording)
    if not bars:
        parts.append(_empty(WIDTH / 2, top + 30, wording))
        return _document(parts, height=top + 50, title=title, desc=desc, chart_id=chart_id, kind="bar")
    draw = _horizontal_bars if horizontal else _vertical_bars
    body, height = draw(bars, top, low, high, fmt, placeholder, unit, wording)
    return _document([*parts, *body], height=height, title=title, desc=desc, chart_id=chart_id, kind="bar")


def _bar_tooltip(bar: Bar, fmt: Formatter, placeholder: str, unit: str, wording: Wording) -> str:
    value = placeholder if bar.value is None else _with_unit(fmt(float(bar.value)), unit)
    return f"<title>{_esc(bar.label + wording.colon + value)}</title>"


def _horizontal_bars(
    bars: Sequence[Bar], top: float, low: float, high: float, fmt: Formatter, placeholder: str, unit: str,
    wording: Wording,
) -> tuple[list[str], float]:  # fmt: skip
    row, thickness = 24.0, 14.0
    label_width = min(max(text_width(bar.label, TEXT_SIZE) for bar in bars), WIDTH * 0.38)
    texts = [placeholder if bar.value is None else fmt(float(bar.value)) for bar in bars]
    value_width = max(text_width(text, SMALL_SIZE) for text in texts) + 6
    negative_width = value_width if low < 0 else 0.0
    left = PAD + label_width + 6 + negative_width
    right = WIDTH - PAD - value_width
    scale = (right - left) / (high - low)
    zero = left - low * scale
    parts = []
    for i, (bar, text) in enumerate(zip(bars, texts, strict=True)):
        middle = top + row * i + row / 2
        bold = ' font-weight="bold"' if bar.highlight else ""
        label = _truncate(bar.label, TEXT_SIZE, label_width)
        inner = [_text(PAD + label_width, middle + 4, label, anchor="end", extra=bold)]
        if bar.value is None:
            inner.append(_text(zero + 4, middle + 3.5, text, size=SMALL_SIZE, fill=MUTED, extra=' class="suppressed"'))
        else:
            value = float(bar.value)
            end = zero + value * scale
            x, width = min(zero, end), abs(end - zero)
            colour = HIGHLIGHT_COLOUR if bar.highlight else BAR_COLOUR
            inner.append(f'<rect x="{_n(x)}" y="{_n(middle - thickness / 2)}" width="{_n(width)}" '
                         f'height="{_n(thickness)}" fill="{colour}"/>')  # fmt: skip
            if value < 0:
                inner.append(_text(end - 4, middle + 3.5, text, size=SMALL_SIZE, anchor="end", extra=bold))
            else:
                inner.append(_text(end + 4, middle + 3.5, text, size=SMALL_SIZE, extra=bold))
        highlight = ' data-highlight="true"' if bar.highlight else ""
        tooltip = _bar_tooltip(bar, fmt, placeholder, unit, wording)
        parts.append(f'<g class="bar"{highlight}>{tooltip}{"".join(inner)}</g>')
    bottom = top + row * len(bars)
    parts.append(
        f'<line x1="{_n(zero)}" y1="{_n(top)}" x2="{_n(zero)}" y2="{_n(bottom)}" stroke="{AXIS}" stroke-width="1"/>'
    )
    return parts, bottom + PAD


def _vertical_bars(
    bars: Sequence[Bar], top: float, low: float, high: float, fmt: Formatter, placeholder: str, unit: str,
    wording: Wording,
) -> tuple[list[str], float]:  # fmt: skip
    ticks = nice_ticks(low, high, 5)
    tick_format = _tick_format(ticks)
    plot_top, plot_height = top + 14, 140.0
    left = PAD + max(text_width(tick_format(t), SMALL_SIZE) for t in ticks) + 6
    right = WIDTH - PAD
    band = (right - left) / len(bars)
    thickness = min(band * 0.7, 40.0)
    centres = [left + (i + 0.5) * band for i in range(len(bars))]

    def y_of(value: float) -> float:
        return plot_top + plot_height * (ticks[-1] - value) / (ticks[-1] - ticks[0])

    parts = [_y_axis(ticks, tick_format, left, right, y_of)]
    zero = y_of(0.0)
    texts = [placeholder if bar.value is None else fmt(float(bar.value)) for bar in bars]
    fits = max(text_width(text, SMALL_SIZE) for text in texts) <= band - 2  # all values written, or none
    for bar, x, text in zip(bars, centres, texts, strict=True):
        bold = ' font-weight="bold"' if bar.highlight else ""
        inner = []
        if bar.value is None:
            if fits:
                inner.append(
                    _text(x, zero - 4, text, size=SMALL_SIZE, anchor="middle", fill=MUTED, extra=' class="suppressed"')
                )
        else:
            value = float(bar.value)
            end = y_of(value)
            colour = HIGHLIGHT_COLOUR if bar.highlight else BAR_COLOUR
            inner.append(f'<rect x="{_n(x - thickness / 2)}" y="{_n(min(zero, end))}" width="{_n(thickness)}" '
                         f'height="{_n(abs(end - zero))}" fill="{colour}"/>')  # fmt: skip
            if fits:
                y = end - 4 if value >= 0 else end + SMALL_SIZE + 2
                inner.append(_text(x, y, text, size=SMALL_SIZE, anchor="middle", extra=bold))
        highlight = ' data-highlight="true"' if bar.highlight else ""
        tooltip = _bar_tooltip(bar, fmt, placeholder, unit, wording)
        parts.append(f'<g class="bar"{highlight}>{tooltip}{"".join(inner)}</g>')
    label_parts, label_height = _category_labels(
        [bar.label for bar in bars], centres, band, plot_top + plot_height, every_label=True
    )
    parts.append(f'<g class="x-labels">{"".join(label_parts)}</g>')
    return parts, plot_top + plot_height + label_height + PAD


# ---------------------------------------------------------------------------------------------------------------
# county map

_ETHNIC = re.compile(r"(回|藏|东乡|保安|撒拉|裕固|哈萨克|蒙古|土|满)族")


def short_name(name: str) -> str:
    """A county's name as maps print it: 张家川回族自治县 → 张家川, 东乡族自治县 → 东乡; others unchanged."""
    if not name.endswith("自治县"):
        return name
    found = _ETHNIC.search(name)
    if found is None:
        return name
    return name[: found.start()] or found.group(1)


def regions_of(index: CountyIndex) -> list[Region]:
    """The counties of a boundary index as map regions keyed by adcode, in the file's order."""
    return [_region(location, geometry) for location, geometry in index.regions()]


def _region(location: Location, geometry: BaseGeometry) -> Region:
    name = location.county or location.adcode or ""
    return Region(code=location.adcode or "", name=name, geometry=geometry, label=short_name(name))


def _class_of(value: float, edges: Sequence[float]) -> int:
    for i in range(1, len(edges) - 1):
        if value < edges[i]:
            return i - 1
    return len(edges) - 2


def choropleth(
    regions: Sequence[Region],
    values: Mapping[str, float | None],
    *,
    title: str,
    unit: str = "",
    breaks: Sequence[float] | None = None,
    legend_labels: Sequence[str] | None = None,
    value_format: Formatter | None = None,
    desc: str | None = None,
    wording: Wording = CHINESE,
    chart_id: str | None = None,
) -> str:
    """Counties shaded by value in up to five classes (`breaks`: their edges, default `class_breaks` of the values;
    a value below the first or above the last edge goes to the end class), regions without a value in light grey
    with a "no data" legend entry. Each county is one path with the tooltip `name：value`; names are written at
    the county's pole of inaccessibility when they fit inside it (shortened first: `Region.label`)."""
    fmt = value_format or format_number
    known = {r.code: float(v) for r in regions if (v := values.get(r.code)) is not None and math.isfinite(float(v))}
    edges = list(breaks) if breaks is not None else class_breaks(list(known.values()))
    classes = len(edges) - 1
    if not 1 <= classes <= len(SEQUENTIAL) or any(b <= a for a, b in itertools.pairwise(edges)):
        raise ValueError(f"breaks must be 2 to {len(SEQUENTIAL) + 1} increasing edges")
    palette = [SEQUENTIAL[round(i * (len(SEQUENTIAL) - 1) / max(classes - 1, 1))] for i in range(classes)]
    if classes == 1:
        palette = [SEQUENTIAL[2]]
    if legend_labels is not None and len(legend_labels) != classes:
        raise ValueError(f"{classes} legend labels needed")
    labels = list(legend_labels) if legend_labels is not None else [
        wording.range.format(lo=fmt(edges[i]), hi=fmt(edges[i + 1])) for i in range(classes)
    ]  # fmt: skip
    parts, top = _header(title, unit, wording)
    map_width, map_max_height = WIDTH - 2 * PAD, 440.0
    units = 10  # map units per drawn unit: paths in whole tenths
    geometries = [region.geometry for region in regions]
    extent = shapely.total_bounds(geometries) if regions else (0.0, 0.0, 1.0, 1.0)
    span = max(float(extent[2] - extent[0]), float(extent[3] - extent[1]), 1e-9)
    tolerance = span / map_width / 2  # half a drawn unit
    frame = build_map(
        geometries,
        [Location(region.code, region.name, None, None) for region in regions],
        crs="wgs84",  # no datum conversion: the outlines are drawn as given
        tolerance=tolerance,
        width=round(map_width * units),
    )
    scale = min(1 / units, map_max_height / frame.height) if frame.height else 1 / units
    x0 = PAD + (map_width - frame.width * scale) / 2
    paths, names = [], []
    for region, shape in zip(regions, frame.shapes, strict=True):
        value = known.get(region.code)
        fill = NO_DATA_COLOUR if value is None else palette[_class_of(value, edges)]
        shown = wording.no_data if value is None else _with_unit(fmt(value), unit)
        tooltip = _esc(region.name + wording.colon + shown)
        paths.append(
            f'<path d="{shape.path}" fill="{fill}" data-code="{_esc(region.code)}"><title>{tooltip}</title></path>'
        )
        name = _fitting_name(region, shape.label, frame.projection, scale)
        if name:
            lx, ly = shape.label
            names.append(
                _text(x0 + lx * scale, top + ly * scale + 3.2, name, size=9, anchor="middle", fill=_ink_on(fill))
            )
    parts.append(
        f'<g class="regions" transform="translate({_n(x0)} {_n(top)}) scale({scale:.6g})" stroke="{AXIS}" '
        f'stroke-width="{_n(0.7 / scale)}" stroke-linejoin="round" fill-rule="evenodd">{"".join(paths)}</g>'
    )
    parts.append(f'<g class="names" aria-hidden="true">{"".join(names)}</g>')
    entries = list(zip(palette, labels, strict=True))
    if len(known) < len(regions):
        entries.append((NO_DATA_COLOUR, wording.no_data))
    legend, height = _map_legend(entries, top + frame.height * scale + 8)
    parts.append(legend)
    if desc is None:
        desc = wording.map_desc.format(count=len(regions), classes=classes)
    return _document(parts, height=height, title=title, desc=desc, chart_id=chart_id, kind="map")


def _fitting_name(region: Region, at: tuple[float, float], projection: Projection, scale: float) -> str:
    """The region's label (or full name) when its box, 9 units high, lies inside the region; else ''."""
    unproject = projection.unproject
    for name in dict.fromkeys([region.label or region.name, region.name, short_name(region.name)]):
        half_w, half_h = text_width(name, 9) / 2 / scale, 6 / scale
        south, west = unproject(at[0] - half_w, at[1] + half_h)
        north, east = unproject(at[0] + half_w, at[1] - half_h)
        if region.geometry.covers(shapely.box(west, south, east, north)):
            return name
    return ""


def _map_legend(entries: Sequence[tuple[str, str]], top: float) -> tuple[str, float]:
    widest = max(text_width(label, SMALL_SIZE) for _, label in entries) + 26
    columns = max(1, min(3, int((WIDTH - 2 * PAD) // widest)))
    column_width = (WIDTH - 2 * PAD) / columns
    parts = []
    for i, (colour, label) in enumerate(entries):
        x = PAD + (i % columns) * column_width
        y = top + (i // columns) * 18
        parts.append(f'<g class="legend-entry"><rect x="{_n(x)}" y="{_n(y)}" width="16" height="11" fill="{colour}" '
                     f'stroke="{AXIS}" stroke-width="0.5"/>'
                     + _text(x + 21, y + 9.5, _truncate(label, SMALL_SIZE, column_width - 24), size=SMALL_SIZE)
                     + "</g>")  # fmt: skip
    rows = math.ceil(len(entries) / columns)
    return f'<g class="legend">{"".join(parts)}</g>', top + rows * 18 + PAD


# ---------------------------------------------------------------------------------------------------------------
# PDF


_SVG_START = re.compile(r"\s*(<\?xml[^>]*\?>\s*)?<svg[\s>]")


def svg_to_drawing(svg: str, *, font: str = "STSong-Light", width: float | None = None) -> Drawing:
    """A chart as a reportlab Drawing for a PDF (via svglib), every text in `font` — a registered reportlab font
    or one of reportlab's CID fonts (default STSong-Light, the standard PDF CJK font every reader supplies);
    scaled to `width` points if given (otherwise one SVG unit is 0.75 pt)."""
    import io

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from svglib.fonts import FontMap
    from svglib.svglib import svg2rlg

    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))

    class OneFont(FontMap):
        def find_font(self, font_name: str, weight: str = "normal", style: str = "normal") -> tuple[str, bool]:
            return font, True

    drawing = svg2rlg(io.BytesIO(svg.encode("utf-8")), font_map=OneFont()) if _SVG_START.match(svg) else None
    if drawing is None:
        raise ValueError("not an SVG document")
    if width is not None:
        factor = width / drawing.width
        drawing.scale(factor, factor)
        drawing.width, drawing.height = drawing.width * factor, drawing.height * factor
    return drawing
