"""`{% county_map county=… pin=… pickable=True link=… %}`: the county outlines of the configured boundaries as an
inline SVG, with no tiles and no network (issue 13, item 5).

- `county`: a County, a county code or None (the whole coverage). The map is framed on it and it is highlighted.
- `pin`: the accident's place: a Case (or anything with `latitude`, `longitude` and `crs`), a bound form (its
  `latitude`/`longitude` fields, and `crs` when it has one; WGS-84 otherwise), a dict, or None.
- `pickable`: a tap on the map fills the enclosing form's `latitude`/`longitude` (WGS-84, and its `crs` field to
  "wgs84" when it has one) and its county choice (`static/claimbridge/map.js`).
- `link`: a URL; each county becomes a link to `<link>?county=<code>` (the service directory).
- `card`: wrapped in its own card with a heading (the case page, the directory).
- `whole`: the whole coverage with the county highlighted, instead of framed on the county.

Pages that must not `{% load %}` it can `{% include "organisations/county_map.html" with county=… pin=… %}`.

No boundaries configured (or an unreadable file) draws nothing: the page works without its map.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from django import template
from django.utils.translation import gettext as _

from claimbridge.core.errors import reading_english
from claimbridge.organisations.maps import CountyMap, map_of_index
from claimbridge.organisations.reference import CITIES, COUNTIES
from claimbridge.rules.geography import CountyIndex

register = template.Library()
logger = logging.getLogger(__name__)

ENGLISH = {ref.code: ref.name_en for ref in (*CITIES, *COUNTIES)}
PIN_SIZE_PX = 28  # the pin's height on the screen; 360 px is the width the server assumes before the script knows
ASSUMED_WIDTH_PX = 360
LABEL_PX = 12


@cache
def _map_of(index: CountyIndex) -> CountyMap:
    # One map per loaded index, and `rulebook.services` loads one index per boundary file: cached per file.
    return map_of_index(index)


def county_map_data() -> CountyMap | None:
    from claimbridge.rulebook.services import BoundariesNotConfigured, county_index
    from claimbridge.rules.common import RuleInputError

    try:
        return _map_of(county_index())
    except BoundariesNotConfigured:
        return None
    except RuleInputError as unreadable:
        logger.warning("county map not drawn: %s", unreadable)
        return None


def _code(county: Any) -> str:
    if county is None or county == "":
        return ""
    return str(getattr(county, "code", county))


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN is no place


def pin_of(pin: Any) -> tuple[float, float, str] | None:
    """(latitude, longitude, crs) of whatever the page has as the accident's place."""
    if pin is None or pin == "":
        return None
    if hasattr(pin, "fields") and hasattr(pin, "__getitem__"):  # a Django form: its current values
        values = {name: pin[name].value() for name in ("latitude", "longitude", "crs") if name in pin.fields}
        values.setdefault("crs", "wgs84")
    elif isinstance(pin, dict):
        values = pin
    else:
        values = {name: getattr(pin, name, None) for name in ("latitude", "longitude", "crs")}
    lat, lon = _number(values.get("latitude")), _number(values.get("longitude"))
    if lat is None or lon is None:
        return None
    return lat, lon, str(values.get("crs") or "wgs84")


def _name(code: str, chinese: str, english: bool) -> str:
    return ENGLISH.get(code, chinese) if english else chinese


def _label(code: str, chinese: str, english: bool) -> str:
    if english:
        return ENGLISH.get(code, chinese).split(" ")[0]
    return chinese.removesuffix("回族自治县").removesuffix("自治县") or chinese


def _pin_text(placed: tuple[float, float, str]) -> str:
    lat, lon, crs = placed
    return _("Latitude %(lat).5f, longitude %(lon).5f (%(datum)s)") % {
        "lat": lat,
        "lon": lon,
        "datum": {"wgs84": "WGS-84", "gcj02": "GCJ-02"}.get(crs, crs),
    }


def _box(box: tuple[float, float, float, float]) -> str:
    return " ".join(f"{value:.0f}" for value in box)


@register.inclusion_tag("organisations/_county_map.html", takes_context=True)
def county_map(
    context: Any,
    county: Any = None,
    pin: Any = None,
    pickable: bool = False,
    link: str = "",
    card: bool = False,
    whole: bool = False,
) -> dict[str, Any]:
    drawn = county_map_data()
    if drawn is None:
        return {"drawn": False}
    english = reading_english()
    code = _code(county)
    if code not in drawn.by_code:
        code = ""
    view = drawn.view_box(None if whole else code or None)
    scale = view[2] / ASSUMED_WIDTH_PX  # map units per screen pixel, until the script measures
    shapes: list[dict[str, Any]] = []
    for shape in drawn.shapes:
        city = _name(shape.city_adcode or "", shape.city or "", english)
        shapes.append(
            {
                "adcode": shape.adcode,
                "path": shape.path,
                "box": _box(drawn.view_box(shape.adcode)),
                "place": f"{city} {_name(shape.adcode, shape.name, english)}" if english else city + shape.name,
                "label": _label(shape.adcode, shape.name, english),
                "label_x": f"{shape.label[0]:.0f}",
                "label_y": f"{shape.label[1]:.0f}",
                "selected": shape.adcode == code,
            }
        )
    shapes.sort(
        key=lambda shape: bool(shape["selected"])
    )  # the highlighted outline is drawn last, above its neighbours
    chosen = drawn.by_code.get(code)
    place = next((shape["place"] for shape in shapes if shape["selected"]), "")
    title = _("Map of %(place)s") % {"place": place} if chosen else _("Map of the counties of Longnan and Tianshui")
    placed = pin_of(pin)
    point = drawn.point(*placed[:2], crs=placed[2]) if placed else None
    counter = context.render_context.get("county_maps", 0) + 1
    context.render_context["county_maps"] = counter
    projection = drawn.projection
    return {
        "drawn": True,
        "id": f"county-map-{counter}",
        "title": title,
        "view_box": _box(view),
        "full_box": _box(drawn.view_box()),
        "projection": {
            "west": f"{projection.west:.6f}",
            "north": f"{projection.north:.6f}",
            "kx": f"{projection.kx:.4f}",
            "ky": f"{projection.ky:.4f}",
        },
        "shapes": shapes,
        "font_size": f"{LABEL_PX * scale:.0f}",
        "pin": {"x": f"{point[0]:.1f}", "y": f"{point[1]:.1f}"} if point else None,
        "pin_text": _pin_text(placed) if placed and not pickable else "",
        "zoomed": view != drawn.view_box(),
        "pin_scale": f"{scale:.3f}",
        "pickable": pickable,
        "link": link,
        "card": card,
    }
