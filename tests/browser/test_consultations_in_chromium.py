"""R13 (consultation) in Chromium: a customer asks on a 360-px phone in Chinese, on their case, after proving the
mobile with the text-message code of the driver's journey; 麦积's staff, unsure, escalate it on the desk to the
company's specialist with a deadline of two working days; the specialist sees it in their list — its deadline, the
older overdue question above it with its marker — and answers; back on the phone the customer reads the answer and
rates it, once. An empty question is refused next to its field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claimbridge.accounts.models import User
from claimbridge.consultations import services
from claimbridge.consultations.models import Consultation, Specialist
from tests.backends import file_storage
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import log_in, prove_phone
from tests.factories import two_party_case

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]
PHONE_A = "13700005555"
QUESTION = "对方全责，我的车在哪里定损？维修费用需要我先垫付吗？"
ANSWER = "请到麦积保险武都查勘定损点定损；对方全责时由对方保险公司赔付，您无需先行垫付。"


def _fits(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def _desk(browser, live_server, username: str, password: str):
    context = browser.new_context(**DESKTOP, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, username, password, "zh-hans")
    return context, page


def test_r13_a_question_from_the_phone_is_escalated_answered_by_the_specialist_and_rated(
    browser, live_server, screenshot_dir, demo_password, settings
):
    settings.STORAGES = {**settings.STORAGES, "default": file_storage()}
    case = two_party_case()  # A (PHONE_A) insured by 麦积
    expert = User.objects.get(username="maiji_adj1")
    specialist = Specialist.objects.create(user=expert, insurer=expert.insurer, topics=["repairs", "settlement"])
    older = services.consultation_ask(phone="13700009999", question="异地维修如何报销？", insurer_code="maiji")
    services.consultation_escalate(user=User.objects.get(username="maiji_hq"), consultation=older,
                                   specialist_id=specialist.pk)  # fmt: skip
    Consultation.objects.filter(pk=older.pk).update(due_at=timezone.now() - timedelta(days=1))

    phone = browser.new_context(**PHONE, locale="zh-CN")
    page = phone.new_page()
    try:
        page.goto(f"{live_server.url}/")
        page.locator("[data-testid=home-ask]").click()
        page.wait_for_url("**/consult/")
        prove_phone(page, PHONE_A, "继续")
        assert page.get_by_role("heading", name="在线咨询").is_visible()
        page.locator("#id_about").select_option(f"case:{case.number}")
        page.locator("#id_topic").select_option("repairs")
        page.get_by_role("button", name="提交咨询").click()  # nothing typed: refused next to the field
        page.wait_for_load_state()
        assert page.locator("#id_question + p.error").inner_text() == "这个字段是必填项。"
        page.screenshot(path=screenshot_dir / "zh-hans-phone-consult-refused.png", full_page=True)
        page.locator("#id_question").fill(QUESTION)
        page.get_by_role("button", name="提交咨询").click()
        page.wait_for_load_state()
        mine = page.locator("[data-testid=question]").first
        assert "待答复" in mine.inner_text()
        assert QUESTION in mine.inner_text()
        assert "麦积" in mine.inner_text()
        assert _fits(page)
        page.screenshot(path=screenshot_dir / "zh-hans-phone-consult-asked.png", full_page=True)
    finally:
        phone.close()
    asked = Consultation.objects.get(case=case)
    assert asked.insurer.code == "maiji"
    assert asked.party_label == "A"

    desk, page = _desk(browser, live_server, "maiji_hq", demo_password)
    try:
        page.locator("nav.nav").get_by_role("link", name="咨询服务").click()
        row = page.locator("[data-testid=inbox-row]", has_text=asked.number)
        assert "137****5555" in row.inner_text()
        assert PHONE_A not in page.content()
        row.get_by_role("link", name=asked.number).click()
        page.wait_for_url(f"**/consult/q/{asked.number}/")
        page.locator("#id_specialist").select_option(str(specialist.pk))
        page.locator("#id_note").fill("涉及责任对方全责的代位求偿，请专家答复")
        page.get_by_role("button", name="转交").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=detail-state]").inner_text() == "已转专家"
        page.screenshot(path=screenshot_dir / "zh-hans-desk-consult-escalated.png", full_page=True)
    finally:
        desk.close()
    asked.refresh_from_db()
    assert asked.state == "escalated"
    assert asked.due_at is not None
    due = timezone.localtime(asked.due_at).strftime("%Y-%m-%d %H:%M")

    desk, page = _desk(browser, live_server, "maiji_adj1", demo_password)
    try:
        page.locator("[data-testid=home-specialist]").click()
        page.wait_for_url("**/consult/specialist/")
        rows = page.locator("[data-testid=specialist-row]")
        assert rows.count() == 2
        assert older.number in rows.nth(0).inner_text()
        assert "已逾期" in rows.nth(0).inner_text()  # oldest due first
        assert asked.number in rows.nth(1).inner_text()
        assert rows.nth(1).locator("[data-testid=due]").inner_text() == due
        assert rows.nth(1).locator("[data-testid=overdue]").count() == 0
        page.screenshot(path=screenshot_dir / "zh-hans-desk-consult-specialist-list.png", full_page=True)
        rows.nth(1).get_by_role("link", name=asked.number).click()
        page.wait_for_url(f"**/consult/q/{asked.number}/")
        page.locator("#id_answer").fill(ANSWER)
        page.get_by_role("button", name="发送答复").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=detail-state]").inner_text() == "已答复"
    finally:
        desk.close()

    phone = browser.new_context(**PHONE, locale="zh-CN")
    page = phone.new_page()
    try:
        page.goto(f"{live_server.url}/consult/")
        prove_phone(page, PHONE_A, "继续")
        card = page.locator(f"#q-{asked.number}")
        assert ANSWER in card.locator("[data-testid=answer]").inner_text()
        card.get_by_label("5").check()
        card.locator("textarea[name=comment]").fill("解答清楚，谢谢")
        card.screenshot(path=screenshot_dir / "zh-hans-phone-consult-rating.png")
        card.get_by_role("button", name="提交评价").click()
        page.locator(f"#q-{asked.number} [data-testid=rated]").wait_for()
        assert "5 / 5" in page.locator(f"#q-{asked.number} [data-testid=rated]").inner_text()
        assert page.locator(f"#q-{asked.number} [data-testid=rate-form]").count() == 0  # once
        assert _fits(page)
        page.screenshot(path=screenshot_dir / "zh-hans-phone-consult-rated.png", full_page=True)
    finally:
        phone.close()
    asked.refresh_from_db()
    assert asked.state == "rated"
    assert asked.rating == 5
    assert list(asked.events.values_list("kind", flat=True)) == ["asked", "escalated", "answered", "rated"]
