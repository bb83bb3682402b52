"""The claims desk on a desktop in Chinese (issue 13, item 3; R10, R12, B8): a handler finds the case by its plate in
the inbox, opens it and works A's claim from 立案 to 结案 — offered at each point only the steps the claim's machine
allows, the one it waits for standing out; an empty assessment is refused next to its field with what was typed
kept — and the case then reads 已结案 and is listed under the 已结案 filter."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimbridge.accounts.models import User
from claimbridge.cases.models import Case, Claim
from tests.backends import file_storage
from tests.browser.conftest import DESKTOP
from tests.browser.helpers import log_in
from tests.factories import agreed_case

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _steps(panel) -> list[str]:
    return [button.get_attribute("data-step") for button in panel.locator("button[data-step]").all()]


def _primary(panel) -> str:
    return panel.locator("[data-testid=next-step] button[data-step]").get_attribute("data-step")


def test_a_handler_finds_a_case_by_plate_and_closes_its_claim_with_only_allowed_steps(
    browser, live_server, screenshot_dir, demo_password, settings
):
    settings.STORAGES = {**settings.STORAGES, "default": file_storage()}
    case = agreed_case()
    handler = User.objects.get(username="maiji_unit1")  # A is insured by 麦积, served by its 武都 unit
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(**DESKTOP, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, handler.username, demo_password, "zh-hans")
        page.goto(f"{live_server.url}/cases/")
        page.locator("#q").fill("甘e 6789a")  # as a handler types it from a phone call
        page.get_by_role("button", name="查找", exact=True).click()
        rows = page.locator("[data-testid=inbox-case]")
        rows.first.wait_for()
        assert rows.count() == 1
        assert page.locator("[data-testid=state-counts] [data-state=agreed] .count").inner_text() == "1"
        page.screenshot(path=SHOTS / "desk-inbox-search.png", full_page=True)
        page.get_by_role("link", name=case.number).click()

        panel = page.locator("[data-testid=claim-A]")
        assert page.locator("[data-testid=claim-B]").count() == 0  # B's claim is 天陇's
        assert _steps(panel) == []
        panel.locator("[data-testid=claim-register]").click()
        # 立案 done: the first call is what the claim waits for; 结案 is not offered, closing unpaid is set apart.
        assert _primary(panel) == "contact"
        assert "close" not in _steps(panel)
        assert panel.get_by_role("button", name="结案", exact=True).count() == 0
        assert panel.locator("[data-testid=next-step] .button.primary").count() == 1
        assert panel.locator("[data-testid=other-steps] .button.primary").count() == 0
        panel.screenshot(path=SHOTS / "after-claim-panel.png")
        panel.locator("[data-testid=next-step] button").click()

        # An empty assessment: refused next to the empty field, what was typed kept.
        assert _primary(panel) == "assess"
        form = panel.locator("[data-testid=next-step] [data-testid=claim-assess]")
        form.locator("input[name=loss_B]").fill("3,000元")
        form.locator("button[data-step=assess]").click()
        error = page.locator("[data-testid=claim-A] [data-testid=error-loss_A]")
        error.wait_for()
        assert "A 方车损" in error.inner_text()
        assert "error" in (error.get_attribute("class") or "")
        field = page.locator("[data-testid=claim-A] input[name=loss_A]")
        assert field.get_attribute("aria-invalid") == "true"
        box, under = field.bounding_box(), error.bounding_box()
        assert box
        assert under
        assert 0 <= under["y"] - (box["y"] + box["height"]) < 40
        assert abs(under["x"] - box["x"]) < 20
        assert page.locator("[data-testid=claim-A] input[name=loss_B]").input_value() == "3,000元"
        color = error.evaluate("element => getComputedStyle(element).color")
        assert color == "rgb(180, 35, 24)"  # --bad
        panel.screenshot(path=SHOTS / "desk-assess-refused.png")
        assert Claim.objects.get(party__case=case, party__label="A").state == "registered"

        field.fill("1500")
        page.locator("[data-testid=claim-A] [data-testid=next-step] button[data-step=assess]").click()
        for step in ("settle", "approve"):
            assert _primary(panel) == step
            assert "close" not in _steps(panel)
            panel.locator("[data-testid=next-step] button").click()
        assert _primary(panel) == "pay"
        assert "3,100.00" in panel.locator("[data-testid=payable]").inner_text()
        pay = panel.locator("[data-testid=next-step] [data-testid=claim-pay]")
        pay.locator("input[name=reference]").fill("ICBC-20261201-0001")
        pay.locator("button").click()
        assert "已支付" in panel.locator("[data-testid=claim-state]").inner_text()
        assert _primary(panel) == "close"
        assert _steps(panel) == ["close"]
        panel.get_by_role("button", name="结案", exact=True).click()
        assert "已结案" in panel.locator("[data-testid=claim-state]").inner_text()
        assert panel.locator("[data-testid=next-step]").count() == 0
        assert _steps(panel) == ["reopen"]

        # The case follows its claims: still open while 天陇 has not closed B's; once it has, 已结案 on the page and
        # listed under the 已结案 filter.
        assert "已结案" not in page.locator("[data-testid=case-state]").inner_text()
        from claimbridge.cases.services import claims

        tianlong = User.objects.get(username="tianlong_unit1")
        b_claim = claims.claim_register(party=case.parties.get(label="B"), user=tianlong)
        claims.claim_close(claim=b_claim, user=tianlong, reason="no_loss")
        page.reload()
        assert "已结案" in page.locator("[data-testid=case-state]").inner_text()
        assert "已结案：本案理赔全部结案" in page.locator("[data-testid=timeline]").inner_text()
        assert "A 方理算 3,100.00 元" in page.locator("[data-testid=timeline]").inner_text()
        page.screenshot(path=SHOTS / "desk-case-closed.png", full_page=True)
        page.goto(f"{live_server.url}/cases/")
        page.locator("[data-testid=state-counts] [data-state=concluded]").click()
        page.locator("[data-testid=inbox-case]").first.wait_for()
        assert [row.get_attribute("data-number") for row in page.locator("[data-testid=inbox-case]").all()] == [
            case.number
        ]
        assert page.locator("[data-testid=state-counts] [data-state=concluded] .count").inner_text() == "1"
        page.screenshot(path=SHOTS / "desk-inbox-concluded.png", full_page=True)
        assert Case.objects.get(pk=case.pk).state == "concluded"
    finally:
        context.close()


def test_a_handler_shows_the_drivers_name_and_mobile_and_it_is_recorded(browser, live_server, demo_password):
    """Issue 13 (decision 0004): masked until asked; asking shows them in place and records it."""
    case = agreed_case()
    context = browser.new_context(**DESKTOP, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "maiji_unit1", demo_password, "zh-hans")
        page.goto(f"{live_server.url}/cases/{case.number}/")
        card = page.locator("[data-testid=party-A]")
        assert card.locator("[data-testid=driver-phone]").inner_text() == "137****5555"
        card.locator("[data-testid=reveal-purpose-A]").select_option("customer_contact")  # issue 20: say why
        card.locator("[data-testid=reveal-A]").click()
        page.locator("[data-testid=party-A] [data-testid=revealed-note]").wait_for()
        assert page.locator("[data-testid=party-A] [data-testid=driver-name]").inner_text() == "张三"
        assert page.locator("[data-testid=party-A] [data-testid=driver-phone]").inner_text() == "13700005555"
        assert case.events.filter(kind="party_contact_shown").count() == 1
    finally:
        context.close()
