"""Issue 20 item 3 (PIPL arts. 44–47; B8, R17) in Chromium: a driver on a 360-px phone in Chinese proves their
mobile on 我的个人信息, sees what the platform holds about them (their own party, never the other driver's), downloads
the copy as JSON and as PDF, and asks for the deletion of a question; Longnan's association, on the desk, sees the
request in its queue with the deadline (an older request above it marked overdue), and works it: accepted and
erased; back on the phone the driver sees it done; and the case's access log shows who looked at the case (issue 20's
acceptance journey, end to end)."""

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
        assert "张三" not in cases.inner_text()  # collapsed: the page stays short on a phone
        cases.locator("summary").click()
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
        page.locator("[data-testid=ask-deletion] summary").click()
        page.locator("[data-testid=ask-deletion] select[name=record]").select_option(f"consultation:{question.number}")
        page.locator("[data-testid=ask-deletion] textarea[name=note]").fill("问题已解决，请删除")
        page.locator("[data-testid=ask-deletion-send]").click()
        page.wait_for_load_state()
        mine = page.locator("[data-testid=my-request]").first
        assert "已受理" in mine.inner_text()
        assert "陇南" in mine.inner_text()
        assert f"咨询 {question.number}" in mine.inner_text()  # the request names its record
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

    # Who looked at the case (item 4): a handler of the insurer of record shows party A's mobile, saying why; the
    # insurer's supervisor then reads the case's access log, which names the handler, the reason and the time.
    desk = browser.new_context(**DESKTOP, locale="zh-CN")
    page = desk.new_page()
    try:
        holder = case.parties.get(label="A").insurer.code
        log_in(page, live_server.url, f"{holder}_unit1", demo_password, "zh-hans")
        page.goto(f"{live_server.url}/cases/{case.number}/")
        card = page.locator("[data-testid=party-A]")
        card.locator("[data-testid=reveal-purpose-A]").select_option("customer_contact")
        card.locator("[data-testid=reveal-note-A]").fill("回复删除申请前核实")
        card.locator("[data-testid=reveal-A]").click()
        page.locator("[data-testid=party-A] [data-testid=revealed-note]").wait_for()
    finally:
        desk.close()
    desk = browser.new_context(**DESKTOP, locale="zh-CN")
    page = desk.new_page()
    try:
        log_in(page, live_server.url, f"{holder}_hq", demo_password, "zh-hans")
        page.goto(f"{live_server.url}/cases/{case.number}/access/")
        rows = page.locator("[data-testid=access-row]")
        text = rows.first.inner_text()
        assert f"{holder}_unit1" in text
        assert "联系客户" in text
        assert "回复删除申请前核实" in text
        page.screenshot(path=screenshot_dir / "zh-hans-desk-case-access-log.png", full_page=True)
    finally:
        desk.close()


def test_pipl_a_retained_deletion_is_refused_explaining_the_duty_and_a_correction_is_applied(
    browser, live_server, screenshot_dir, demo_password, settings, monkeypatch
):
    """The walker's issue 20 findings on a 360-px phone in Chinese: the empty phone form says what is missing; the
    correction form offers each record's own fields, its error next to the field; the desk's list counts down to
    each deadline; a deletion a retention duty keeps shows the duty and its date before the clerk decides, with no
    delete button, the refusal prefilled and its reason required; an approved correction is written to the case;
    the driver is texted each time."""
    from datetime import date, datetime, time

    from claimbridge.cases.models import CaseParty
    from claimbridge.core.sms import MemorySmsBackend
    from claimbridge.retention.erasure import Hold
    from claimbridge.subjects import hooks

    settings.STORAGES = {**settings.STORAGES, "default": file_storage()}
    until = timezone.make_aware(datetime.combine(date(2031, 3, 31), time(12)))
    monkeypatch.setattr(hooks, "retention_hold", lambda case, *, at: Hold(
        True, until, "claim_record", "须保存至 2031-03-31（保险法 第八十七条）", "must be kept until 2031-03-31"))  # fmt: skip
    case = two_party_case()
    kept = services.subject_request_create(
        subject=Subject(phone=PHONE_A), kind="deletion", record=f"case:{case.number}"
    )
    MemorySmsBackend.outbox.clear()

    phone = browser.new_context(**PHONE, locale="zh-CN")
    page = phone.new_page()
    try:
        page.goto(f"{live_server.url}/my-data/")
        page.get_by_role("button", name="继续").click()  # nothing typed
        page.wait_for_load_state()
        assert page.locator("#id_phone + p.error").is_visible()
        page.locator("#id_phone").fill(PHONE_A)
        page.locator("#id_sms_code").fill("123456")
        page.get_by_role("button", name="继续").click()  # before asking for a code
        page.wait_for_load_state()
        assert "请先点击“发送验证码”" in page.locator("#id_sms_code + p.error").inner_text()
        page.get_by_role("button", name="发送验证码").click()
        page.locator("[data-testid=code-sent]").wait_for()
        assert page.locator("#id_sms_code").input_value() == ""  # the old code is cleared
        prove_phone(page, PHONE_A, "继续")
        assert page.locator("section.card").nth(1).get_attribute("data-testid") == "my-requests"  # requests first
        assert f"事故案件 {case.number}" in page.locator("[data-testid=my-request]").first.inner_text()
        ask = page.locator("[data-testid=ask-correction]")
        ask.locator("summary").click()
        ask.get_by_label("正确的内容").fill("张叁")
        ask.locator("[data-testid=ask-correction-send]").click()
        page.wait_for_load_state()
        ask = page.locator("[data-testid=ask-correction]")
        assert ask.get_attribute("open") is not None  # the form with its error stays open
        assert "请选择要更正的内容" in ask.locator("#id_item + p.error").inner_text()
        page.screenshot(path=screenshot_dir / "zh-hans-phone-my-data-correction-error.png", full_page=True)
        group = ask.locator(f'optgroup[label^="事故案件 {case.number}"] option')
        assert group.all_inner_texts().count("姓名") == 1
        ask.get_by_label("需要更正的内容").select_option(f"case:{case.number}|driver_name")
        ask.locator("[data-testid=ask-correction-send]").click()
        page.wait_for_load_state()
        assert "已受理" in page.locator("[data-testid=my-request]").first.inner_text()
        assert _fits(page)
        page.screenshot(path=screenshot_dir / "zh-hans-phone-my-data-requests-first.png", full_page=True)
    finally:
        phone.close()
    fixed = SubjectRequest.objects.get(kind="correction")
    assert (fixed.field, fixed.correction) == ("driver_name", "张叁")
    assert [(to, fixed.number in text) for to, text in MemorySmsBackend.outbox if "已受理" in text] == [(PHONE_A, True)]

    desk = browser.new_context(**PHONE, locale="zh-CN")
    page = desk.new_page()
    try:
        log_in(page, live_server.url, "ln_assoc", demo_password, "zh-hans")
        page.goto(f"{live_server.url}/data-requests/")
        rows = page.locator("[data-testid=queue-row]")
        assert rows.count() == 2
        assert "剩余 15 天" in rows.nth(0).locator("[data-testid=countdown]").inner_text()
        page.screenshot(path=screenshot_dir / "zh-hans-phone-desk-data-requests-countdown.png", full_page=True)
        page.goto(f"{live_server.url}/data-requests/{kept.number}/")
        duty = page.locator("[data-testid=retention-duty]")
        assert "理赔记录" in duty.inner_text()
        assert "保险法" in duty.inner_text()
        assert page.locator("[data-testid=retention-until]").inner_text() == "2031-03-31"
        assert page.locator("[data-testid=complete]").count() == 0  # no delete button that cannot delete
        reason = page.get_by_label("给申请人的理由（中文，必填）")
        assert "2031年03月31日" in reason.input_value()
        prefilled = reason.input_value()
        assert "monospace" not in reason.evaluate("e => getComputedStyle(e).fontFamily")  # the site's font
        reason.fill("")
        page.locator("[data-testid=refuse]").click()
        page.wait_for_load_state()
        assert "请写明不予办理的理由" in page.locator("#id_reason_zh + p.error").inner_text()
        assert page.get_by_label("给申请人的理由（中文，必填）").input_value() == prefilled  # not lost
        assert page.locator("[data-testid=held-state]").inner_text() == "已受理"
        page.screenshot(path=screenshot_dir / "zh-hans-phone-desk-retained-deletion.png", full_page=True)
        page.get_by_label("给申请人的理由（中文，必填）").fill(prefilled)
        page.get_by_role("button", name="不予办理并说明保存义务").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=held-state]").inner_text() == "不予办理"
        page.goto(f"{live_server.url}/data-requests/{fixed.number}/")
        assert page.locator("[data-testid=held-current]").inner_text().startswith("（现为：")
        approve, refuse = page.locator("[data-testid=complete-form]"), page.locator("[data-testid=refuse-form]")
        assert approve.locator("h3").inner_text() == "同意：更正"
        assert refuse.locator("h3").inner_text() == "不予办理"
        assert refuse.get_by_label("给申请人的理由（中文，必填）").count() == 1  # the reason belongs to refusing
        assert approve.bounding_box()["y"] + approve.bounding_box()["height"] < refuse.bounding_box()["y"]  # apart
        page.screenshot(path=screenshot_dir / "zh-hans-phone-desk-correction-decide.png", full_page=True)
        page.get_by_role("button", name="同意并更正").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=held-state]").inner_text() == "已办结"
        assert _fits(page)
        page.screenshot(path=screenshot_dir / "zh-hans-phone-desk-correction-applied.png", full_page=True)
    finally:
        desk.close()
    phone = browser.new_context(**PHONE, locale="zh-CN")
    page = phone.new_page()
    try:
        page.goto(f"{live_server.url}/my-data/")
        prove_phone(page, PHONE_A, "继续")
        refusal = page.locator("[data-testid=request-refusal]")
        assert "2031年03月31日" in refusal.inner_text()
        assert "error" not in (refusal.get_attribute("class") or "")  # information, not a form error
        state = page.locator("[data-testid=request-state]").filter(has_text="不予办理").first
        assert state.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
        assert state.bounding_box()["height"] < 30  # one line: 不予办理 does not break
        assert _fits(page)
        page.screenshot(path=screenshot_dir / "zh-hans-phone-my-data-refusal.png", full_page=True)
    finally:
        phone.close()
    kept.refresh_from_db()
    assert (kept.state, kept.refusal_code, kept.retained_until) == ("refused", "retention", date(2031, 3, 31))
    assert CaseParty.objects.get(case=case, label="A").driver_name == "张叁"
    texts = [text for to, text in MemorySmsBackend.outbox if to == PHONE_A]
    assert any(kept.number in text and "2031年03月31日" in text for text in texts)
    assert any(fixed.number in text and "已办结" in text for text in texts)
