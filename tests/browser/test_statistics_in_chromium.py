"""Issue 17 (R17, R19, B8): the statistics dashboard in Chromium, on the desk and on a 360-px phone. 麦积's staff see
their company's figures beside the market's and nothing of any other company (no name, no bars by company); the
Longnan association sees both cities, the bars by company and the county map, and narrows it to Tianshui."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser]

COMPETITORS = ("天陇", "伏羲", "白龙江", "Tianlong", "Fuxi", "Bailong")
LATIN_ALLOWED = {"Excel", "CSV"}


def _no_english(text: str) -> list[str]:
    return sorted({word for word in re.findall(r"[A-Za-z]{3,}", text) if word not in LATIN_ALLOWED})


def _fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("device", ["desk", "phone"])
def test_r19_b8_an_insurer_sees_its_own_beside_the_market_and_no_competitor(browser, live_server, screenshot_dir,
                                                                           demo_password, users_transactional, device):  # fmt: skip
    from tests.factories import statistics_world

    statistics_world(users_transactional)
    context = browser.new_context(**(DESKTOP if device == "desk" else PHONE), locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "maiji_hq", demo_password, "zh-hans")
        page.locator("nav.nav").get_by_role("link", name="统计数据").click()
        page.locator("[data-testid=cards]").wait_for()
        card = page.locator("[data-testid=card][data-code=cases_reported]")
        assert card.locator("[data-testid=card-own]").inner_text() == "3"  # 麦积 has a party in three cases
        assert card.locator("[data-testid=card-market]").inner_text() == "全市场 4"
        paid = page.locator("[data-testid=card][data-code=amount_paid] [data-testid=card-own]").inner_text()
        assert paid == "1,600.00 元"
        wait = page.locator("[data-testid=card][data-code=first_contact_median] [data-testid=card-own]").inner_text()
        assert wait == "25 分钟"
        share = page.locator("[data-testid=card][data-code=cross_region_share] [data-testid=card-market]").inner_text()
        assert share == "全市场 37.5%"
        assert page.locator("[data-testid=chart-insurer]").count() == 0  # no company broken out
        assert page.locator("[data-testid=chart-comparison] svg").count() == 1  # its own against the market instead
        assert page.locator("#id_insurer").count() == 0
        body = page.locator("main").inner_text()
        assert [name for name in COMPETITORS if name in page.content()] == []
        assert _no_english(body) == []
        assert _fits(page)
        page.screenshot(path=screenshot_dir / f"zh-hans-{device}-statistics-insurer.png", full_page=True)

        with page.expect_download() as download:
            page.locator("[data-testid=export-xlsx]").click()
        assert download.value.suggested_filename.endswith(".xlsx")

        refused = page.goto(f"{live_server.url}/reports/?insurer=tianlong")
        assert refused is not None
        assert refused.status == 403
        bad = page.goto(f"{live_server.url}/reports/?period=2026-Q9")
        assert bad is not None
        assert bad.status == 422
        assert page.locator("[data-testid=error-period]").is_visible()
        assert _fits(page)
        page.screenshot(path=screenshot_dir / f"zh-hans-{device}-statistics-bad-period.png", full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("device", ["desk", "phone"])
def test_r17_the_association_sees_both_cities_every_company_and_the_map(browser, live_server, screenshot_dir,
                                                                       demo_password, users_transactional, device):  # fmt: skip
    from tests.factories import statistics_world

    statistics_world(users_transactional)
    context = browser.new_context(**(DESKTOP if device == "desk" else PHONE), locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "ln_assoc", demo_password, "zh-hans")
        page.goto(f"{live_server.url}/reports/")
        card = page.locator("[data-testid=card][data-code=cases_reported] [data-testid=card-market]")
        assert card.inner_text() == "4"
        insurers = page.locator("[data-testid=table-insurer]").inner_text()
        for name in ("天陇财险", "麦积山财险", "伏羲财险", "白龙江财险"):
            assert name in insurers
        assert page.locator("[data-testid=chart-insurer] svg g.bar").count() == 4
        counties = page.locator("[data-testid=table-county]").inner_text()
        assert "武都区" in counties  # both cities
        assert "秦州区" in counties
        assert page.locator("[data-testid=chart-map] svg path[data-code]").count() == 16
        trend = page.locator("[data-testid=table-trend-cases] tbody tr")
        assert trend.count() == 12
        assert _no_english(page.locator("main").inner_text()) == []
        assert _fits(page)
        page.screenshot(path=screenshot_dir / f"zh-hans-{device}-statistics-association.png", full_page=True)

        page.locator("#id_city").select_option("620500")
        page.locator("#id_figure").select_option("cross_region_share")
        page.get_by_role("button", name="查询").click()
        page.locator("[data-testid=chart-map]").wait_for()
        assert page.locator("[data-testid=chart-map] svg path[data-code]").count() == 7  # Tianshui's counties
        assert (
            page.locator("[data-testid=card][data-code=cases_reported] [data-testid=card-market]").inner_text() == "1"
        )
        assert "50.0%" in page.locator("[data-testid=table-county]").inner_text()  # 秦州区: one of two parties
        assert _fits(page)
        page.screenshot(path=screenshot_dir / f"zh-hans-{device}-statistics-tianshui.png", full_page=True)

        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        assert "Cases reported" in page.locator("[data-testid=cards]").inner_text()
        assert _fits(page)
        page.screenshot(path=screenshot_dir / f"en-{device}-statistics-tianshui.png", full_page=True)
    finally:
        context.close()
