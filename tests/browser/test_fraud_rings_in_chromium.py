"""Issue 16 (B5, B8, R20): three quick claims between the same two drivers make a ring as they arrive. The committee
opens the ring on the desk — its cases, the shared entities masked, the drawing — and a case's reasons; an insurer's
claims handler on a 360-px phone sees on its case the score, its reasons and "linked to 2 cases", nothing more."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]


def test_r20_b5_a_ring_for_the_committee_and_a_count_for_the_insurer(browser, live_server, screenshot_dir,
                                                                    demo_password):  # fmt: skip
    from claimbridge.fraud.analysis_models import CaseScore, RingLook, RingMember
    from tests.factories import A_DETAILS, B_DETAILS, two_party_case

    cases = [two_party_case(photos=photos) for photos in ((0, 1, 2), (3, 4, 5), (6, 7, 8))]
    ring = RingMember.objects.get(case=cases[-1]).ring  # the third case joined at once
    assert ring.size == 3
    assert CaseScore.objects.filter(case__in=cases).count() == 3  # scored after each change's commit

    context = browser.new_context(**DESKTOP, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "antifraud", demo_password, "zh-hans")
        page.locator("nav.nav").get_by_role("link", name="欺诈团伙").click()
        row = page.locator("[data-testid=ring-row]", has_text=f"团伙 {ring.pk}")
        assert row.locator("td").nth(1).inner_text() == "3"
        row.get_by_role("link").click()
        page.locator("[data-testid=ring-graph]").wait_for()
        assert page.locator("[data-testid=graph-case]").count() == 3
        assert page.locator("[data-testid=graph-entity]").count() >= 2
        entities = page.locator("[data-testid=ring-entities]").inner_text()
        assert "号牌" in entities
        assert "手机" in entities
        for raw in (A_DETAILS["plate"], B_DETAILS["plate"], A_DETAILS["driver_licence"]):
            assert raw not in page.content()  # masked, never the value
        assert page.locator("[data-testid=ring-case]").count() == 3
        page.screenshot(path=screenshot_dir / "zh-hans-desk-fraud-ring.png", full_page=True)
        assert RingLook.objects.filter(user__username="antifraud", ring_number=ring.pk, route="page").exists()

        page.locator("[data-testid=ring-case]").last.locator("td").last.get_by_role("link").click()
        reasons = page.locator("[data-testid=reasons]").inner_text()
        assert "团伙" in reasons  # the ring rule, with its size
        assert "同" in reasons  # the same two parties met before
        assert page.locator("[data-testid=ring-link]").count() == 1
        page.screenshot(path=screenshot_dir / "zh-hans-desk-fraud-case-score.png", full_page=True)

        page.goto(f"{live_server.url}/fraud/scores/")
        assert page.locator("[data-testid=score-bar]").count() == 10
        assert page.locator("[data-testid=score-row]").count() >= 3
        page.screenshot(path=screenshot_dir / "zh-hans-desk-fraud-scores.png", full_page=True)
    finally:
        context.close()

    phone = browser.new_context(**PHONE, locale="zh-CN")
    page = phone.new_page()
    try:
        log_in(page, live_server.url, "tianlong_unit1", demo_password, "zh-hans")  # B's claims unit, 天陇 in 武都
        page.goto(f"{live_server.url}/cases/{cases[-1].number}/")
        card = page.locator("[data-testid=case-fraud-score]")
        assert "与平台上 2 个案件关联" in card.inner_text()
        assert "团伙 " not in card.inner_text()  # no ring, no other case named
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=screenshot_dir / "zh-hans-phone-fraud-score-on-case.png", full_page=True)
        card.get_by_role("link", name="全部原因").click()
        assert page.locator("[data-testid=reason]").count() >= 1
        assert page.locator("[data-testid=ring-link]").count() == 0
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=screenshot_dir / "zh-hans-phone-fraud-case-score.png", full_page=True)
        page.goto(f"{live_server.url}/fraud/rings/{ring.pk}/")
        assert page.locator("[data-testid=ring-graph]").count() == 0  # refused
    finally:
        phone.close()
