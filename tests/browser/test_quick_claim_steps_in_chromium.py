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


def _in_one_piece(page) -> None:
    """Plates (甘 / E6789A) and the state in the step header (已报案, 待双方确认) never break across lines at 360 px."""
    for chip in page.locator(".plate").all():
        assert chip.evaluate("n => getComputedStyle(n).whiteSpace") == "nowrap"
        assert chip.evaluate("n => n.getClientRects().length") == 1, chip.inner_text()
    state = page.locator("[data-testid=case-state] strong")
    assert state.evaluate("n => n.getClientRects().length") == 1, state.inner_text()


def test_two_phones_finish_a_quick_claim_through_the_steps_and_a_voided_confirmation_is_announced(browser, live_server):
    MemorySmsBackend.outbox.clear()
    load_demo_policies()
    phone_a = browser.new_context(**PHONE, locale="zh-CN")
    phone_b = browser.new_context(**PHONE, locale="zh-CN")
    a, b = phone_a.new_page(), phone_b.new_page()
    screens_a, screens_b = steps.Screens("a"), steps.Screens("b")
    try:
        steps.start(a, live_server.url, screens_a)
        # A fresh case: the conditions are to answer, none has failed, and the police are not the prominent action.
        a.locator("ol[data-testid=steps] a", has_text="责任与条件").click()
        a.wait_for_url("**step=check")
        screens_a.look(a)
        assert a.locator("[data-testid=eligibility] li[data-state=failed]").count() == 0
        assert a.locator("[data-testid=eligibility] li[data-state=open]").count() >= 5
        assert "不能" not in a.locator("[data-testid=verdict]").inner_text()
        # the police stay available, but as a plain link, never the prominent action (phone walk)
        assert a.locator("[data-testid=to-police].button").count() == 0
        expect(a.locator("[data-testid=to-police][data-secondary=true]")).to_have_count(1)
        assert "须报警" not in a.locator("[data-testid=eligibility]").inner_text()
        a.locator("ol[data-testid=steps] a", has_text="双方信息").click()
        a.wait_for_url("**step=who")

        code = a.locator("[data-testid=join-code]").inner_text().strip()
        # the join page's address is said next to the code, for a phone that cannot scan (phone walk)
        expect(a.locator("[data-testid=join-page]")).to_contain_text(f"{live_server.url}/cases/join/")
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
        # Issue 16: the optional question among the others, marked as one that may be left, fits the phone
        witnesses = a.locator("[data-testid=questions] fieldset[data-field=witnesses]")
        expect(witnesses).to_contain_text("事故发生时是否有目击者（两车以外看到经过的人）？")
        expect(witnesses.locator(".optional")).to_have_text("选填，不清楚可不选")
        expect(witnesses.locator(".badge-open")).to_have_count(0)  # never "to answer"
        witnesses.scroll_into_view_if_needed()
        box = witnesses.bounding_box()
        assert box is not None
        assert 0 <= box["x"] <= box["x"] + box["width"] <= 360, box
        assert a.evaluate("document.scrollingElement.scrollWidth") <= 360
        a.screenshot(path=steps.SHOTS / "after-a-witnesses-question.png")
        steps.answer_questions(a, witnesses=True)
        expect(a.locator("[data-testid=verdict]")).to_contain_text("可以")
        assert "A 方负全部责任" in a.locator("[data-testid=liability]").inner_text()
        # B, on the same screen, is told what A changed, and sees A's account when asking for the latest.
        expect(b.locator("[data-testid=changes]")).to_contain_text("对方（A方） 修改了事故经过")
        b.locator("[data-testid=refresh]").click()
        expect(b.locator("[data-testid=pick-A-1]")).to_be_checked()
        b.locator(".chip-button", has_text="追尾").click()  # only the reader's words go into the search (phone walk)
        assert b.locator("[data-testid=circumstance-search]").input_value() == "追尾"
        b.locator("ol[data-testid=steps] a", has_text="责任与条件").click()
        b.wait_for_url("**step=check")
        screens_b.look(b)
        expect(b.locator("[data-testid=verdict]")).to_contain_text("可以")
        steps.to_confirm(b, screens_b)
        expect(b.locator("[data-testid=summary] [data-field=witnesses]")).to_have_text("目击者有")  # A's answer
        steps.confirm(b, "李四")
        b.locator("[data-testid=i-confirmed]").wait_for()
        b.evaluate("window.sameDocument = true")

        # A sees B's confirmation arrive, then changes the loss: B's confirmation is void, and B's page says so.
        steps.to_confirm(a, screens_a)
        expect(a.locator("[data-testid=confirmed-B]")).to_be_visible()
        a.locator("ol[data-testid=steps] a", has_text="事故经过").click()
        a.wait_for_url("**step=what")
        # A is told before saving that it voids B's confirmation (phone walk)
        expect(a.locator("[data-testid=voids-warning]")).to_contain_text("对方（B方）已确认")
        a.screenshot(path=steps.SHOTS / "after-a-voids-warning.png")
        a.locator("#id_estimated_loss").fill("3500")
        a.get_by_role("button", name="保存并继续").click()
        a.wait_for_url("**step=check")
        # B, looking at the confirm panel, is told there, with what changed from what; the summary follows
        voided = b.locator("[data-testid=decide] [data-testid=voided]")
        expect(voided).to_contain_text("您的确认已失效")
        expect(voided).to_contain_text("对方（A方）")
        expect(voided).to_contain_text("估计损失")
        expect(voided).to_contain_text("3,000.00 → 3,500.00")
        expect(b.locator("[data-testid=summary] [data-field=estimated_loss]")).to_contain_text("3,500.00")
        expect(b.locator("[data-testid=i-confirmed]")).to_have_count(0)
        expect(b.locator("[data-testid=voided]")).to_have_count(1)
        expect(voided).to_be_in_viewport(ratio=1)  # where B is looking
        assert b.evaluate("window.sameDocument === true")
        expect(b.locator("[data-testid=confirmed-B]")).to_have_count(0)
        b.screenshot(path=steps.SHOTS / "after-b-voided.png")
        _in_one_piece(b)
        expect(a.locator("[data-testid=voided]")).to_contain_text("对方（B方）")

        steps.confirm(b, "李四")
        b.locator("[data-testid=i-confirmed]").wait_for()
        a.locator("[data-testid=next]").click()
        a.wait_for_url("**step=confirm")
        steps.confirm(a, "张三")
        a.locator("[data-testid=agreed]").wait_for()
        screens_a.look(a)
        # the done step: no stale 已保存。, the 协议书核验码 with the public verify page, plates and states in one piece
        assert "已保存" not in a.locator("main").inner_text()
        expect(a.locator("[data-testid=agreement-check]")).to_contain_text("协议书核验码：")
        assert "/cases/agreement/verify/" in (a.locator("[data-testid=verify-link]").get_attribute("href") or "")
        _in_one_piece(a)
        b.locator("[data-testid=refresh]").click()
        b.locator("[data-testid=agreed]").wait_for()
        screens_b.look(b)
        assert Case.objects.get().state == "agreed"
        assert Case.objects.get().facts["estimated_loss"] == "3500.00"
        assert (Case.objects.get().facts["witnesses"], Case.objects.get().fact_sources["witnesses"]["by"]) == (
            True,
            "party:A",
        )

        assert len(screens_a.seen) <= 8, screens_a.seen
        assert len(screens_b.seen) <= 8, screens_b.seen
    finally:
        phone_a.close()
        phone_b.close()


def test_a_voided_confirmation_is_brought_to_where_the_driver_is_looking(browser, live_server):
    """Issue 13 (phone walk): B had confirmed and was reading further down another step when A's change voided his
    confirmation; the notice arrived at the top, off-screen. The live update brings it into view, with what changed
    from what."""
    from importlib import import_module

    from django.conf import settings

    from claimbridge.cases.services.quick_claim import case_facts_save, party_confirm
    from tests.factories import two_party_case

    case = two_party_case()
    party_confirm(party=case.parties.get(label="B"), typed_name="李四", consent=True, device="B")
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session["case_parties"] = {case.number: "B"}
    session.create()
    phone_b = browser.new_context(**PHONE, locale="zh-CN")
    phone_b.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}])
    b = phone_b.new_page()
    try:
        b.goto(f"{live_server.url}/cases/{case.number}/me/?step=check")
        b.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight)")
        expect(b.locator("[data-testid=voided]")).to_have_count(0)
        case_facts_save(case=case, facts={"estimated_loss": "3500.00"}, party_label="A")
        notice = b.locator("[data-testid=voided]")
        expect(notice).to_contain_text("您的确认已失效")
        expect(notice).to_contain_text("3,000.00 → 3,500.00")
        expect(notice).to_be_in_viewport()
        assert b.evaluate("document.scrollingElement.scrollWidth") <= 360
        b.screenshot(path=steps.SHOTS / "after-b-voided-elsewhere.png")
    finally:
        phone_b.close()
