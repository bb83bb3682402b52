"""Who looked at the case (issue 20 item 4, acceptance; B8, R17, R19), in Chinese on a desktop: a handler of 麦积 asks
to see party A's driver and mobile, must first say why, and the case's access log then lists that handler with the
time and the reason; the insurer's supervisor reads the same list from the case page's link."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import DESKTOP
from tests.browser.helpers import log_in
from tests.factories import agreed_case

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]
SHOTS = Path(os.environ.get("ACCESSLOG_SHOTS", "")) if os.environ.get("ACCESSLOG_SHOTS") else None


def _shot(page, screenshot_dir: Path, name: str) -> None:
    page.screenshot(path=str(screenshot_dir / name), full_page=True)
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / name), full_page=True)


def test_a_reveal_with_its_reason_is_listed_in_the_case_access_log(browser, live_server, screenshot_dir,
                                                                    demo_password):  # fmt: skip
    case = agreed_case()
    context = browser.new_context(**DESKTOP, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "maiji_unit1", demo_password, "zh-hans")
        page.goto(f"{live_server.url}/cases/{case.number}/")
        card = page.locator("[data-testid=party-A]")
        card.locator("[data-testid=reveal-A]").click()  # no reason chosen: the browser asks for one, nothing shown
        assert card.locator("[data-testid=driver-phone]").inner_text() == "137****5555"
        card.locator("[data-testid=reveal-purpose-A]").select_option("customer_contact")
        card.locator("[data-testid=reveal-note-A]").fill("核实事故经过")
        _shot(page, screenshot_dir, "accesslog-1-reason.png")
        card.locator("[data-testid=reveal-A]").click()
        page.locator("[data-testid=party-A] [data-testid=revealed-note]").wait_for()
        assert page.locator("[data-testid=party-A] [data-testid=driver-phone]").inner_text() == "13700005555"
        page.locator("[data-testid=access-log-link]").click()
        page.wait_for_url(f"**/cases/{case.number}/access/")
        rows = page.locator("[data-testid=access-row]")
        assert rows.count() == 1
        text = rows.first.inner_text()
        assert "maiji_unit1" in text
        assert "联系客户" in text
        assert "核实事故经过" in text
        assert "驾驶人" in text
        assert "A 方" in text
        when = rows.first.locator("time").inner_text()
        assert when[:4].isdigit()
        assert len(when) == 19
        _shot(page, screenshot_dir, "accesslog-2-case-log.png")
    finally:
        context.close()
    for username, wanted in (("maiji_hq", 200), ("fuxi_hq", 404)):
        # The company's supervisor reads the same list, and the organisation's list with its filters; another
        # company, which holds no data of the case, does not see its log.
        context = browser.new_context(**DESKTOP, locale="zh-CN")
        page = context.new_page()
        try:
            log_in(page, live_server.url, username, demo_password, "zh-hans")
            answer = page.goto(f"{live_server.url}/cases/{case.number}/access/")
            assert answer is not None
            assert answer.status == wanted
            if wanted == 200:
                assert "maiji_unit1" in page.locator("[data-testid=access-row]").first.inner_text()
                page.goto(f"{live_server.url}/access-log/?action=shown_unmasked")
                assert page.locator("[data-testid=access-row]").count() == 1
                assert page.locator("[data-testid=access-why]").first.inner_text().startswith("联系客户")
                _shot(page, screenshot_dir, "accesslog-3-organisation-list.png")
                # a filter that matches nothing says so; a wrong one is said at its field
                page.goto(f"{live_server.url}/access-log/?action=exported")
                assert page.locator("[data-testid=access-empty]").inner_text() == "没有符合筛选条件的记录。"
                page.goto(f"{live_server.url}/access-log/?from=2026-13-45&action=looked")
                error = page.locator("[data-testid=filter-error-from]")
                assert "请输入存在的日期" in error.inner_text()
                assert page.locator("#f-from").get_attribute("aria-describedby") == error.get_attribute("id")
                assert "请从列表中选择一种操作" in page.locator("[data-testid=filter-error-action]").inner_text()
                assert page.locator("[data-testid=access-row]").count() == 0
                _shot(page, screenshot_dir, "accesslog-4-bad-filter.png")
        finally:
            context.close()


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_other_without_words_is_refused_at_the_words_field(browser, live_server, screenshot_dir, demo_password,
                                                           locale):  # fmt: skip
    """Walk finding: "other" with no words showed nothing. The refusal sits under the words field, in the reader's
    language; the reason chosen stays chosen; nothing is shown and nothing recorded."""
    from claimbridge.accesslog.models import AccessRecord

    case = agreed_case()
    context = browser.new_context(**DESKTOP, locale=locale)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "maiji_unit1", demo_password, "zh-hans")  # the browser's language: no switch
        page.goto(f"{live_server.url}/cases/{case.number}/")
        card = page.locator("[data-testid=party-A]")
        card.locator("[data-testid=reveal-purpose-A]").select_option("other")
        card.locator("[data-testid=reveal-A]").click()
        error = page.locator("[data-testid=party-A] [data-testid=reveal-note-error-A]")
        error.wait_for()
        assert ("简要说明查看的原因" if locale == "zh-CN" else "Say in a few words") in error.inner_text()
        note = page.locator("[data-testid=reveal-note-A]")
        assert note.get_attribute("aria-invalid") == "true"
        assert note.get_attribute("aria-describedby") == error.get_attribute("id")
        box, at = note.bounding_box(), error.bounding_box()
        assert box is not None
        assert at is not None
        assert 0 <= at["y"] - (box["y"] + box["height"]) <= 16  # just below the words field
        assert page.locator("[data-testid=reveal-purpose-A]").input_value() == "other"
        assert page.locator("[data-testid=party-A] [data-testid=driver-phone]").inner_text() == "137****5555"
        assert not AccessRecord.objects.exists()
        _shot(page, screenshot_dir, f"accesslog-3-other-without-words-{locale}.png")
    finally:
        context.close()
