"""A traffic police unit loads its accident records in Chromium and reads the per-row report (issue 15, R20)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import DESKTOP
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]


def _csv() -> str:
    day = timezone.localdate() - timedelta(days=3)
    return (
        "事故编号,事故时间,事故地点,纬度,经度,事故类型,号牌1,责任1,号牌2,责任2\n"
        f"LN-B-0001,{day} 08:30,武都区长江大道,33.392,104.926,财产损失,甘K11111,全部责任,甘E22222,无责任\n"
        f"LN-B-0002,{day} 09:10,武都区钟楼滩,,,伤人,甘K3333O,主要责任,,\n"
        f"LN-B-0003,{day} 10:00,成县,,,财产损失,甘K44444,同等责任,甘K55555,同等责任\n"
    )


def test_r20_a_police_unit_uploads_a_file_and_reads_the_report(browser, live_server, screenshot_dir, demo_password,
                                                               tmp_path):  # fmt: skip
    path = tmp_path / "事故记录.csv"
    path.write_text(_csv(), encoding="utf-8")
    context = browser.new_context(**DESKTOP, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "police_ln", demo_password, "zh-hans")
        page.goto(f"{live_server.url}/police/")
        assert "交警事故记录" in page.locator("h1").inner_text()
        page.locator("#id_file").set_input_files(str(path))
        page.get_by_role("button", name="导入").click()
        page.wait_for_url("**/police/loads/*/")
        report = page.locator("[data-testid=load-report]")
        assert report.get_attribute("data-status") == "done"
        assert page.locator("[data-testid=created]").inner_text() == "2"
        assert page.locator("[data-testid=refused]").inner_text() == "1"
        refused = page.locator("[data-testid=report-row][data-outcome=refused]")
        assert refused.count() == 1
        assert "LN-B-0002" in refused.inner_text()
        assert "号牌无效" in refused.inner_text()
        page.screenshot(path=screenshot_dir / "zh-hans-desktop-police-load.png", full_page=True)

        first = page.url
        page.goto(f"{live_server.url}/police/")  # the same file again: recognised by its fingerprint, nothing loaded
        page.locator("#id_file").set_input_files(str(path))
        page.get_by_role("button", name="导入").click()
        page.wait_for_url("**/police/loads/*/")
        assert page.url == first  # the earlier load's report
        assert "该文件已于" in page.locator("main").inner_text()
        assert "本次没有重复导入" in page.locator("main").inner_text()
        from claimbridge.police.models import PoliceLoad, PoliceRecord

        assert PoliceRecord.objects.count() == 2
        assert PoliceLoad.objects.count() == 1
        page.screenshot(path=screenshot_dir / "zh-hans-desktop-police-load-again.png", full_page=True)
    finally:
        context.close()
