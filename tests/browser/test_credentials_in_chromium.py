"""Issue 7 acceptance, credentials (R4–R6): a company submits an adjuster, the association approves, the card PDF
downloads; the QR code in the PDF, decoded by a QR library, opens the verification page, which says valid; after a
staff change the old code says revoked and the new one valid; a forged or altered token says not genuine."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from tests.browser.conftest import DESKTOP
from tests.browser.helpers import hold_a_credential, log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]
PORTRAIT = sorted((Path(__file__).resolve().parents[1] / "data" / "car_photos").glob("*.jpg"))[0]  # any picture will do


def qr_in_pdf(path: str) -> str:
    """The text of the QR code among the card's images (the other one is the portrait)."""
    images = [image for page in PdfReader(path).pages for image in page.images]
    assert len(images) == 2, "the card should carry the portrait and the QR code"
    found = [
        code for image in images for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)).convert("L"))
    ]
    assert found, "no QR code could be read"
    return found[0].text


def download_card(page) -> str:
    with page.expect_download() as download:
        page.locator("[data-testid=card-link]").first.click()
    return str(download.value.path())


def verdict(page, url: str) -> str:
    page.goto(url)
    return page.locator("[data-testid=credential-status]").get_attribute("data-status")


def approve(browser, live_server, password, adjuster_url: str, screenshot_dir: Path, username: str) -> None:
    context = browser.new_context(**DESKTOP, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, username, password, "zh-hans")
        page.goto(adjuster_url)
        page.get_by_role("button", name="通过并颁发资格证").click()
        page.locator("[data-testid=credential]").first.wait_for()
        page.screenshot(path=screenshot_dir / f"zh-hans-desktop-adjuster-approved-{username}.png", full_page=True)
    finally:
        context.close()


def test_issue_7_acceptance_card_qr_verifies_and_a_staff_change_revokes_it(
    browser, live_server, screenshot_dir, demo_password
):
    company = browser.new_context(**DESKTOP, locale="zh-CN")
    page = company.new_page()
    try:
        log_in(page, live_server.url, "tianlong_hq", demo_password, "zh-hans")
        page.goto(f"{live_server.url}/credentials/")
        page.locator("[data-testid=adjuster-new]").click()
        page.locator("#id_full_name").fill("王小明")
        page.locator("#id_photo").set_input_files(
            str(
                Path(__file__).resolve().parents[1]
                / "data"
                / "car_photos"
                / sorted(p.name for p in (Path(__file__).resolve().parents[1] / "data" / "car_photos").glob("*.jpg"))[0]
            )
        )
        page.locator("#id_id_number").fill("11010519491231002X")
        page.locator("#id_phone").fill("13800001111")
        page.locator("#id_city").select_option("621200")
        page.locator("#id_mandarin").fill("二级甲等")
        page.locator("#id_licence_class").fill("C1")
        page.locator("#id_licence_expiry").fill("2030-05-01")
        page.locator("#id_vehicle_plate").fill("甘K12345")
        page.locator("#id_knows_both_regions").check()
        page.get_by_role("button", name="报送行业协会").click()
        page.locator("[data-testid=adjuster-status]").wait_for()
        adjuster_url = page.url
        assert "王**" in page.locator("main").inner_text()
        assert "王小明" not in page.locator("main").inner_text()

        approve(browser, live_server, demo_password, adjuster_url, screenshot_dir, "ln_assoc")
        page.reload()
        old_link = qr_in_pdf(download_card(page))
        assert urlparse(old_link).path == "/credentials/verify/"
        checker = company.new_page()
        assert verdict(checker, old_link) == "genuine_current"
        checker.screenshot(path=screenshot_dir / "zh-hans-desktop-credential-valid.png", full_page=True)

        token = parse_qs(urlparse(old_link).query)["t"][0]
        forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
        assert verdict(checker, f"{live_server.url}/credentials/verify/?{urlencode({'t': forged})}") == "not_genuine"
        assert verdict(checker, f"{live_server.url}/credentials/verify/?t=CB1.e30.AAAA") == "not_genuine"

        # The adjuster moves to the company's branch in Tianshui: the old card is revoked at once.
        page.locator("#kind").select_option("moved")
        page.locator("#city").select_option("620500")
        page.get_by_role("button", name="报送变动").click()
        page.locator("[data-testid=adjuster-status]").wait_for()
        assert verdict(checker, old_link) == "revoked"
        approve(browser, live_server, demo_password, page.url, screenshot_dir, "ts_assoc")
        page.reload()
        new_link = qr_in_pdf(download_card(page))
        assert new_link != old_link
        assert verdict(checker, new_link) == "genuine_current"
        assert verdict(checker, old_link) == "revoked"
    finally:
        company.close()


def test_r7_r13_an_adjuster_records_a_stop_on_the_phone_and_the_customer_rates_it(
    browser, live_server, screenshot_dir, demo_password
):
    from tests.browser.conftest import PHONE

    hold_a_credential("tianlong_adj1")
    adjuster = browser.new_context(**PHONE, locale="zh-CN")
    page = adjuster.new_page()
    try:
        log_in(page, live_server.url, "tianlong_adj1", demo_password, "zh-hans")
        page.locator("nav.nav").get_by_role("link", name="我的服务记录").click()
        page.locator("#id_county").select_option("621202")
        page.get_by_label("现场拍照").check()
        page.get_by_role("button", name="保存记录").click()
        assert "征得客户同意" in page.locator("[data-testid=stop-form]").inner_text()  # no consent yet: refused
        page.locator("#id_credential_shown").check()
        page.locator("#id_customer_consented").check()
        page.locator("#id_customer_insurer").select_option("maiji")
        page.get_by_role("button", name="保存记录").click()
        page.locator("[data-testid=stop]").first.wait_for()
        assert "他司客户" in page.locator("[data-testid=stop]").first.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=screenshot_dir / "zh-hans-phone-service-stop.png", full_page=True)
        # Issue 13: saved, the phone shows the new stop's rating code on screen, to show the customer there and then.
        qr = page.locator("[data-testid=rating-qr]").first
        assert qr.evaluate("e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight }")
        page.screenshot(path=screenshot_dir / "zh-hans-phone-stop-rating-qr.png")
        link = page.locator("[data-testid=rating-link]").first.get_attribute("href")
    finally:
        adjuster.close()
    customer = browser.new_context(**PHONE, locale="zh-CN")
    page = customer.new_page()
    try:
        assert link.startswith(live_server.url)  # the link the customer is shown is absolute (issue 13)
        page.goto(link)
        page.get_by_label("5★").check()
        page.get_by_role("button", name="提交").click()
        page.locator("[data-testid=rated]").wait_for()
    finally:
        customer.close()


def test_r15_the_association_reads_and_downloads_the_monthly_feedback(
    browser, live_server, screenshot_dir, demo_password
):
    from datetime import timedelta

    from django.utils import timezone
    from openpyxl import load_workbook

    from claimbridge.accounts.models import User
    from claimbridge.credentials import services
    from claimbridge.credentials.reports import month_compute, month_publish

    hold_a_credential("tianlong_adj1")
    at = max(timezone.now() - timedelta(minutes=5), timezone.localtime().replace(hour=0, minute=0, second=1))
    services.stop_record(user=User.objects.get(username="tianlong_adj1"), kind="accident", at=at, services=["scene_help"],
                         credential_shown=True, customer_consented=True, county_code="621202", customer_insurer_code="maiji")  # fmt: skip
    month = timezone.localdate(at).replace(day=1)
    month_compute(month=month)
    month_publish(month=month)
    context = browser.new_context(**DESKTOP, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "ln_assoc", demo_password, "zh-hans")
        page.locator("nav.nav").get_by_role("link", name="月度服务反馈").click()
        row = page.locator("[data-testid=report]").filter(has_text="天陇财险").first
        assert "1" in row.locator("td.num").first.inner_text()
        page.screenshot(path=screenshot_dir / "zh-hans-desktop-monthly-feedback.png", full_page=True)
        with page.expect_download() as download:
            row.get_by_role("link", name="Excel").click()
        sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).worksheets[0]
        assert [cell.value for cell in sheet[3]][1] == 1  # one other-company case for the one adjuster
    finally:
        context.close()


# --- issue 13: the register as its users meet it ---------------------------------------------------------------------

FULL_DETAILS = {"education": "college", "mandarin": "二级甲等", "licence_class": "C1", "licence_expiry": "2031-05-01",
                "training": ["车险查勘定损初级培训（2025）", "道路交通事故快处快赔培训"], "knows_both_regions": True,
                "vehicle_plate": "甘K12345", "vehicle_marked": True, "equipment": ["uniform", "work_card", "vest"]}  # fmt: skip


def submitted_with_photo(*, id_number: str = "11010519491231002X", account: str = "") -> int:
    """天陇's company submits 王小明 to the Longnan association with a portrait and every qualification."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from claimbridge.accounts.models import User
    from claimbridge.credentials import services

    photo = SimpleUploadedFile("portrait.jpg", PORTRAIT.read_bytes(), content_type="image/jpeg")
    entry = services.adjuster_submit(user=User.objects.get(username="tianlong_hq"), full_name="王小明",
                                     id_number=id_number, phone="13800001111", city_code="621200",
                                     details=dict(FULL_DETAILS), photo=photo, account=account)  # fmt: skip
    return int(entry.pk)


def image_loaded(page, selector: str) -> bool:
    """The image is there and decoded — waited for (a page just redirected to may still be loading it)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("s => { const i = document.querySelector(s); return !!i && i.complete && i.naturalWidth > 0 }",
                               arg=selector, timeout=10_000)  # fmt: skip
    except PlaywrightTimeout:
        return False
    return True


def test_issue_13_the_association_approves_an_adjuster_seeing_the_photo_licence_training_and_equipment(
    browser, live_server, screenshot_dir, demo_password
):
    """Issue 13 acceptance (R4, R5, R6, B8): the Longnan association finds the submission by the person's (masked)
    name in the list, never "#3"; on the entry it sees the portrait (loaded), the name, ID number and phone in full
    (recorded as shown), the licence with its validity, the training and every piece of equipment, then approves."""
    from claimbridge.credentials.models import RegisterEvent

    pk = submitted_with_photo()
    context = browser.new_context(**DESKTOP, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "ln_assoc", demo_password, "zh-hans")
        page.goto(f"{live_server.url}/credentials/")
        row = page.locator("[data-testid=adjuster-row]").filter(has_text="王**").first
        assert "#" not in row.inner_text()
        page.screenshot(path=screenshot_dir / "zh-hans-desktop-register-list.png", full_page=True)
        row.locator("[data-testid=adjuster-name]").click()
        page.locator("[data-testid=portrait]").wait_for()
        page.wait_for_function("() => document.querySelector('[data-testid=portrait]').complete")
        assert image_loaded(page, "[data-testid=portrait]"), "the reviewer must see the photo"
        assert page.locator("[data-testid=full-name]").inner_text() == "王小明"
        main = page.locator("main").inner_text()
        assert "11010519491231002X" in main
        assert "13800001111" in main
        assert "C1" in page.locator("[data-testid=licence]").inner_text()
        assert "2031-05-01" in page.locator("[data-testid=licence]").inner_text()
        assert "有效" in page.locator("[data-testid=licence]").inner_text()
        assert "道路交通事故快处快赔培训" in page.locator("[data-testid=training]").inner_text()
        equipment = page.locator("[data-testid=equipment]").inner_text()
        assert "✓ 反光背心" in equipment
        assert "✗ 查勘工具" in equipment
        page.screenshot(path=screenshot_dir / "zh-hans-desktop-register-review.png", full_page=True)
        shown = set(RegisterEvent.objects.filter(adjuster_id=pk).values_list("kind", flat=True))
        assert {"personal_data_shown", "portrait_shown"} <= shown
        page.get_by_role("button", name="通过并颁发资格证").click()
        page.locator("[data-testid=credential]").first.wait_for()
        assert "已通过" in page.locator("[data-testid=adjuster-status]").inner_text()
        page.screenshot(path=screenshot_dir / "zh-hans-desktop-register-approved.png", full_page=True)
    finally:
        context.close()


def error_next_to(page, field: str) -> str:
    """The refusal shown for a field: inside the field's own block, right under its input, in red."""
    error = page.locator(f"[data-field={field}] [data-testid=error-{field}]")
    assert error.count() == 1, f"no error next to {field}"
    control = page.locator(f"[data-field={field}] input, [data-field={field}] select").first
    below = error.bounding_box()["y"] - (control.bounding_box()["y"] + control.bounding_box()["height"])
    assert 0 <= below < 40, f"the error of {field} is not right under it ({below:.0f} px)"
    assert error.evaluate("e => getComputedStyle(e).color") == "rgb(180, 35, 24)"  # --bad
    return error.inner_text()


def test_issue_13_a_bad_submission_shows_every_error_at_once_next_to_its_field_and_keeps_the_photo(
    browser, live_server, screenshot_dir, demo_password
):
    """Issue 13 (R4, R5, R6): phone "138", plate "ABC", a licence expired in 2020 and an ID number already in the
    register are refused together, each next to its field; the chosen photo is kept (its thumbnail shows) and the
    corrected form, sent without choosing it again, makes the entry with that photo."""
    from claimbridge.credentials.models import Adjuster

    submitted_with_photo()  # 王小明 is in the register already
    context = browser.new_context(**DESKTOP, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "tianlong_hq", demo_password, "zh-hans")
        page.goto(f"{live_server.url}/credentials/new/")
        page.locator("#id_full_name").fill("王小明")
        page.locator("#id_photo").set_input_files(str(PORTRAIT))
        page.locator("#id_id_number").fill("11010519491231002X")
        page.locator("#id_phone").fill("138")
        page.locator("#id_city").select_option("621200")
        page.locator("#id_mandarin").fill("二级甲等")
        page.locator("#id_licence_class").fill("C1")
        page.locator("#id_licence_expiry").fill("2020-05-01")
        page.locator("#id_vehicle_plate").fill("ABC")
        page.get_by_role("button", name="报送行业协会").click()
        page.locator("[data-testid=form-errors]").wait_for()
        assert "4" in page.locator("[data-testid=form-errors]").inner_text()
        assert "手机号码" in error_next_to(page, "phone")
        assert "车牌" in error_next_to(page, "vehicle_plate")
        assert "过期" in error_next_to(page, "licence_expiry")
        assert "已在登记册中" in error_next_to(page, "id_number")
        assert page.locator("#id_phone").input_value() == "138"  # what was typed stays to be corrected
        page.locator("[data-testid=pending-photo] img").wait_for()
        page.wait_for_function("() => document.querySelector('[data-testid=pending-photo] img').complete")
        assert image_loaded(page, "[data-testid=pending-photo] img"), "the chosen photo must be kept"
        page.screenshot(path=screenshot_dir / "zh-hans-desktop-register-all-errors.png", full_page=True)

        page.locator("#id_id_number").fill("110105194912310038")
        page.locator("#id_phone").fill("13800003333")
        page.locator("#id_licence_expiry").fill("2031-05-01")
        page.locator("#id_vehicle_plate").fill("甘k 12345")
        page.get_by_role("button", name="报送行业协会").click()
        page.locator("[data-testid=adjuster-status]").wait_for()
        entry = Adjuster.objects.order_by("-pk").first()
        assert entry.photo_name, "the kept photo was submitted with the corrected form"
        assert entry.details["vehicle_plate"] == "甘K12345"
        assert image_loaded(page, "[data-testid=portrait]")
    finally:
        context.close()


def test_issue_13_r8_my_work_card_on_the_phone_and_the_card_checked_by_its_typed_number(
    browser, live_server, screenshot_dir, demo_password
):
    """Issue 13 acceptance (R8): on a 360-px phone the credentialed adjuster opens "my work card": photo, name, the
    company by name, number, validity and a QR code that decodes to the verification link, no sideways scroll. A
    customer types the card's number (lower case, without dashes) on the verification page and sees "genuine",
    the company's name (never its code) and the holder's photo."""
    from claimbridge.accounts.models import User
    from claimbridge.credentials import services
    from claimbridge.credentials.models import Adjuster
    from tests.browser.conftest import PHONE

    pk = submitted_with_photo(account="tianlong_adj1")

    credential = services.adjuster_review(user=User.objects.get(username="ln_assoc"),
                                          adjuster=Adjuster.objects.get(pk=pk), decision="approve")  # fmt: skip
    assert credential is not None
    adjuster = browser.new_context(**PHONE, locale="zh-CN")
    page = adjuster.new_page()
    try:
        log_in(page, live_server.url, "tianlong_adj1", demo_password, "zh-hans")
        page.locator("nav.nav").get_by_role("link", name="我的服务记录").click()
        page.locator("[data-testid=work-card-link]").click()
        card = page.locator("[data-testid=work-card]")
        card.wait_for()
        page.wait_for_function("() => [...document.images].every(i => i.complete)")
        assert image_loaded(page, "[data-testid=card-photo]")
        assert image_loaded(page, "[data-testid=card-qr]")
        text = card.inner_text()
        assert "王小明" in text
        assert "天陇财险" in text
        assert credential.number in text
        assert "tianlong" not in text
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=screenshot_dir / "zh-hans-phone-my-work-card.png", full_page=True)
        shot = page.locator("[data-testid=card-qr]").screenshot()
        decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)).convert("L"))
        assert decoded, "the QR code on the phone could not be read"
        assert urlparse(decoded[0].text).path == "/credentials/verify/"
        page.goto(decoded[0].text)
        assert page.locator("[data-testid=credential-status]").get_attribute("data-status") == "genuine_current"
    finally:
        adjuster.close()
    customer = browser.new_context(**PHONE, locale="zh-CN")
    page = customer.new_page()
    try:
        page.goto(f"{live_server.url}/credentials/verify/")
        page.locator("#number").fill("ab-1")
        page.get_by_role("button", name="核验").click()
        assert "LN-2026-000001" in page.locator("[data-testid=error-number]").inner_text()  # the format to type
        page.locator("#number").fill(credential.number.replace("-", "").lower())
        page.get_by_role("button", name="核验").click()
        status = page.locator("[data-testid=credential-status]")
        assert status.get_attribute("data-status") == "genuine_current"
        assert page.locator("[data-testid=company]").inner_text() == "天陇财险"
        page.wait_for_function("() => document.querySelector('[data-testid=holder-photo]').complete")
        assert image_loaded(page, "[data-testid=holder-photo]")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=screenshot_dir / "zh-hans-phone-verify-typed-number.png", full_page=True)
    finally:
        customer.close()
