"""The rule pages in a real Chromium on a phone and on a desktop: liability check and settlement calculator (B2)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]


def test_a_driver_checks_liability_on_a_phone(browser, live_server, screenshot_dir):
    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/rules/")
        assert page.locator("[data-testid=circumstance-list] li").count() == 21
        page.locator("#id_party_b").select_option("1")  # B rear-ended A
        page.get_by_role("button", name="查看责任").click()
        result = page.locator("[data-testid=liability-result]")
        result.wait_for()
        assert "A 方: 无责任" in result.inner_text()
        assert "B 方: 全部责任" in result.inner_text()
        assert page.url.endswith("/rules/")  # answered in place, no page load
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=screenshot_dir / "zh-hans-phone-rules-liability.png", full_page=True)

        page.locator("#id_party_a").select_option("21")  # A adds item 21: it cannot decide alone
        page.get_by_role("button", name="查看责任").click()
        page.locator(".result-bad").wait_for()
        assert "责任未定" in page.locator("[data-testid=liability-result]").inner_text()
    finally:
        context.close()


def test_an_adjuster_works_out_a_settlement(browser, live_server, screenshot_dir):
    context = browser.new_context(**DESKTOP, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/rules/settlement/")
        page.locator("#id_accident_date").fill("2024-06-01")
        page.locator("#id_A_liability").select_option("primary")
        page.locator("#id_B_liability").select_option("secondary")
        page.locator("#id_A_vehicle").fill("20000")
        page.locator("#id_B_vehicle").fill("30000")
        page.get_by_role("button", name="计算").click()
        page.locator("[data-testid=settlement-result]").wait_for()
        rows = page.locator("[data-testid=payment]").all_inner_texts()
        assert any("19600.00" in row and "商业三者险" in row for row in rows)
        assert any("8400.00" in row and "车损险" in row for row in rows)
        assert "0.00" in page.locator("[data-testid=summary-A]").inner_text()
        page.screenshot(path=screenshot_dir / "zh-hans-desktop-rules-settlement.png", full_page=True)

        page.locator("#id_A_vehicle").fill("-3")
        page.get_by_role("button", name="计算").click()
        page.locator("#settlement-result .error").wait_for()
        assert page.locator("[data-testid=settlement-result]").count() == 0
    finally:
        context.close()


def test_the_calculator_fits_a_phone_in_english(browser, live_server, screenshot_dir):
    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/rules/settlement/")
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
        page.locator("#id_accident_date").fill("2021-03-10")
        page.locator("#id_A_liability").select_option("full")
        page.locator("#id_B_liability").select_option("none")
        page.locator("#id_A_vehicle").fill("120000")
        page.locator("#id_A_salvage").fill("5000")
        page.locator("#id_A_medical").fill("9000")
        page.locator("#id_B_vehicle").fill("80000")
        page.locator("#id_B_own_damage").uncheck()
        page.get_by_role("button", name="Calculate").click()
        page.locator("[data-testid=settlement-result]").wait_for()
        assert "114900.00" in page.locator("[data-testid=settlement-result]").inner_text()  # 115000 less the 100 proxy
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=screenshot_dir / "en-phone-rules-settlement.png", full_page=True)
    finally:
        context.close()


def test_two_drivers_check_quick_claims_on_a_phone(browser, live_server, screenshot_dir):
    """R2, R3: every condition shown at once; a failing one is named, in Chinese, on a 360 px screen."""
    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/rules/quick-claim/")
        page.locator("#id_accident_date").fill("2024-06-01")
        page.locator("#id_A_circumstance").select_option("1")
        for pid, plate, insurer in (("A", "甘K12345", "tianlong"), ("B", "甘E6789A", "bailong")):
            page.locator(f"#id_{pid}_plate").fill(plate)
            page.locator(f"#id_{pid}_insurer").select_option(insurer)
            for cover in ("ctpl", "third_party"):
                page.locator(f"#id_{pid}_{cover}_city").select_option("621200")
                page.locator(f"#id_{pid}_{cover}_end").fill("2024-12-31")
            page.locator(f"#id_{pid}_photos").fill("2")
        page.get_by_role("button", name="判断").click()
        page.locator("[data-testid=eligibility-result]").wait_for()
        assert page.locator("[data-code]").count() == 18
        failed = page.locator(".status-bad")
        assert failed.count() == 1
        assert failed.get_attribute("data-code") == "insurer_in_both_cities"
        assert "不能在线处理" in page.locator("[data-testid=verdict]").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.locator("[data-testid=eligibility-result]").screenshot(
            path=screenshot_dir / "zh-hans-phone-quick-claim-result.png"
        )

        page.locator("#id_B_insurer").select_option("maiji")
        page.get_by_role("button", name="判断").click()
        page.locator(".result-ok").wait_for()
        assert page.locator(".status-bad").count() == 0
    finally:
        context.close()


def test_implausible_figures_are_explained_next_to_the_form(browser, live_server):
    """Issue 12, finding 7: a loss above the ceiling and an accident in the future are refused in place, not a 500."""
    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/rules/settlement/")
        page.locator("#id_accident_date").fill("2099-06-01")
        page.locator("#id_A_liability").select_option("full")
        page.locator("#id_B_liability").select_option("none")
        page.locator("#id_A_vehicle").fill("99999999999")
        page.get_by_role("button", name="计算").click()
        error = page.locator("#settlement-result .error")
        error.wait_for()
        assert "事故日期不能晚于今天" in error.inner_text()
        assert "车辆损失" in error.inner_text() or "Vehicle" in error.inner_text()
        assert page.locator("[data-testid=settlement-result]").count() == 0
    finally:
        context.close()
