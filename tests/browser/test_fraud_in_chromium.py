"""Issue 15 acceptance (first part; R11, R20, R15): an adjuster files a clue at the scene on a 360-px phone with a
photo and a witness; the committee of the other city sees it because the policy was written there; the accident
city's committee asks the insurer for a file, the insurer answers, the committee confirms fraud, and the reward shows
in the adjuster's monthly feedback; another insurer sees nothing of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]
PHOTO = sorted((Path(__file__).resolve().parents[1] / "data" / "car_photos").glob("*.jpg"))[0]


def two_committees(password: str) -> None:
    """Each city's own committee, with a member each (the demo has one joint committee)."""
    from datetime import date
    from decimal import Decimal

    from claimbridge.accounts.models import Role, User
    from claimbridge.fraud.models import RewardRatio
    from claimbridge.organisations.models import AntiFraudCommittee, Association, Insurer

    for username, city in (("af_ln", "621200"), ("af_ts", "620500")):
        committee = AntiFraudCommittee.objects.create(name=f"{city} 反欺诈委员会", name_en=f"{city} committee")
        committee.associations.set([Association.objects.get(city__code=city)])
        User.objects.create_user(username=username, password=password, role=Role.ANTIFRAUD_MEMBER, committee=committee)
    RewardRatio.objects.create(insurer=Insurer.objects.get(code="maiji"), ratio=Decimal("0.05"),
                               effective_from=date(2023, 8, 15))  # fmt: skip


def desk(browser, live_server, username: str, password: str):
    context = browser.new_context(**DESKTOP, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, username, password, "zh-hans")
    return context, page


def test_r11_r20_a_clue_from_the_phone_reaches_both_committees_and_ends_in_a_reward(
    browser, live_server, screenshot_dir, demo_password
):
    from claimbridge.accounts.models import User
    from tests.factories import wudu_case

    two_committees(demo_password)
    case = wudu_case(User.objects.get(username="tianlong_adj1"))  # in 武都; A's policy written in Tianshui by 麦积
    phone = browser.new_context(**PHONE, locale="zh-CN")
    page = phone.new_page()
    try:
        log_in(page, live_server.url, "tianlong_adj1", demo_password, "zh-hans")
        page.locator("nav.nav").get_by_role("link", name="欺诈线索").click()
        page.locator("[data-testid=new-clue]").click()
        page.locator("#id_case").fill(case.number)
        page.get_by_label("损伤与事故经过不符").check()
        page.get_by_label("双方当事人疑似相识").check()
        page.locator("#id_urgency").select_option("urgent")
        page.locator("#id_description").fill("两车损伤高度不一致，双方互存电话")
        page.locator("[data-testid=clue-photos]").set_input_files(str(PHOTO))
        page.locator("#id_person_role").select_option("witness")
        page.locator("#id_person_name").fill("王五")
        page.locator("#id_person_phone").fill("13912345678")
        page.locator("#id_plate").fill("甘E6789A")
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=screenshot_dir / "zh-hans-phone-fraud-clue-form.png", full_page=True)
        page.locator("[data-testid=send-clue]").click()
        page.locator("[data-testid=clue-number]").wait_for()
        number = page.locator("[data-testid=clue-number]").inner_text()
        assert page.locator("[data-testid=clue-state]").inner_text() == "已接收"
        assert page.locator("[data-testid=clue-photo]").count() == 1
        witness = page.locator("[data-testid=person]").inner_text()
        assert "目击者" in witness
        assert "王*" in witness
        assert "139****5678" in witness
        assert "13912345678" not in witness
        assert page.locator("[data-testid=recent-case]").count() == 0  # the reporter sees counts, never cases
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=screenshot_dir / "zh-hans-phone-fraud-clue-sent.png", full_page=True)
    finally:
        phone.close()

    # The other city's committee sees it: A's policy was written in Tianshui.
    context, page = desk(browser, live_server, "af_ts", demo_password)
    try:
        page.goto(f"{live_server.url}/fraud/")
        row = page.locator("[data-testid=clue-row]", has_text=number)
        assert "跨区域" in row.inner_text()
        row.get_by_role("link", name=number).click()
        assert "共享：涉及另一城市" in page.locator("[data-testid=routes]").inner_text()
        assert "139****5678" in page.locator("[data-testid=person]").inner_text()
        assert page.locator("[data-testid=clue-photo] img").count() == 1
        assert page.locator("[data-testid=step-form]").count() == 0  # shared: reads, notes, asks; does not decide
        page.screenshot(path=screenshot_dir / "zh-hans-desk-fraud-clue-shared.png", full_page=True)
    finally:
        context.close()

    # The accident city's committee asks 麦积 for a file; 麦积 answers inside the platform.
    context, page = desk(browser, live_server, "af_ln", demo_password)
    try:
        page.goto(f"{live_server.url}/fraud/{number}/")
        form = page.locator("[data-testid=request-form]")
        form.locator("#id_insurer").select_option("maiji")
        form.locator("#id_question").fill("请提供 A 方定损照片和维修发票")
        form.locator("[data-testid=send-request]").click()
        page.locator("[data-testid=file-request]").wait_for()
    finally:
        context.close()
    context, page = desk(browser, live_server, "maiji_hq", demo_password)
    try:
        page.goto(f"{live_server.url}/fraud/{number}/")
        assert page.locator("[data-testid=person]").count() == 0  # only its part: the request, why it sees it
        assert "A" in page.locator("[data-testid=insurer-part]").inner_text()
        page.locator("[data-testid=file-request] textarea").fill("定损单与发票已附，维修厂为某汽修厂")
        page.locator("[data-testid=answer-files]").set_input_files(str(PHOTO))  # a photographed document
        page.locator("[data-testid=answer-request]").click()
        page.locator("[data-testid=file-answer]").wait_for()
        page.screenshot(path=screenshot_dir / "zh-hans-desk-fraud-insurer-answer.png", full_page=True)
    finally:
        context.close()
    context, page = desk(browser, live_server, "af_ln", demo_password)
    try:
        page.goto(f"{live_server.url}/fraud/{number}/")
        assert "定损单与发票已附" in page.locator("[data-testid=file-answer]").inner_text()
        assert page.locator("[data-testid=file-attachments] img").count() == 1
        for action in ("investigate", "confirm_fraud"):
            step = page.locator("[data-testid=step-form]")
            step.locator(f"input[name=action][value={action}]").check()
            if action == "confirm_fraud":
                step.get_by_label("证据充分").check()
                step.locator("#id_amount_saved").fill("8000")
                step.locator("#id_underwriter").select_option("maiji")
            step.locator("[data-testid=take-step]").click()
            page.wait_for_load_state()
        assert page.locator("[data-testid=clue-state]").inner_text() == "确认欺诈"
        assert "400.00" in page.locator("[data-testid=reward]").inner_text()
        page.screenshot(path=screenshot_dir / "zh-hans-desk-fraud-confirmed.png", full_page=True)
    finally:
        context.close()

    # The month's feedback is computed and published (the task of the 1st, run here for this month): the reward is
    # in the adjuster's monthly feedback (R15) and in the company's report; another insurer sees nothing.
    from django.core.management import call_command
    from django.utils import timezone

    call_command("monthly_feedback", "--month", f"{timezone.localdate():%Y-%m}")
    phone = browser.new_context(**PHONE, locale="zh-CN")
    page = phone.new_page()
    try:
        log_in(page, live_server.url, "tianlong_adj1", demo_password, "zh-hans")
        page.goto(f"{live_server.url}/fraud/")
        assert "400.00" in page.locator("[data-testid=reward-month]").first.inner_text()
        page.screenshot(path=screenshot_dir / "zh-hans-phone-fraud-rewards.png", full_page=True)
        page.locator("nav.nav").get_by_role("link", name="我的月度反馈").click()
        month = page.locator("[data-testid=feedback-month]", has_text="陇南")
        assert month.locator("[data-testid=feedback-fraud-reward]").inner_text() == "400.00"
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=screenshot_dir / "zh-hans-phone-monthly-feedback.png", full_page=True)
    finally:
        phone.close()
    context, page = desk(browser, live_server, "tianlong_hq", demo_password)
    try:
        page.goto(f"{live_server.url}/credentials/reports/")
        row = page.locator("[data-testid=report]", has_text="陇南").first
        assert row.locator("[data-testid=report-fraud-reward]").inner_text() == "400.00"
        page.screenshot(path=screenshot_dir / "zh-hans-desk-monthly-report-fraud.png", full_page=True)
    finally:
        context.close()
    context, page = desk(browser, live_server, "fuxi_hq", demo_password)
    try:
        page.goto(f"{live_server.url}/credentials/reports/")
        assert "400.00" not in page.locator("main").inner_text()
        page.goto(f"{live_server.url}/fraud/")
        assert page.locator("[data-testid=clue-row]").count() == 0
        assert page.goto(f"{live_server.url}/fraud/{number}/").status == 404
    finally:
        context.close()
