"""Two drivers, two phones (B1): A proves their mobile and starts the case in 武都区; B scans A's code and joins."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from claimbridge.cases.models import Case
from claimbridge.core.sms import MemorySmsBackend
from tests.browser.conftest import PHONE
from tests.browser.helpers import prove_phone

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]


def test_a_starts_on_one_phone_and_b_joins_on_another(browser, live_server, screenshot_dir):
    MemorySmsBackend.outbox.clear()
    phone_a = browser.new_context(**PHONE, locale="zh-CN")
    phone_b = browser.new_context(**PHONE, locale="zh-CN")
    a, b = phone_a.new_page(), phone_b.new_page()
    try:
        a.goto(f"{live_server.url}/cases/start/")
        prove_phone(a, "13700005555", "继续")
        a.locator("#id_county").select_option("621202")
        a.locator("#id_plate").fill("甘E6789A")
        a.locator("#id_insurer").select_option("maiji")
        a.locator("[data-testid=consent-box]").check()  # issue 20: the notice consented to
        a.get_by_role("button", name="开始报案").click()
        a.wait_for_url("**/cases/*/me/")
        code = a.locator("[data-testid=join-code]").inner_text().strip()
        assert re.fullmatch(r"[A-Z0-9]{6}", code)
        assert a.locator("[data-testid=join-qr] svg").count() == 1
        assert a.evaluate("document.scrollingElement.scrollWidth <= 360")
        a.screenshot(path=screenshot_dir / "zh-hans-phone-case-start-a.png", full_page=True)

        b.goto(f"{live_server.url}/cases/join/?code={code}")
        prove_phone(b, "13700006666", "加入")
        b.locator("[data-testid=joined]").wait_for()
        b.get_by_role("link", name="填写您的信息").click()
        b.wait_for_load_state()  # htmx listens for the field's change once the page has loaded
        b.locator("#id_driver_name").fill("李四")
        b.locator("#id_driver_licence").fill("340524198001010013")  # wrong check character: said as soon as typed
        b.locator("#id_driver_licence").press("Tab")
        b.locator("#error-driver_licence").get_by_text("身份证号").wait_for()
        b.locator("#id_driver_licence").fill("34052419800101001X")
        b.locator("#id_driver_licence").press("Tab")
        # A locator's wait, not wait_for_function: a string predicate is evaluated with eval, which the CSP forbids.
        expect(b.locator("#error-driver_licence")).to_have_text("")
        b.locator("#id_plate").fill("甘K12O45")  # letter O: refused by the kernel, in Chinese
        b.get_by_role("button", name="保存并继续").click()
        assert "号牌号码无效" in b.locator("[data-testid=party-details]").inner_text()
        assert b.locator("#id_driver_name").input_value() == "李四"  # what was typed stays
        b.locator("#id_plate").fill("甘K12345")
        b.get_by_role("button", name="保存并继续").click()
        b.get_by_text("已保存。").wait_for()
        b.screenshot(path=screenshot_dir / "zh-hans-phone-case-party-b.png", full_page=True)

        # A's page follows without a reload: B is named in words, with the plate B entered.
        expect(a.locator("[data-testid=me-parties] li[data-label=B]")).to_contain_text("对方（B方） 甘K12345")
        assert a.locator("[data-testid=me-parties] li[data-label]").count() == 2
        case = Case.objects.get()
        assert case.number.startswith("621200-")
        assert case.county.code == "621202"
        assert case.parties.get(label="A").claims_unit.branch.insurer.code == "maiji"
        assert case.parties.get(label="B").plate == "甘K12345"
    finally:
        phone_a.close()
        phone_b.close()


def test_the_phone_finds_the_county_from_its_position(browser, live_server, screenshot_dir):
    """Standing in 武都区 (WGS-84 from the phone), the driver taps "use my location" and the county is chosen."""
    MemorySmsBackend.outbox.clear()
    phone = browser.new_context(**PHONE, locale="zh-CN", geolocation={"latitude": 33.395, "longitude": 104.923},
                                permissions=["geolocation"])  # fmt: skip
    page = phone.new_page()
    try:
        page.goto(f"{live_server.url}/cases/start/")
        prove_phone(page, "13700007777", "继续")
        page.wait_for_load_state("load")  # the page's script has bound the button (deferred scripts run before load)
        page.get_by_role("button", name="使用我的位置").click()
        page.get_by_text("您在 陇南市武都区").wait_for()
        assert page.locator("#id_county").input_value() == "621202"
        page.screenshot(path=screenshot_dir / "zh-hans-phone-case-start-located.png", full_page=True)
        page.locator("#id_plate").fill("甘K12345")
        page.locator("[data-testid=consent-box]").check()  # issue 20: the notice consented to
        page.get_by_role("button", name="开始报案").click()
        page.wait_for_url("**/cases/*/me/")
        case = Case.objects.get()
        assert case.county.code == "621202"
        assert (round(case.latitude, 3), round(case.longitude, 3)) == (33.395, 104.923)
    finally:
        phone.close()
