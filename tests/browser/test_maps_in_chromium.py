"""Maps without tiles (issue 13, item 5): county outlines from the configured boundaries, on a 360-px phone in
Chinese and on a desktop, with no network. A tap on the report form's map fills the place (WGS-84, what the
driver's report stores) and the county; the service directory's map picks the county; the case page shows the pin."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from claimbridge.accounts.models import Role, User
from claimbridge.cases.models import Case
from claimbridge.core.sms import MemorySmsBackend
from claimbridge.organisations.templatetags.maps import county_map_data
from claimbridge.rulebook.services import locate
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import log_in, prove_phone

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]

WUDU, WEN = "621202", "621222"


def screen_point(page, x: float, y: float) -> tuple[float, float]:
    """Where a point of the map's own units is on the screen now (after any zoom)."""
    point = page.evaluate(
        "([x, y]) => { const svg = document.querySelector('.county-map svg');"
        " const p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM()); return [p.x, p.y]; }",
        [x, y],
    )
    return point[0], point[1]


def label_of(code: str) -> tuple[float, float]:
    drawn = county_map_data()
    assert drawn is not None
    return drawn.by_code[code].label


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_driver_taps_the_map_and_the_place_and_county_are_filled(browser, live_server, screenshot_dir):
    """B1, B3: the tap gives a point inside the county tapped, in WGS-84, and the report stores it."""
    MemorySmsBackend.outbox.clear()
    phone = browser.new_context(**PHONE, locale="zh-CN")
    page = phone.new_page()
    try:
        page.goto(f"{live_server.url}/cases/start/")
        prove_phone(page, "13700008888", "继续")
        county_map = page.locator("[data-testid=county-map]")
        title = county_map.locator("svg title").text_content()
        assert title == "陇南、天水区县地图"
        assert county_map.locator("path[data-adcode]").count() == 16
        county_map.scroll_into_view_if_needed()
        page.screenshot(path=screenshot_dir / "zh-hans-phone-map-start-before.png", full_page=True)

        page.touchscreen.tap(*screen_point(page, *label_of(WUDU)))
        status = page.locator("[data-testid=map-status]")
        assert "陇南市武都区" in status.inner_text()
        assert page.locator("#id_county").input_value() == WUDU
        lat = float(page.locator("#id_latitude").input_value())
        lon = float(page.locator("#id_longitude").input_value())
        assert locate(lat, lon, crs="wgs84").adcode == WUDU  # the full outlines agree with the drawn one
        # The first tap framed the county: its outline now fills the map, and a second tap places the spot.
        assert county_map.locator("svg").get_attribute("viewBox") != county_map.locator("svg").get_attribute(
            "data-full"
        )
        page.touchscreen.tap(*screen_point(page, *label_of(WUDU)))
        assert locate(float(page.locator("#id_latitude").input_value()),
                      float(page.locator("#id_longitude").input_value()), crs="wgs84").adcode == WUDU  # fmt: skip
        assert no_sideways_scroll(page)
        county_map.scroll_into_view_if_needed()
        page.screenshot(path=screenshot_dir / "zh-hans-phone-map-start-picked.png", full_page=False)

        # Choosing another county by hand wins: the tapped point is dropped.
        page.locator("#id_county").select_option(WEN)
        assert page.locator("#id_latitude").input_value() == ""
        page.touchscreen.tap(*screen_point(page, *label_of(WEN)))
        picked = float(page.locator("#id_latitude").input_value()), float(page.locator("#id_longitude").input_value())
        assert locate(*picked, crs="wgs84").adcode == WEN
        page.locator("#id_plate").fill("甘K6789A")
        page.locator("#id_insurer").select_option("maiji")
        page.locator("[data-testid=consent-box]").check()  # issue 20: the notice consented to
        page.get_by_role("button", name="开始报案").click()
        page.wait_for_url("**/cases/*/me/")
        case = Case.objects.get()
        assert case.county.code == WEN
        assert (case.latitude, case.longitude, case.crs) == (*picked, "wgs84")
    finally:
        phone.close()


def test_the_service_directory_shows_the_map_and_a_tap_picks_the_county(browser, live_server, screenshot_dir):
    """R1, R16: the directory's map names every county and leads to the units serving the one tapped."""
    phone = browser.new_context(**PHONE, locale="zh-CN")
    page = phone.new_page()
    try:
        page.goto(f"{live_server.url}/directory/")
        county_map = page.locator("[data-testid=county-map]")
        assert county_map.locator("a[aria-label]").count() == 16
        assert county_map.locator("a[aria-label='陇南市武都区']").count() == 1
        assert no_sideways_scroll(page)
        page.screenshot(path=screenshot_dir / "zh-hans-phone-map-directory.png", full_page=True)
        county_map.scroll_into_view_if_needed()
        page.touchscreen.tap(*screen_point(page, *label_of(WUDU)))
        page.wait_for_url("**/directory/?county=621202")
        assert page.locator("[data-testid=directory-entry]").count() >= 1
        assert page.locator("#id_county").input_value() == WUDU
        assert page.locator("[data-testid=county-map] svg title").text_content() == "陇南市武都区地图"
        assert (
            page.locator("[data-testid=county-map] a[aria-current=true]").get_attribute("aria-label") == "陇南市武都区"
        )
        page.screenshot(path=screenshot_dir / "zh-hans-phone-map-directory-wudu.png", full_page=True)
        page.locator("#id_county").select_option(WEN)  # answered in place (htmx): the map follows the choice
        expect(page.locator("[data-testid=county-map] a[aria-label='陇南市文县']")).to_have_attribute(
            "aria-current", "true"
        )
        assert page.locator("[data-testid=county-map] a[aria-current=true]").count() == 1
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
        named = page.locator("[data-testid=county-map] a[aria-current=true]").get_attribute("aria-label") or ""
        assert named.startswith("Longnan ")
        assert no_sideways_scroll(page)
        page.screenshot(path=screenshot_dir / "en-phone-map-directory.png", full_page=True)
    finally:
        phone.close()


def test_a_hotline_report_picked_on_the_map_shows_its_pin_on_the_case_page(
    browser, live_server, screenshot_dir, demo_password
):
    """R7, B3: the back office's report form takes the tap too (its datum field set to WGS-84), and the case page
    draws the county with the accident's pin."""
    handler = User.objects.filter(role=Role.INSURER_STAFF, username__endswith="_unit1").order_by("username").first()
    assert handler is not None
    context = browser.new_context(**DESKTOP, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, handler.username, demo_password, "zh-hans")
        page.goto(f"{live_server.url}/cases/new/")
        page.locator("#id_crs").select_option("gcj02")
        page.locator("[data-testid=county-map]").scroll_into_view_if_needed()
        page.mouse.click(*screen_point(page, *label_of(WUDU)))
        assert page.locator("#id_crs").input_value() == "wgs84"
        assert page.locator("#id_county").input_value() == WUDU
        page.screenshot(path=screenshot_dir / "zh-hans-desktop-map-new-case.png", full_page=True)
        page.locator("#id_plate_a").fill("甘K12345")
        page.get_by_role("button", name="报案").click()
        page.wait_for_url("**/cases/621200-*/")
        case = Case.objects.get()
        assert (case.county.code, case.crs) == (WUDU, "wgs84")
        card = page.locator("[data-testid=map-card]")
        assert card.locator("svg title").text_content() == "陇南市武都区地图"
        assert card.locator("[data-pin]").get_attribute("display") is None  # drawn
        card.scroll_into_view_if_needed()
        page.screenshot(path=screenshot_dir / "zh-hans-desktop-map-case.png", full_page=True)
    finally:
        context.close()


def test_the_phones_own_position_is_pinned_on_the_map(browser, live_server, screenshot_dir):
    """B1, B3: "use my location" (GPS, WGS-84) frames the county found and pins the position where the tap would."""
    MemorySmsBackend.outbox.clear()
    position = {"latitude": 33.395, "longitude": 104.923}
    phone = browser.new_context(**PHONE, locale="zh-CN", geolocation=position, permissions=["geolocation"])
    page = phone.new_page()
    try:
        page.goto(f"{live_server.url}/cases/start/")
        prove_phone(page, "13700009999", "继续")
        page.get_by_role("button", name="使用我的位置").click()
        page.get_by_text("您在 陇南市武都区").wait_for()
        svg = page.locator("[data-testid=county-map] svg")
        expect(svg.locator("[data-pin]")).to_have_attribute("display", "inline")
        drawn = county_map_data()
        assert drawn is not None
        pinned = drawn.point(position["latitude"], position["longitude"])
        assert pinned is not None
        x, y = pinned
        transform = svg.locator("[data-pin]").get_attribute("transform") or ""
        assert transform.startswith(f"translate({x:.1f} {y:.1f})")
        assert svg.get_attribute("viewBox") == " ".join(f"{v:.0f}" for v in drawn.view_box(WUDU))
        assert "手机定位" in page.locator("[data-testid=map-status]").inner_text()
        svg.scroll_into_view_if_needed()
        page.screenshot(path=screenshot_dir / "zh-hans-phone-map-start-located.png")
    finally:
        phone.close()
