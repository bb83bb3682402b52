"""Issue 17 (R18, R19, B10): 陇南's association drafts this quarter's progress report and rewrites its summary;
天水's association approves and publishes it (four eyes); on a 360-px phone in Chinese anyone opens it from the home
page — the figures, the charts, the tables, what the integration means for a driver — and downloads the PDF, whose
first pages show the charts."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]

# 武都 6, 成县 3, 徽县 7 (陇南 16); 秦州 5, 麦积 8 (天水 13): 29 cases of 麦积's and 天陇's customers, reported now.
WORLD = {"621202": 6, "621221": 3, "621227": 7, "620502": 5, "620503": 8}


def test_r19_b10_drafted_approved_published_and_read_on_a_phone(browser, live_server, screenshot_dir, demo_password):
    from claimbridge.accounts.models import User
    from claimbridge.reports.publication_models import ReportVersion
    from tests.factories import cases_in_counties

    cases_in_counties(User.objects.get(username="tianlong_adj1"), WORLD)

    desk = browser.new_context(**DESKTOP, locale="zh-CN")
    page = desk.new_page()
    try:
        log_in(page, live_server.url, "ln_assoc", demo_password, "zh-hans")
        page.locator("nav.nav").get_by_role("link", name="进展报告").click()
        form = page.locator("[data-testid=draft-form]")
        assert "季度" in form.locator("#id_period option").first.inner_text()  # this quarter first
        form.locator("#id_summary_zh").fill("本季度两市共报案29件。")
        form.locator("[data-testid=draft-submit]").click()
        page.locator("[data-testid=publication]").wait_for()
        edit = page.locator("[data-testid=edit-form]")
        edit.locator("#id_summary_zh").fill("本季度两市共报案29件，跨市案件各占一半。")
        edit.locator("#id_highlights_zh").fill("快处易赔覆盖两市全部县区\n跨市理赔无需回投保地")
        edit.locator("[data-testid=edit-submit]").click()
        assert page.locator("[data-testid=four-eyes-note]").is_visible()  # the writer does not approve
        assert page.locator("[data-testid=approve]").count() == 0
        page.screenshot(path=screenshot_dir / "zh-hans-desk-progress-draft.png", full_page=True)
        page.locator("[data-testid=preview-1]").click()
        assert page.locator("[data-testid=preview-banner]").is_visible()
        assert "跨市案件各占一半" in page.locator("[data-testid=progress-summary]").inner_text()
        page.screenshot(path=screenshot_dir / "zh-hans-desk-progress-preview.png", full_page=True)
        number = ReportVersion.objects.get().report.number
    finally:
        desk.close()

    desk = browser.new_context(**DESKTOP, locale="zh-CN")
    page = desk.new_page()
    try:
        log_in(page, live_server.url, "ts_assoc", demo_password, "zh-hans")
        page.goto(f"{live_server.url}/publications/{number}/")
        page.locator("[data-testid=approve]").click()
        assert page.locator("[data-testid=version-state-1]").inner_text() == "已通过"
        page.locator("[data-testid=publish]").click()
        assert page.locator("[data-testid=version-state-1]").inner_text() == "已公布"
        page.screenshot(path=screenshot_dir / "zh-hans-desk-progress-published.png", full_page=True)
    finally:
        desk.close()
    version = ReportVersion.objects.get()
    assert (version.state, version.drafted_by.username, version.approved_by.username) == ("published", "ln_assoc",
                                                                                         "ts_assoc")  # fmt: skip

    phone = browser.new_context(**PHONE, locale="zh-CN")
    page = phone.new_page()
    try:
        page.goto(f"{live_server.url}/")
        page.locator("[data-testid=home-progress]").get_by_role("link", name="查看进展报告").click()
        page.locator("[data-testid=progress-head]").wait_for()
        assert "季度" in page.locator("[data-testid=progress-period]").inner_text()
        assert page.locator("[data-testid=figure-cases_reported] dd").inner_text() == "29"
        assert "跨市案件各占一半" in page.locator("[data-testid=progress-summary]").inner_text()
        for chart in ("trend", "counties", "map"):
            svg = page.locator(f"[data-testid=chart-{chart}] svg")
            assert svg.count() == 1
            box = svg.bounding_box()
            assert box is not None
            assert 250 < box["width"] <= 360, (chart, box)
        counties = page.locator("[data-testid=table-county]").inner_text()
        assert "徽县" in counties
        assert "＊" in counties
        assert "少于5件的单元格不公布" in page.locator("[data-testid=suppression-note]").inner_text()
        explained = page.locator("[data-testid=progress-explained]").inner_text()
        assert "通赔通办" in explained
        assert "快处易赔" in explained
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=screenshot_dir / "zh-hans-phone-progress.png", full_page=True)
        with page.expect_download() as download:
            page.locator("[data-testid=download-pdf]").click()
        pdf = screenshot_dir / "zh-hans-progress-report.pdf"
        download.value.save_as(pdf)
        page.get_by_role("button", name="English").click()  # the same page in English
        page.locator("[data-testid=progress-head]").wait_for()
        assert page.locator("html").get_attribute("lang") == "en"
        assert "Cases reported" in page.locator("[data-testid=progress-figures]").inner_text()
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=screenshot_dir / "en-phone-progress.png", full_page=True)
    finally:
        phone.close()
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    import hashlib

    assert hashlib.sha256(data).hexdigest() == version.pdf_sha256
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:  # the first two pages as pictures, to look at: the trend, then the counties' bars and map
        subprocess.run([pdftoppm, "-r", "80", "-png", "-f", "1", "-l", "2", str(pdf),
                        str(screenshot_dir / "zh-hans-progress-report-page")], check=True)  # fmt: skip
        assert (screenshot_dir / "zh-hans-progress-report-page-1.png").exists()
