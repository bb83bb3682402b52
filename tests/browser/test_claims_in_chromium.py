"""The back office on a desktop (issue 6): A's insurer's claims unit registers A's claim on an agreed case, records
the first call, assesses both vehicles and where A's is repaired (on a phone: a mistyped shop code refused under its
field), has the kernel compute the settlement, approves, records the payment with the payee's account (shown masked)
and closes the claim with a reason; the SLA clocks show what was met."""

from __future__ import annotations

import pytest

from claimbridge.accounts.models import Role, User
from claimbridge.cases.models import Claim
from claimbridge.cases.services import quick_claim
from tests.backends import file_storage
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import log_in
from tests.factories import two_party_case

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]


def test_a_claims_handler_takes_a_claim_from_registration_to_closure(
    browser, live_server, screenshot_dir, demo_password, settings
):
    settings.STORAGES = {**settings.STORAGES, "default": file_storage()}
    case = two_party_case()
    a, b = case.parties.order_by("label")
    quick_claim.party_confirm(party=a, typed_name="张三", consent=True, device="A")
    quick_claim.party_confirm(party=b, typed_name="李四", consent=True, device="B")
    handler = User.objects.get(role=Role.INSURER_STAFF, claims_unit=a.claims_unit, username__endswith="_unit1")
    context = browser.new_context(**DESKTOP, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, handler.username, demo_password, "zh-hans")
        page.goto(f"{live_server.url}/cases/{case.number}/")
        panel = page.locator("[data-testid=claim-A]")
        assert page.locator("[data-testid=claim-B]").count() == 0  # B's claim is another company's
        panel.locator("[data-testid=claim-register]").click()
        panel.locator("[data-testid=claim-contact] button").click()
        assert page.locator("[data-testid=claim-A] [data-clock=first_contact]").get_attribute("data-late") == "false"
        form = page.locator("[data-testid=claim-A] [data-testid=claim-assess]")
        form.locator("input[name=loss_A]").fill("1500")
        form.locator("input[name=loss_B]").fill("3000")
        # 定损 on a 360-px phone: where the vehicle is repaired, its unified social credit code mistyped (the last
        # character) — refused under that field with everything typed kept; then corrected (issue 16).
        page.set_viewport_size(PHONE["viewport"])
        form.locator("input[name=repair_shop]").fill("武都区顺达汽车修理有限公司")
        form.locator("input[name=repair_shop_code]").fill("91621202MA74ABCD13")
        form.locator("button").click()
        error = page.locator("[data-testid=claim-A] [data-testid=error-repair_shop_code]")
        error.wait_for()
        assert "统一社会信用代码不正确" in error.inner_text()
        code = form.locator("input[name=repair_shop_code]")
        assert code.get_attribute("aria-invalid") == "true"
        box, under = code.bounding_box(), error.bounding_box()
        assert box
        assert under
        assert 0 <= under["y"] - (box["y"] + box["height"]) < 40
        assert box["x"] + box["width"] <= 360  # the field fits the phone's width
        assert form.locator("input[name=repair_shop]").input_value() == "武都区顺达汽车修理有限公司"
        assert form.locator("input[name=loss_B]").input_value() == "3000"
        page.screenshot(path=screenshot_dir / "zh-hans-phone-claim-assess-code-refused.png", full_page=True)
        assert Claim.objects.get(party=a).state == "registered"
        code.fill("9162 1202 MA74 ABCD 12")
        form.locator("button").click()
        shop = page.locator("[data-testid=claim-A] [data-testid=repair-shop]")
        assert "91621202MA74ABCD12" in shop.inner_text()
        page.locator("[data-testid=claim-A] [data-testid=claim-settle] button").click()
        assert "3,100.00" in page.locator("[data-testid=claim-A] [data-testid=payable]").inner_text()
        page.locator("[data-testid=claim-A] [data-testid=claim-approve] button").click()
        pay = page.locator("[data-testid=claim-A] [data-testid=claim-pay]")
        pay.locator("input[name=reference]").fill("ICBC-20261125-0001")
        pay.locator("input[name=payee_account]").fill("6222 0212 3456 7890 123")
        pay.locator("button").click()
        assert "已支付" in page.locator("[data-testid=claim-A] [data-testid=claim-state]").inner_text()
        assert "****0123" in page.locator("[data-testid=claim-A] [data-testid=payee-account]").inner_text()
        assert "6222021234567890123" not in page.content()
        page.locator("[data-testid=claim-A]").screenshot(path=screenshot_dir / "zh-hans-phone-claim-paid-panel.png")
        page.set_viewport_size(DESKTOP["viewport"])
        page.screenshot(path=screenshot_dir / "zh-hans-desktop-claim-paid.png", full_page=True)
        page.locator("[data-testid=claim-A] [data-testid=claim-close] button").click()
        assert "已结案" in page.locator("[data-testid=claim-A] [data-testid=claim-state]").inner_text()
        claim = Claim.objects.get(party=a)
        assert (claim.state, claim.paid_amount, claim.close_reason) == ("closed", 3100, "paid_in_full")
        # A closed claim is not handed off (nothing left to serve there)…
        assert page.locator("[data-testid=claim-A] [data-testid=handoff]").count() == 0
        # …until it is reopened: a complaint, and the customer moved house — the claim goes to the company's unit in
        # Tianshui, with the reason recorded (R1).
        page.locator("[data-testid=claim-A] [data-testid=other-steps] summary").first.click()
        page.locator("#A-reopen-reason").select_option("complaint")
        page.locator("[data-testid=claim-A] [data-testid=claim-reopen] button").click()
        assert "已立案" in page.locator("[data-testid=claim-A] [data-testid=claim-state]").inner_text()
        page.locator("[data-testid=claim-A] [data-testid=handoff] summary").click()
        page.locator("#unit-A").select_option(index=0)
        page.locator("#reason-A").select_option("customer_asked")
        page.get_by_role("button", name="移交").click()
        page.get_by_text("已保存。").wait_for()
        assert a.handoffs.get().by == handler
    finally:
        context.close()


def test_r7_an_adjuster_reports_at_the_scene_only_with_the_customers_consent(
    browser, live_server, screenshot_dir, demo_password
):
    from claimbridge.cases.models import Case

    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "tianlong_adj1", demo_password, "zh-hans")
        page.goto(f"{live_server.url}/cases/")
        page.locator("[data-testid=report-case]").click()
        page.locator("#id_county").select_option("621202")
        page.locator("#id_plate_a").fill("甘K12345")
        page.locator("#id_plate_b").fill("甘E6789A")
        page.locator("#id_credential_shown").check()
        page.get_by_role("button", name="报案", exact=True).click()
        assert "征得客户同意" in page.locator("main").inner_text()
        assert Case.objects.count() == 0
        page.locator("#id_credential_shown").check()
        page.locator("#id_customer_consented").check()
        page.screenshot(path=screenshot_dir / "zh-hans-phone-adjuster-report.png", full_page=True)
        page.get_by_role("button", name="报案", exact=True).click()
        page.locator("[data-testid=case-state]").wait_for()
        case = Case.objects.get()
        assert case.channel == "adjuster"
        assert case.events.get(kind="created").data["consent"]["customer_consented"]
    finally:
        context.close()
