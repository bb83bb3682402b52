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
