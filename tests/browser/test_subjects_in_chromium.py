"""Issue 20 item 3 (PIPL arts. 44–47; B8, R17) in Chromium: a driver on a 360-px phone in Chinese proves their
mobile on 我的个人信息, sees what the platform holds about them (their own party, never the other driver's), downloads
the copy as JSON and as PDF, and asks for the deletion of a question; Longnan's association, on the desk, sees the
request in its queue with the deadline (an older request above it marked overdue), and works it: accepted and
erased; back on the phone the driver sees it done."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from claimbridge.consultations.services import consultation_ask
from claimbridge.subjects import services
from claimbridge.subjects.models import SubjectRequest
from claimbridge.subjects.selectors import Subject
from tests.backends import file_storage
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import log_in, prove_phone
from tests.factories import two_party_case

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]
PHONE_A = "13700005555"


def _fits(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_pipl_a_driver_downloads_their_data_asks_a_deletion_and_the_association_works_it(
    browser, live_server, screenshot_dir, demo_password, settings
):
    settings.STORAGES = {**settings.STORAGES, "default": file_storage()}
    case = two_party_case()  # A (PHONE_A) and B (李四) in 武都区, Longnan
    question = consultation_ask(phone=PHONE_A, question="我的个人信息会保存多久？", city_code="621200")
    older = services.subject_request_create(subject=Subject(phone="13700006666"), kind="deletion",
                                            record=f"case:{case.number}")  # fmt: skip
    SubjectRequest.objects.filter(pk=older.pk).update(deadline=timezone.now() - timedelta(days=1))

    phone = browser.new_context(**PHONE, locale="zh-CN", accept_downloads=True)
    page = phone.new_page()
    try:
        page.goto(f"{live_server.url}/my-data/")
        assert page.get_by_role("heading", name="我的个人信息").is_visible()
        prove_phone(page, PHONE_A, "继续")
        cases = page.locator("[data-testid=my-case-data]")
        assert cases.count() == 1
        assert "张三" in cases.inner_text()
        assert "李四" not in page.content()
        assert question.number in page.locator("[data-testid=my-questions-data]").inner_text()
        assert _fits(page)
        page.screenshot(path=screenshot_dir / "zh-hans-phone-my-data.png", full_page=True)
        with page.expect_download() as got:
            page.locator("[data-testid=copy-json]").click()
        copy = json.loads(Path(got.value.path()).read_text())
        assert copy["schema"] == "claimbridge.subject-data"
        assert copy["schema_version"] == 1
        assert [c["party"] for c in copy["cases"]] == ["A"]
        assert "李四" not in json.dumps(copy, ensure_ascii=False)
        with page.expect_download() as got:
            page.locator("[data-testid=copy-pdf]").click()
        assert Path(got.value.path()).read_bytes().startswith(b"%PDF")
        page.locator("[data-testid=ask-deletion] select[name=record]").select_option(f"consultation:{question.number}")
        page.locator("[data-testid=ask-deletion] textarea[name=note]").fill("问题已解决，请删除")
        page.locator("[data-testid=ask-deletion-send]").click()
        page.wait_for_load_state()
        mine = page.locator("[data-testid=my-request]").first
        assert "已受理" in mine.inner_text()
        assert "陇南" in mine.inner_text()
        page.locator("[data-testid=my-requests]").scroll_into_view_if_needed()
        page.screenshot(path=screenshot_dir / "zh-hans-phone-my-data-request.png", full_page=True)
    finally:
        phone.close()
    asked = SubjectRequest.objects.get(record_ref=question.number)
    assert asked.holder_association.city.code == "621200"

    desk = browser.new_context(**DESKTOP, locale="zh-CN")
    page = desk.new_page()
    try:
        log_in(page, live_server.url, "ln_assoc", demo_password, "zh-hans")
        page.goto(f"{live_server.url}/data-requests/")
        rows = page.locator("[data-testid=queue-row]")
        assert rows.count() == 2
        assert older.number in rows.nth(0).inner_text()
        assert "已逾期" in rows.nth(0).inner_text()
        assert f"{timezone.localtime(asked.deadline):%Y-%m-%d}" in rows.nth(1).inner_text()
        page.screenshot(path=screenshot_dir / "zh-hans-desk-data-requests.png", full_page=True)
        page.get_by_role("link", name=asked.number).click()
        page.locator("[data-testid=start]").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=held-state]").inner_text() == "处理中"
        page.locator("[data-testid=complete]").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=held-state]").inner_text() == "已办结"
        page.screenshot(path=screenshot_dir / "zh-hans-desk-data-request-done.png", full_page=True)
    finally:
        desk.close()
    asked.refresh_from_db()
    question.refresh_from_db()
    assert asked.state == "done"
    assert asked.worked_at is not None
    assert asked.worked_at <= asked.deadline
    assert question.question != "我的个人信息会保存多久？"
    assert list(asked.events.values_list("kind", flat=True)) == ["received", "started", "done"]

    phone = browser.new_context(**PHONE, locale="zh-CN")
    page = phone.new_page()
    try:
        page.goto(f"{live_server.url}/my-data/")
        prove_phone(page, PHONE_A, "继续")
        mine = page.locator("[data-testid=my-request]").first
        assert "已办结" in mine.inner_text()
        assert question.number not in page.locator("[data-testid=my-questions-data]").inner_text()
        page.locator("[data-testid=my-requests]").scroll_into_view_if_needed()
        page.screenshot(path=screenshot_dir / "zh-hans-phone-my-data-done.png", full_page=True)
    finally:
        phone.close()
