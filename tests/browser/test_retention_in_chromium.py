"""Issue 20 (R19, B8; decision 0028): 陇南's association opens the retention page on a desktop in Chinese and reads
the schedule (保险法第八十七条 for claim records) and the last sweep's counts."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]


def test_r19_the_association_reads_the_schedule_and_the_sweeps(browser, live_server, screenshot_dir, demo_password):
    from claimbridge.retention.services import retention_sweep

    retention_sweep(dry_run=True)
    desk = browser.new_context(**DESKTOP, locale="zh-CN")
    page = desk.new_page()
    try:
        log_in(page, live_server.url, "ln_assoc", demo_password, "zh-hans")
        page.goto(f"{live_server.url}/retention/")
        rules = page.locator("[data-testid=retention-rules]")
        assert "保险法" in rules.inner_text()
        assert "5年" in rules.inner_text()
        assert "试运行" in page.locator("[data-testid=retention-runs]").inner_text()
        page.screenshot(path=screenshot_dir / "zh-hans-desk-retention.png", full_page=True)
    finally:
        desk.close()


def test_issue_20_walk_an_insurer_reads_the_schedule_on_a_phone_dates_do_not_wrap(browser, live_server,
                                                                                  screenshot_dir, demo_password):  # fmt: skip
    """麦积's head office (insurers hold the claim records and the policy register) reads the schedule on a phone:
    the consent record is kept until the data it allowed is erased (not "不保存", no `data_erased`), and every
    effective date is on one line."""
    from tests.browser.conftest import PHONE

    phone = browser.new_context(**PHONE, locale="zh-CN")
    page = phone.new_page()
    try:
        log_in(page, live_server.url, "maiji_hq", demo_password, "zh-hans")
        answer = page.goto(f"{live_server.url}/retention/")
        assert answer is not None
        assert answer.status == 200
        rules = page.locator("[data-testid=retention-rules]")
        assert "data_erased" not in rules.inner_text()
        consent = rules.locator("tr[data-category=consent_record]")
        assert consent.locator("[data-testid=kept-for]").inner_text() == "届时删除"
        assert consent.locator("[data-testid=counted-from]").inner_text() == "所同意处理的个人信息被删除"
        dates = rules.locator("[data-testid=effective-from]")
        assert dates.count() > 10
        for index in range(dates.count()):
            assert "\n" not in dates.nth(index).inner_text()
            lines = dates.nth(index).locator("time").evaluate("e => e.getClientRects().length")
            assert lines == 1, lines  # an inline element has one box per line it takes
        page.screenshot(path=screenshot_dir / "zh-hans-phone-retention-insurer.png", full_page=True)
    finally:
        phone.close()
