"""Issue 17, item 6 (R19, B10, B8): a company's staff ask on a 360-px phone for the rows behind their figures, watch
the export being written and download a spreadsheet with their own parties only; the association's has every
company's monthly cells."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]


def _export(page, url: str, screenshot) -> bytes:
    page.goto(f"{url}/reports/exports/")
    page.get_by_role("button", name="导出").click()
    row = page.locator("[data-testid=export]").first
    row.locator("[data-testid=export-download]").wait_for(timeout=15_000)
    assert "已完成" in row.inner_text()
    page.screenshot(path=screenshot, full_page=True)
    with page.expect_download() as download:
        row.locator("[data-testid=export-download]").click()
    return download.value.path().read_bytes()


def test_r19_an_insurer_exports_its_own_rows_and_the_association_every_companys(browser, live_server,
                                                                               screenshot_dir, demo_password):  # fmt: skip
    from tests.factories import agreed_case

    case = agreed_case()
    own = {party.label for party in case.parties.select_related("insurer") if party.insurer.code == "maiji"}
    context = browser.new_context(**PHONE, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "maiji_hq", demo_password, "zh-hans")
        page.goto(f"{live_server.url}/reports/exports/")
        page.fill("#id_first", "2026-13")  # a month that does not exist: said next to the field, nothing made
        page.get_by_role("button", name="导出").click()
        assert "请按 2026-07 的格式填写月份" in page.locator("#id_first-error").inner_text()
        assert page.locator("[data-testid=export]").count() == 0
        page.screenshot(path=screenshot_dir / "zh-hans-phone-exports-error.png", full_page=True)
        content = _export(page, live_server.url, screenshot_dir / "zh-hans-phone-exports.png")
    finally:
        context.close()
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert "案件编号" in rows[0][0]
    assert [(row[0], row[1]) for row in rows[1:]] == [(case.number, label) for label in sorted(own)]

    context = browser.new_context(**DESKTOP, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "ln_assoc", demo_password, "zh-hans")
        content = _export(page, live_server.url, screenshot_dir / "zh-hans-desk-exports.png")
    finally:
        context.close()
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert len(rows) >= 3  # the header and at least the two companies of the case
    assert not any(case.number in str(cell) for row in rows for cell in row)  # cells, never a case number
