"""The chart kernel (issue 17): standalone, accessible SVG; lines with gaps, bars with withheld values, the county
map; round ticks; colours; the same charts in a PDF with Chinese text."""

from __future__ import annotations

import io
import itertools
import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimbridge.rules.geography import CountyIndex
from claimbridge.stats import charts
from claimbridge.stats.charts import Bar, Region, Series, bar_chart, choropleth, line_chart, nice_ticks

SRC = Path(__file__).resolve().parents[3]
BOUNDARIES = SRC.parent / "tests" / "data" / "gansu_longnan_tianshui_counties.geojson"
SVG = "{http://www.w3.org/2000/svg}"
MONTHS = [f"2024-{month:02d}" for month in range(1, 13)]


@cache
def index() -> CountyIndex:
    return CountyIndex.from_file(BOUNDARIES, crs="gcj02")


@cache
def regions() -> tuple[Region, ...]:
    return tuple(charts.regions_of(index()))


def county_values() -> dict[str, float | None]:
    values: dict[str, float | None] = {r.code: float(10 + 23 * i) for i, r in enumerate(regions())}
    values[regions()[3].code] = None  # 秦安县: withheld
    del values[regions()[5].code]  # 武山县: absent
    return values


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - the kernel's own output


def find(root: ET.Element, path: str) -> list[ET.Element]:
    return root.findall(path.replace("svg:", SVG))


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def tooltips(elements: list[ET.Element]) -> list[str]:
    return [element.findtext(f"{SVG}title") or "" for element in elements]


def a_line_chart() -> str:
    own = [120, 135, None, 150, 162, 158, 171, None, None, 190, 204, 199]
    market = [122, 126, 138, 131, 150, 149, 154, 162, 160, 169, 175, 178]
    return line_chart([Series("本公司", own), Series("市场", market)], MONTHS, title="各月报案数", unit="件")


def a_bar_chart() -> str:
    bars = [Bar("人保财险", 812, highlight=True), Bar("平安产险", 640), Bar("国寿财险", None), Bar("大地保险", 0)]
    return bar_chart(bars, title="各保险公司结案数", unit="件")


def a_map() -> str:
    return choropleth(regions(), county_values(), title="各县区报案数", unit="件")


CHARTS = {"line": a_line_chart, "bar": a_bar_chart, "map": a_map}


# --- every chart --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", CHARTS)
def test_a_chart_is_a_standalone_accessible_svg_the_csp_allows(kind):
    svg = CHARTS[kind]()
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox", "").startswith("0 0 360 ")
    assert root.get("width") == "100%"
    assert root.get("height") is None
    assert root.get("role") == "img"
    assert "Noto Sans CJK SC" in root.get("font-family", "")
    assert root.get("font-family", "").endswith("sans-serif")
    title, desc = root[0], root[1]
    assert (title.tag, desc.tag) == (f"{SVG}title", f"{SVG}desc")
    assert title.text
    assert desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    for element in root.iter():
        assert element.tag not in {f"{SVG}script", f"{SVG}foreignObject", f"{SVG}image", f"{SVG}use", f"{SVG}style"}
        for name in element.attrib:
            assert name not in {"style", "href", "{http://www.w3.org/1999/xlink}href"}, (element.tag, name)
            assert not name.startswith("on"), (element.tag, name)
    assert "url(" not in svg
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


@pytest.mark.parametrize("kind", CHARTS)
def test_a_chart_is_the_same_bytes_every_time(kind):
    assert CHARTS[kind]() == CHARTS[kind]()


def test_charts_with_different_data_get_different_ids_and_a_given_id_is_used():
    first = parse(bar_chart([Bar("甲", 1)], title="t")).get("aria-labelledby")
    second = parse(bar_chart([Bar("甲", 2)], title="t")).get("aria-labelledby")
    assert first != second
    assert parse(bar_chart([Bar("甲", 1)], title="t", chart_id="claims")).get("aria-labelledby") == (
        "claims-title claims-desc"
    )


def test_text_is_escaped_and_characters_xml_cannot_carry_are_dropped():
    label = 'A&B <公司> "甲"\x01'
    for svg in (
        bar_chart([Bar(label, 3)], title=label, unit="<件>"),
        line_chart([Series(label, [1.0, 2.0])], [label, "b"], title=label),
        choropleth([Region("1", label, regions()[0].geometry)], {"1": 5.0}, title=label),
    ):
        assert "&lt;公司&gt;" in svg
        assert "A&amp;B" in svg
        assert "\x01" not in svg
        root = parse(svg)
        assert root[0].text == 'A&B <公司> "甲"'


def test_the_kernel_does_not_import_django():
    code = "import sys, claimbridge.stats.charts; print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'ninja'}))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONPATH": str(SRC)}
    )
    assert out.stdout.strip() == "[]"


# --- ticks and classes --------------------------------------------------------------------------------------------

bounds = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(lo=bounds, hi=bounds, n=st.integers(min_value=2, max_value=10))
def test_ticks_cover_the_range_evenly_in_round_steps(lo, hi, n):
    ticks = nice_ticks(lo, hi, n)
    assert 2 <= len(ticks) <= n + 1
    assert ticks[0] <= min(lo, hi)
    assert ticks[-1] >= max(lo, hi)
    step = ticks[1] - ticks[0]
    for a, b in itertools.pairwise(ticks):
        assert b - a == pytest.approx(step, rel=1e-9)
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-12)
    assert min(abs(mantissa - m) for m in (1, 2, 5, 10)) < 1e-6
    assert all(tick / step == pytest.approx(round(tick / step), abs=1e-6) for tick in ticks)  # multiples of the step


def test_ticks_of_known_ranges():
    assert nice_ticks(0, 204) == [0, 100, 200, 300]
    assert nice_ticks(0, 0.3, 4) == [0, 0.1, 0.2, 0.3]  # the floats nearest the decimals, not 0.30000000000000004
    assert nice_ticks(0, 0) == [0, 0.5, 1]
    assert nice_ticks(100, 100) == [90, 95, 100, 105, 110]
    assert nice_ticks(-3, 7) == [-5, 0, 5, 10]
    with pytest.raises(ValueError, match="finite"):
        nice_ticks(0, math.inf)
    with pytest.raises(ValueError, match="n ≥ 2"):
        nice_ticks(0, 1, 1)


@given(
    values=st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=20),
    classes=st.integers(min_value=1, max_value=5),
)
def test_class_breaks_cover_the_values_in_equal_classes(values, classes):
    edges = charts.class_breaks(values, classes)
    assert len(edges) == classes + 1
    assert edges[0] <= min(values)
    assert edges[-1] >= max(values)
    step = edges[1] - edges[0]
    assert step > 0
    assert all(b - a == pytest.approx(step, rel=1e-9) for a, b in itertools.pairwise(edges))


def test_class_breaks_use_all_five_classes_when_a_round_step_allows():
    assert charts.class_breaks([9, 323]) == [0, 80, 160, 240, 320, 400]
    assert charts.class_breaks([0.12, 0.31]) == [0.12, 0.16, 0.2, 0.24, 0.28, 0.32]
    assert charts.class_breaks([-1, 1], 1) == [-2, 2]


def test_numbers_are_written_grouped_without_trailing_zeros():
    assert [charts.format_number(v) for v in (1234567, 12.5, 0.25, -0.0, 0.004, 3.0)] == [
        "1,234,567", "12.5", "0.25", "0", "0.004", "3",
    ]  # fmt: skip


# --- colours ------------------------------------------------------------------------------------------------------


def test_colours_contrast_with_white_and_the_map_classes_darken():
    for colour in (*charts.SERIES_COLOURS, charts.BAR_COLOUR, charts.HIGHLIGHT_COLOUR, charts.AXIS):
        assert charts.contrast_ratio(colour, charts.WHITE) >= 3, colour  # graphics (WCAG 1.4.11)
    for colour in (charts.INK, charts.MUTED):
        assert charts.contrast_ratio(colour, charts.WHITE) >= 4.5, colour  # text
    assert charts.contrast_ratio(charts.BAR_COLOUR, charts.HIGHLIGHT_COLOUR) > 1.0
    lightness = [charts.contrast_ratio(colour, "#000000") for colour in charts.SEQUENTIAL]
    assert lightness == sorted(lightness, reverse=True)
    for fill in (*charts.SEQUENTIAL, charts.NO_DATA_COLOUR):
        assert charts.contrast_ratio(charts._ink_on(fill), fill) >= 4.5, fill  # names on the map


# --- line chart ---------------------------------------------------------------------------------------------------


def test_a_line_chart_draws_each_series_with_gaps_and_a_tooltip_per_point():
    root = parse(a_line_chart())
    series = find(root, ".//svg:g[@class='series']")
    assert len(series) == 2
    own_line, market_line = (s.find(f"{SVG}path[@class='line']") for s in series)
    assert own_line is not None
    assert market_line is not None
    assert own_line.get("d", "").count("M") == 3  # 1–2, 4–7, 10–12: the withheld months are gaps
    assert market_line.get("d", "").count("M") == 1
    assert own_line.get("stroke") != market_line.get("stroke")
    own_points = list(series[0].find(f"{SVG}g[@class='points']") or [])
    assert len(own_points) == 9
    assert len(list(series[1].find(f"{SVG}g[@class='points']") or [])) == 12
    assert tooltips(own_points)[0] == "本公司 · 2024-01：120 件"
    assert [t for t in texts(root) if t in {"本公司", "市场"}] == ["本公司", "市场"]  # the legend
    assert "单位：件" in texts(root)


def test_an_isolated_point_is_a_marker_without_a_segment():
    root = parse(line_chart([Series("a", [None, 5, None, 7, 8])], list("abcde"), title="t"))
    line = root.find(f".//{SVG}path[@class='line']")
    assert line is not None
    assert line.get("d", "").count("M") == 2
    assert line.get("d", "").count("L") == 1
    assert len(list(root.find(f".//{SVG}g[@class='points']") or [])) == 3


def test_points_lie_between_the_lowest_and_highest_tick():
    root = parse(line_chart([Series("a", [3.0, 97.0, 50.0])], ["一", "二", "三"], title="t", zero_based=False))
    grid = [float(line.get("y1", "0")) for line in find(root, ".//svg:g[@class='axis']/svg:line")]
    points = [float(c.get("cy", "0")) for c in root.iter(f"{SVG}circle")][1:]  # the first is the legend's sample
    assert len(points) == 3
    assert all(min(grid) <= y <= max(grid) for y in points)
    tick_labels = [t.text for t in find(root, ".//svg:g[@class='axis']/svg:text")]
    assert tick_labels[0] == "0"
    assert tick_labels[-1] == "100"


def test_many_periods_are_thinned_keeping_the_latest_and_nothing_overlaps_or_leaves_the_drawing():
    labels = [f"{2022 + i // 12}年{i % 12 + 1}月" for i in range(36)]
    root = parse(line_chart([Series("出险率", [0.02 + 0.001 * i for i in range(36)])], labels, title="t",
                            y_format=lambda v: f"{v:.1%}"))  # fmt: skip
    shown = find(root, ".//svg:g[@class='x-labels']/svg:text")
    assert 3 <= len(shown) < 36
    assert shown[-1].text == "2024年12月"
    extents = []
    for text in shown:
        half = charts.text_width(text.text or "", float(text.get("font-size", "0"))) / 2
        extents.append((float(text.get("x", "0")) - half, float(text.get("x", "0")) + half))
    assert extents[0][0] >= 0
    assert extents[-1][1] <= 360
    assert all(a[1] < b[0] for a, b in itertools.pairwise(extents))
    assert tooltips(list(root.iter(f"{SVG}circle")))[-1] == "出险率 · 2024年12月：5.5%"


def test_long_period_labels_are_rotated():
    labels = [f"第{i}个很长的统计期间名称" for i in range(6)]
    root = parse(line_chart([Series("a", list(range(6)))], labels, title="t"))
    shown = find(root, ".//svg:g[@class='x-labels']/svg:text")
    assert shown
    assert all("rotate(-45" in (t.get("transform") or "") for t in shown)


def test_a_line_chart_without_values_says_so():
    root = parse(line_chart([Series("a", [None, None])], ["一", "二"], title="t"))
    assert "暂无数据" in texts(root)
    assert not list(root.find(f".//{SVG}g[@class='points']") or [])
    with pytest.raises(ValueError, match="2 values for 3 labels"):
        line_chart([Series("a", [1, 2])], ["一", "二", "三"], title="t")


def test_a_long_title_wraps_onto_two_lines_within_the_width():
    title = "陇南市与天水市各县区机动车交通事故责任强制保险报案数量、结案数量与赔付金额的逐月变化趋势（按保险公司分列）"
    root = parse(line_chart([Series("a", [1, 2])], ["一", "二"], title=title))
    lines = [t for t in root.iter(f"{SVG}text") if t.get("font-weight") == "bold"]
    assert len(lines) == 2
    assert lines[1].text
    assert lines[1].text.endswith("…")
    assert all(charts.text_width(t.text or "", 14) <= 360 - 16 for t in lines)
    assert root[0].text == title  # the whole title stays in <title>


# --- bar chart ----------------------------------------------------------------------------------------------------


def test_bars_in_the_given_order_with_values_the_withheld_without_a_bar_and_the_own_highlighted():
    root = parse(a_bar_chart())
    groups = find(root, ".//svg:g[@class='bar']")
    assert tooltips(groups) == ["人保财险：812 件", "平安产险：640 件", "国寿财险：<5", "大地保险：0 件"]
    rects = [g.find(f"{SVG}rect") for g in groups]
    assert [r is not None for r in rects] == [True, True, False, True]
    widths = [float(r.get("width", "0")) for r in rects if r is not None]
    assert widths[0] > widths[1] > 0
    assert widths[2] == 0
    assert rects[0] is not None
    assert rects[0].get("fill") == charts.HIGHLIGHT_COLOUR
    assert rects[1] is not None
    assert rects[1].get("fill") == charts.BAR_COLOUR
    assert groups[0].get("data-highlight") == "true"
    assert [t.text for t in groups[2].iter(f"{SVG}text")] == ["国寿财险", "<5"]
    assert [t.text for t in groups[0].iter(f"{SVG}text")] == ["人保财险", "812"]
    assert "&lt;5" in a_bar_chart()


def test_bars_fit_the_drawing_and_long_labels_are_shortened():
    bars = [Bar("中国人民财产保险股份有限公司甘肃省分公司", 1_234_567), Bar("乙", 3)]
    root = parse(bar_chart(bars, title="t", suppressed_text="少于5"))
    first = find(root, ".//svg:g[@class='bar']")[0]
    label, value = (t for t in first.iter(f"{SVG}text"))
    assert (label.text or "").endswith("…")
    assert value.text == "1,234,567"
    end = float(value.get("x", "0")) + charts.text_width(value.text, 10)
    assert end <= 360
    assert tooltips([first]) == ["中国人民财产保险股份有限公司甘肃省分公司：1,234,567"]


def test_all_zero_bars_and_a_custom_placeholder():
    root = parse(bar_chart([Bar("甲", 0), Bar("乙", 0), Bar("丙", None)], title="t", suppressed_text="—"))
    rects = [r for g in find(root, ".//svg:g[@class='bar']") for r in g.iter(f"{SVG}rect")]
    assert [float(r.get("width", "1")) for r in rects] == [0, 0]
    assert texts(root).count("0") == 2
    assert "—" in texts(root)


def test_negative_bars_grow_left_of_the_zero_line():
    root = parse(bar_chart([Bar("增", 10), Bar("减", -5)], title="t"))
    up, down = (g.find(f"{SVG}rect") for g in find(root, ".//svg:g[@class='bar']"))
    assert up is not None
    assert down is not None
    assert float(down.get("x", "0")) + float(down.get("width", "0")) == pytest.approx(float(up.get("x", "0")))


def test_vertical_bars_name_every_category():
    bars = [Bar(r.name, 10.0 * i) for i, r in enumerate(regions())]
    root = parse(bar_chart(bars, title="t", horizontal=False))
    assert len(find(root, ".//svg:g[@class='bar']/svg:rect")) == 16
    shown = [t.text for t in find(root, ".//svg:g[@class='x-labels']/svg:text")]
    assert shown == [r.name for r in regions()]


def test_no_bars_says_so():
    assert "暂无数据" in texts(parse(bar_chart([], title="t")))


# --- county map ---------------------------------------------------------------------------------------------------


def test_the_map_draws_every_county_of_the_file_once_with_its_value():
    svg = a_map()
    root = parse(svg)
    paths = find(root, ".//svg:g[@class='regions']/svg:path")
    assert sorted(p.get("data-code") or "" for p in paths) == sorted(loc.adcode or "" for loc in index().locations)
    assert len(paths) == 16
    by_code = {p.get("data-code"): p for p in paths}
    first = regions()[0]
    assert tooltips([by_code[first.code]]) == [f"{first.name}：10 件"]
    assert tooltips([by_code[regions()[3].code]]) == ["秦安县：无数据"]
    assert by_code[regions()[5].code].get("fill") == charts.NO_DATA_COLOUR
    assert len(svg.encode()) < 60_000


def test_the_map_legend_covers_the_values_and_each_county_has_its_class_colour():
    root = parse(a_map())
    entries = find(root, ".//svg:g[@class='legend']/svg:g[@class='legend-entry']")
    legend = [(e.find(f"{SVG}rect"), e.findtext(f"{SVG}text")) for e in entries]
    assert [label for _, label in legend][-1] == "无数据"
    assert [rect.get("fill") for rect, _ in legend if rect is not None] == [*charts.SEQUENTIAL, charts.NO_DATA_COLOUR]
    edges = [float(n.replace(",", "")) for _, label in legend[:-1] for n in (label or "").split("～")]
    lows, highs = edges[::2], edges[1::2]
    known = [v for v in county_values().values() if v is not None]
    assert lows[0] <= min(known)
    assert highs[-1] >= max(known)
    assert lows[1:] == highs[:-1]
    for path in find(root, ".//svg:g[@class='regions']/svg:path"):
        value = county_values().get(path.get("data-code") or "")
        if value is not None:
            klass = min(int((value - lows[0]) // (highs[0] - lows[0])), 4)
            assert path.get("fill") == charts.SEQUENTIAL[klass], (path.get("data-code"), value)


def test_the_map_lies_inside_its_viewbox_and_names_sit_inside_their_counties():
    root = parse(a_map())
    width, height = (float(v) for v in root.get("viewBox", "").split()[2:])
    group = root.find(f".//{SVG}g[@class='regions']")
    assert group is not None
    match = re.fullmatch(r"translate\(([\d.]+) ([\d.]+)\) scale\(([\d.]+)\)", group.get("transform", ""))
    assert match
    dx, dy, scale = (float(v) for v in match.groups())
    xs, ys = [], []
    for path in group:
        for ring in re.findall(r"M(-?\d+) (-?\d+)l([^Mz]*)z", path.get("d", "")):
            x, y = int(ring[0]), int(ring[1])
            numbers = [int(n) for n in re.findall(r"-?\d+", ring[2])]
            for step_x, step_y in zip(numbers[::2], numbers[1::2], strict=True):
                x, y = x + step_x, y + step_y
                xs.append(x)
                ys.append(y)
    assert dx + min(xs) * scale >= 0
    assert dx + max(xs) * scale <= width
    assert dy + min(ys) * scale >= 0
    assert dy + max(ys) * scale <= height
    names = [t.text for t in find(root, ".//svg:g[@class='names']/svg:text")]
    assert "麦积区" in names
    assert "张家川" in names
    assert len(names) >= 10


def test_map_breaks_and_legend_labels_can_be_given():
    values = {r.code: float(i) for i, r in enumerate(regions())}
    root = parse(choropleth(regions(), values, title="t", breaks=[0, 5, 10, 20], legend_labels=["少", "中", "多"]))
    legend = [e.findtext(f"{SVG}text") for e in find(root, ".//svg:g[@class='legend-entry']")]
    assert legend == ["少", "中", "多"]  # every county has a value: no "no data" entry
    fills = {p.get("fill") for p in find(root, ".//svg:g[@class='regions']/svg:path")}
    assert fills == {charts.SEQUENTIAL[0], charts.SEQUENTIAL[2], charts.SEQUENTIAL[4]}
    with pytest.raises(ValueError, match="increasing"):
        choropleth(regions(), values, title="t", breaks=[0, 5, 5])
    with pytest.raises(ValueError, match="3 legend labels"):
        choropleth(regions(), values, title="t", breaks=[0, 5, 10, 20], legend_labels=["a"])


def test_a_map_in_english():
    root = parse(choropleth(regions(), {}, title="Claims", unit="cases", wording=charts.ENGLISH))
    assert "Unit: cases" in texts(root)
    assert "No data" in texts(root)
    assert tooltips(find(root, ".//svg:g[@class='regions']/svg:path"))[0] == "秦州区: No data"


def test_short_county_names():
    assert [charts.short_name(n) for n in ("张家川回族自治县", "东乡族自治县", "积石山保安族东乡族撒拉族自治县", "麦积区")] == [
        "张家川", "东乡", "积石山", "麦积区",
    ]  # fmt: skip


def test_the_index_gives_its_counties_as_regions():
    pairs = index().regions()
    assert [location for location, _ in pairs] == index().locations
    assert all(a is b for (_, a), b in zip(pairs, index().geometries, strict=True))
    assert regions()[6].name == "张家川回族自治县"
    assert regions()[6].label == "张家川"


# --- PDF ----------------------------------------------------------------------------------------------------------


def test_the_charts_go_into_a_one_page_pdf_with_chinese_text():
    from pypdf import PdfReader
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    drawings = [charts.svg_to_drawing(make(), width=250) for make in CHARTS.values()]
    assert all(d.width == pytest.approx(250) for d in drawings)
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    y = A4[1] - 20
    for i, drawing in enumerate(drawings):
        x = 30 if i < 2 else 300
        top = y if i < 2 else A4[1] - 20
        drawing.drawOn(page, x, top - drawing.height)
        y -= drawing.height + 20
    page.showPage()
    page.save()
    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for words in ("各月报案数", "单位：件", "本公司", "人保财险", "各县区报案数", "无数据", "麦积区"):
        assert words in text, words
    fonts = {str(font.get_object()["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("STSong-Light" in font for font in fonts)


def test_svg_to_drawing_refuses_what_is_not_svg():
    with pytest.raises(ValueError, match="not an SVG"):
        charts.svg_to_drawing("<html/>")


def test_a_count_trend_has_whole_ticks():
    """Issue 17: a month of 1 or 2 cases draws ticks 0, 1, 2, …, never 0.5 of a case."""
    svg = charts.line_chart([charts.Series("报案数", [1, 2, 1])], ["1月", "2月", "3月"], title="报案数", whole=True)
    ticks = [
        t for t in parse(svg).iter("{http://www.w3.org/2000/svg}text") if (t.text or "").replace(".", "").isdigit()
    ]
    assert ticks
    assert all("." not in (t.text or "") for t in ticks)
