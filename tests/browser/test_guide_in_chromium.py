"""R18: on a 360-px phone in Chinese a driver opens the guide from the home page, reads when 快处易赔 applies, looks
at the 21 circumstances drawn, and fetches the leaflet to print; the pages print without the site's chrome."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.browser.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]


def test_r18_a_driver_reads_the_guide_on_a_phone(browser, live_server, screenshot_dir):
    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        page.wait_for_load_state()
        page.locator("[data-testid=home-guide]").click()
        page.wait_for_load_state()
        assert page.url.endswith("/guide/")
        assert page.locator("h1").inner_text() == "陇南、天水车险理赔服务一体化：车主指南"
        assert "无人员伤亡" in page.locator("[data-testid=guide-conditions]").inner_text()
        assert "122" in page.locator("[data-testid=guide-when-not]").inner_text()
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=screenshot_dir / "zh-hans-phone-guide.png", full_page=True)

        page.locator(".guide-nav").get_by_role("link", name="21 种事故情形").click()
        page.wait_for_load_state()
        items = page.locator("[data-testid=guide-circumstance]")
        assert items.count() == 21
        first = items.first.get_by_role("img")
        assert first.get_attribute("aria-label").startswith("第 1 种情形示意图：在同车道行驶中")
        box = first.bounding_box()
        assert box is not None
        assert box["width"] >= 100  # large enough to read on a phone
        assert "后车：全部责任；另一方：无责任。" in items.first.inner_text()
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=screenshot_dir / "zh-hans-phone-guide-circumstances.png", full_page=True)

        page.emulate_media(media="print")
        assert not page.locator("nav.nav").is_visible()
        assert not page.locator("[data-testid=circumstances-leaflet]").is_visible()
        page.screenshot(path=screenshot_dir / "zh-hans-phone-guide-circumstances-print.png", full_page=True)
        page.emulate_media(media="screen")

        page.locator(".guide-nav").get_by_role("link", name="拍照指引").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=guide-required-photos] [data-testid=guide-photo]").count() == 3
        example = page.get_by_role("img", name="示例：两车侧前方全景")
        assert example.evaluate("image => image.complete && image.naturalWidth > 0")  # the example picture loads
        page.screenshot(path=screenshot_dir / "zh-hans-phone-guide-photos.png", full_page=True)

        page.go_back()
        page.wait_for_load_state()
        link = page.locator("[data-testid=circumstances-leaflet]")
        response = context.request.get(live_server.url + link.get_attribute("href"))
        assert response.ok
        assert response.headers["content-type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(response.body()))
        assert len(reader.pages) >= 2
        text = "".join(p.extract_text() for p in reader.pages)
        assert "车主指南" in text
        assert "溜车" in text
    finally:
        context.close()
