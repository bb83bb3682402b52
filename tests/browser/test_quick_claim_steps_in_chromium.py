"""Issue 13, item 1 (B1, R2, R3, R10, R14): two drivers on two 360-px phones in Chinese finish a quick claim through
the steps. Each page follows the other driver live; when A changes the loss after B confirmed, B's page says so,
without a reload, and names who changed what. At most eight screens per driver, none scrolls sideways, and a fresh
case's conditions show what is still to answer, never a failure."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from claimbridge.cases.models import Case
from claimbridge.core.sms import MemorySmsBackend
from claimbridge.policies.demo import load_demo_policies
from tests.browser import steps
from tests.browser.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]


def test_two_phones_finish_a_quick_claim_through_the_steps_and_a_voided_confirmation_is_announced(browser, live_server):
    MemorySmsBackend.outbox.clear()
    load_demo_policies()
    phone_a = browser.new_context(**PHONE, locale="zh-CN")
    phone_b = browser.new_context(**PHONE, locale="zh-CN")
    a, b = phone_a.new_page(), phone_b.new_page()
    screens_a, screens_b = steps.Screens("a"), steps.Screens("b")
    try:
        steps.start(a, live_server.url, screens_a)
        # A fresh case: the conditions are to answer, none has failed, and the police are not offered.
        a.locator("ol[data-testid=steps] a", has_text="责任与条件").click()
        a.wait_for_url("**step=check")
        screens_a.look(a)
        assert a.locator("[data-testid=eligibility] li[data-state=failed]").count() == 0
        assert a.locator("[data-testid=eligibility] li[data-state=open]").count() >= 5
        assert "不能" not in a.locator("[data-testid=verdict]").inner_text()
        assert a.locator("[data-testid=to-police]").count() == 0
        assert "须报警" not in a.locator("[data-testid=eligibility]").inner_text()
        a.locator("ol[data-testid=steps] a", has_text="双方信息").click()
        a.wait_for_url("**step=who")

        code = a.locator("[data-testid=join-code]").inner_text().strip()
        assert a.locator("[data-testid=waiting-other]").count() == 1
        a.evaluate("window.sameDocument = true")  # gone if the page were reloaded
        steps.join(b, live_server.url, code, screens_b)
        # A's page follows: B is named in words, the invitation is gone, without a reload.
        expect(a.locator("[data-testid=me-parties] li[data-label=B]")).to_contain_text("对方（B方）")
        expect(a.locator("[data-testid=invite]")).to_have_count(0)
        assert a.evaluate("window.sameDocument === true")
        assert "您（A方）" in a.locator("[data-testid=me-parties]").inner_text()

        steps.details(a, screens_a, name="张三", licence="11010519491231002X", plate="甘E6789A", part="front")
        steps.details(b, screens_b, name="李四", licence="34052419800101001X", plate="甘K12345", part="rear")
        steps.photos(a, screens_a, {"front_panorama": [0, 1], "rear_panorama": [2]})
        steps.photos(b, screens_b, {"collision_point": [3]})
        steps.what_happened(a, screens_a, loss="3000", circumstance=1, me="A")
        steps.answer_questions(a)
        expect(a.locator("[data-testid=verdict]")).to_contain_text("可以")
        assert "A 方负全部责任" in a.locator("[data-testid=liability]").inner_text()
        # B, on the same screen, is told what A changed, and sees A's account when asking for the latest.
        expect(b.locator("[data-testid=changes]")).to_contain_text("对方（A方） 修改了事故经过")
        b.locator("[data-testid=refresh]").click()
        expect(b.locator("[data-testid=pick-A-1]")).to_be_checked()
        b.locator("ol[data-testid=steps] a", has_text="责任与条件").click()
        b.wait_for_url("**step=check")
        screens_b.look(b)
        expect(b.locator("[data-testid=verdict]")).to_contain_text("可以")
        steps.to_confirm(b, screens_b)
        steps.confirm(b, "李四")
        b.locator("[data-testid=i-confirmed]").wait_for()
        b.evaluate("window.sameDocument = true")

        # A sees B's confirmation arrive, then changes the loss: B's confirmation is void, and B's page says so.
        steps.to_confirm(a, screens_a)
        expect(a.locator("[data-testid=confirmed-B]")).to_be_visible()
        a.locator("ol[data-testid=steps] a", has_text="事故经过").click()
        a.wait_for_url("**step=what")
        a.locator("#id_estimated_loss").fill("3500")
        a.get_by_role("button", name="保存并继续").click()
        a.wait_for_url("**step=check")
        voided = b.locator("[data-testid=voided]")
        expect(voided).to_contain_text("您的确认已失效")
        expect(voided).to_contain_text("对方（A方）")
        expect(voided).to_contain_text("估计损失")
        assert b.evaluate("window.sameDocument === true")
        expect(b.locator("[data-testid=confirmed-B]")).to_have_count(0)
        b.screenshot(path=steps.SHOTS / "after-b-voided.png")
        expect(a.locator("[data-testid=voided]")).to_contain_text("对方（B方）")

        voided.locator("[data-testid=confirm-again]").click()
        steps.confirm(b, "李四")
        b.locator("[data-testid=i-confirmed]").wait_for()
        a.locator("[data-testid=next]").click()
        a.wait_for_url("**step=confirm")
        steps.confirm(a, "张三")
        a.locator("[data-testid=agreed]").wait_for()
        screens_a.look(a)
        b.locator("[data-testid=refresh]").click()
        b.locator("[data-testid=agreed]").wait_for()
        screens_b.look(b)
        assert Case.objects.get().state == "agreed"
        assert Case.objects.get().facts["estimated_loss"] == "3500.00"

        assert len(screens_a.seen) <= 8, screens_a.seen
        assert len(screens_b.seen) <= 8, screens_b.seen
    finally:
        phone_a.close()
        phone_b.close()
