"""The other driver scans the QR link on a phone, proves their mobile with a code, and joins the case (B1)."""

from __future__ import annotations

import re

import pytest

from claimbridge.cases.models import CaseParty
from claimbridge.cases.services import intake, join
from claimbridge.core.sms import MemorySmsBackend
from claimbridge.organisations.models import County
from tests.browser.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]


def test_the_second_driver_joins_from_the_qr_link(browser, live_server, screenshot_dir):
    MemorySmsBackend.outbox.clear()
    case = intake.case_create(user=None, channel="driver", county=County.objects.get(code="621202"),
                                parties=[intake.PartyInput("A", plate="甘E6789A", insurer_code="maiji")])  # fmt: skip
    code = join.case_join_code_issue(case=case)
    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/cases/join/?code={code}")
        assert page.locator("#id_join_code").input_value() == code
        page.locator("#id_phone").fill("13700004444")
        page.get_by_role("button", name="发送验证码").click()
        page.locator("[data-testid=code-sent]").wait_for()
        sms = re.search(r"\d{6}", MemorySmsBackend.outbox[-1][1])
        assert sms is not None
        page.locator("#id_sms_code").fill(sms.group(0))
        page.locator("[data-testid=consent-box]").check()  # issue 20: the notice consented to
        page.get_by_role("button", name="加入").click()
        joined = page.locator("[data-testid=joined]")
        joined.wait_for()
        assert case.number in joined.inner_text()
        assert "B" in joined.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=screenshot_dir / "zh-hans-phone-case-join.png", full_page=True)
        assert CaseParty.objects.filter(case=case, label="B").exists()
    finally:
        context.close()
