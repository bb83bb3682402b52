"""A driver sees the personal-information notice where they give their data, cannot go on without ticking the box,
and the long form at /privacy/ reads in Chinese (issue 20 item 1; B8, R17)."""

from __future__ import annotations

import pytest

from claimbridge.cases.models import Case
from claimbridge.privacy.models import ConsentRecord
from tests.browser.conftest import PHONE
from tests.browser.helpers import prove_phone

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]


def test_the_driver_consents_before_the_case_is_started(browser, live_server, screenshot_dir):
    shots = screenshot_dir
    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/cases/start/")
        page.locator("[data-testid=privacy-notice]").wait_for()  # the short notice on the phone step already
        prove_phone(page, "13700007771", "继续")
        page.locator("[data-testid=start-form]").wait_for()
        page.locator("#id_county").select_option("621202")
        page.locator("#id_plate").fill("甘E6789A")
        notice = page.locator("[data-testid=privacy-notice]")
        assert "个人信息" in notice.inner_text()
        assert "我已阅读并同意《个人信息处理说明》" in notice.inner_text()
        page.screenshot(path=shots / "zh-hans-phone-privacy-start-notice.png", full_page=True)
        before = Case.objects.count()
        page.get_by_role("button", name="开始报案").click()  # the box not ticked
        error = page.locator("[data-testid=consent-error]")
        error.wait_for()
        assert "勾选同意" in error.inner_text()
        # next to the box: the error follows the box's label in the same notice
        assert page.locator("[data-testid=privacy-notice] [data-testid=consent-error]").count() == 1
        assert Case.objects.count() == before
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
        error.scroll_into_view_if_needed()
        page.screenshot(path=shots / "zh-hans-phone-privacy-start-refused.png")
        page.locator("[data-testid=consent-box]").check()
        page.get_by_role("button", name="开始报案").click()
        page.wait_for_url("**/cases/*/me/**")
        assert ConsentRecord.objects.filter(party__label="A").count() == 1

        page.goto(f"{live_server.url}/privacy/")
        assert page.locator("h1").inner_text() == "《个人信息处理说明》"
        body = page.locator("[data-testid=privacy-page]").inner_text()
        assert "为处理本次事故" in body
        # for a driver: what, why, who sees it, how long, in plain words; no jargon before the folded register
        assert page.locator("[data-testid=keep-item]").count() >= 6
        for words in ("您的手机号码", "谁能看到", "保存多久"):
            assert words in body
        for jargon in ("盲索引", "推送签名密钥", "第十三条第一款"):
            assert jargon not in body
        assert page.locator("[data-testid=register-entry]").first.is_visible() is False  # folded
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
        page.screenshot(path=shots / "zh-hans-phone-privacy-privacy-page.png")
        page.screenshot(path=shots / "zh-hans-phone-privacy-privacy-page-full.png", full_page=True)
        # the rights: a button to /my-data/
        my_data = page.locator("[data-testid=privacy-my-data]")
        assert my_data.get_attribute("href") == "/my-data/"
        box = my_data.bounding_box()
        assert box is not None
        assert box["height"] >= 40  # a thumb's target
        # the register, opened: the sign-in records are one entry, not three
        page.locator("[data-testid=privacy-register] > summary").click()
        entries = page.locator("[data-testid=register-entry]")
        entries.first.wait_for()
        sign_in = entries.filter(has_text="登录 IP 地址")
        assert sign_in.count() == 1
        sign_in.locator("summary").click()
        assert "法律依据" in sign_in.inner_text()
        assert "网络安全法" in sign_in.inner_text()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
        sign_in.scroll_into_view_if_needed()
        page.screenshot(path=shots / "zh-hans-phone-privacy-register-open.png")
        # every page's footer leads here
        page.goto(f"{live_server.url}/")
        page.locator("[data-testid=footer-privacy]").click()
        page.wait_for_url("**/privacy/")
    finally:
        context.close()
