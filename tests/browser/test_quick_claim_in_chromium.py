"""Issue 6 acceptance, on two phones (B1, R1–R3, R14, R16): A, insured in 天水, runs into the back of B, insured in
陇南, in 武都区. Both drivers enter their details and photos, agree on what happened, both confirm, the 协议书 PDF
is produced; each insurer's claims unit serving 武都区 sees its own party's claim, not the other company's party.
With injuries, nothing can be confirmed online: every failed condition is shown and the next step is the police."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from claimbridge.accounts.models import Role, User
from claimbridge.cases.models import Case
from claimbridge.policies.demo import load_demo_policies
from tests.browser import steps
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]


def start_and_join(browser, live_server):
    """A starts the case on one phone; B scans A's code on another. Returns both contexts and pages."""
    phone_a = browser.new_context(**PHONE, locale="zh-CN")
    phone_b = browser.new_context(**PHONE, locale="zh-CN")
    a, b = phone_a.new_page(), phone_b.new_page()
    steps.start(a, live_server.url, steps.Screens("issue6-a"))
    code = a.locator("[data-testid=join-code]").inner_text().strip()
    steps.join(b, live_server.url, code, steps.Screens("issue6-b"))
    return (phone_a, a), (phone_b, b)


def prepare(browser, live_server, *, injured: bool):
    load_demo_policies()
    (phone_a, a), (phone_b, b) = start_and_join(browser, live_server)
    screens = steps.Screens("issue6")
    steps.details(a, screens, name="张三", licence="11010519491231002X", plate="甘E6789A", part="front")
    steps.details(b, screens, name="李四", licence="34052419800101001X", plate="甘K12345", part="rear")  # 天陇, 陇南
    steps.photos(a, screens, {"front_panorama": [0], "rear_panorama": [1]})
    steps.photos(b, screens, {"collision_point": [2]})
    steps.what_happened(a, screens, circumstance=1, me="A")  # A kept too close to the car in front: 追尾
    steps.answer_questions(a, injured=injured)
    b.goto(f"{live_server.url}/cases/{Case.objects.get().number}/me/?step=check")
    return (phone_a, a), (phone_b, b)


def step(page, name: str) -> None:
    page.goto(page.url.split("?")[0] + f"?step={name}")


confirm = steps.confirm


def test_issue_6_acceptance_two_phones_agree_online_and_each_insurer_sees_its_own_party(
    browser, live_server, screenshot_dir, demo_password
):
    (phone_a, a), (phone_b, b) = prepare(browser, live_server, injured=False)
    try:
        for page in (a, b):
            assert page.locator("[data-testid=verdict]").inner_text().startswith("可以")
            assert page.locator("[data-testid=eligibility] li[data-passed=false]").count() == 0
            assert page.locator("[data-testid=eligibility] li[data-state=open]").count() == 0
        assert "A 方负全部责任" in a.locator("[data-testid=liability]").inner_text()
        step(a, "who")
        step(b, "who")
        assert "麦积山财险" in a.locator("[data-testid=my-cover]").inner_text()
        assert "天陇财险" in b.locator("[data-testid=my-cover]").inner_text()

        step(a, "confirm")
        confirm(a, "张三")
        a.locator("[data-testid=i-confirmed]").wait_for()
        a.screenshot(path=screenshot_dir / "zh-hans-phone-quick-claim-a-confirmed.png", full_page=True)
        step(b, "confirm")
        confirm(b, "李四")
        b.locator("[data-testid=agreed]").wait_for()
        assert b.evaluate("document.scrollingElement.scrollWidth <= 360")
        b.screenshot(path=screenshot_dir / "zh-hans-phone-quick-claim-agreed.png", full_page=True)
        step(a, "done")
        assert a.locator("[data-testid=next-steps]").get_attribute("data-route") == "online_one_stop"
        assert b.locator("[data-testid=next-steps]").get_attribute("data-route") == "refer_liable_party"

        with b.expect_download() as download:
            b.locator("[data-testid=agreement-link]").click()
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(download.value.path()).read_bytes())).pages)
        case = Case.objects.get()
        assert case.state == "agreed"
        for needed in ("机动车交通事故快速处理协议书", case.number, case.agreement_code, "武都区", "江南大道", "晴", "追尾",
                       "张三", "李四", "甘E6789A", "甘K12345", "麦积山财产保险", "天陇财产保险", "全部责任", "无责任"):  # fmt: skip
            assert needed in text, needed

        verify = b.context.new_page()
        verify.goto(f"{live_server.url}/cases/agreement/verify/?number={case.number}&code={case.agreement_code}")
        assert verify.locator("[data-testid=verify-result]").inner_text().startswith("真实")
        assert verify.locator("[data-testid=verify-summary]").is_visible()
        # The PDF's hash breaks rather than pushing the phone's page sideways (re-walk finding).
        assert verify.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        verify.goto(f"{live_server.url}/cases/agreement/verify/?number={case.number}&code=AAAA-BBBB-CCCC-DDDD")
        assert verify.locator("[data-testid=verify-result]").inner_text().startswith("不是")
    finally:
        phone_a.close()
        phone_b.close()

    # Each insurer's unit serving 武都区 sees its own party in its inbox, and only the other party's label and insurer.
    for label, own_plate, other_plate in (("A", "甘E6789A", "甘K12345"), ("B", "甘K12345", "甘E6789A")):
        party = case.parties.get(label=label)
        assert party.claims_unit.branch.city.code == "621200"  # served in the accident city, whoever wrote it (R1)
        staff = User.objects.filter(role=Role.INSURER_STAFF, claims_unit=party.claims_unit).first()
        desk = browser.new_context(**DESKTOP, locale="zh-CN")
        page = desk.new_page()
        try:
            log_in(page, live_server.url, staff.username, demo_password, "zh-hans")
            page.goto(f"{live_server.url}/cases/")
            page.get_by_role("link", name=case.number).click()
            body = page.locator("main").inner_text()
            assert own_plate in body
            assert other_plate not in body
            assert "李四" not in body
            assert "张三" not in body
            page.screenshot(path=screenshot_dir / f"zh-hans-desktop-case-unit-{label}.png", full_page=True)
        finally:
            desk.close()


def test_issue_6_acceptance_with_injuries_every_failed_condition_is_shown_and_the_police_come_next(
    browser, live_server, screenshot_dir
):
    (phone_a, a), (phone_b, b) = prepare(browser, live_server, injured=True)
    try:
        verdict = a.locator("[data-testid=verdict]").inner_text()
        assert verdict.startswith("不能")
        failed = a.locator("[data-testid=eligibility] li[data-passed=false]")
        assert [failed.nth(i).get_attribute("data-code") for i in range(failed.count())] == ["no_casualties"]
        assert "报警" in failed.first.inner_text()
        assert b.locator("[data-testid=verdict]").inner_text().startswith("不能")
        a.screenshot(path=screenshot_dir / "zh-hans-phone-quick-claim-injuries.png", full_page=True)
        for page in (a, b):
            step(page, "confirm")
            assert page.locator("[data-testid=confirm]").count() == 0
            step(page, "done")
            next_steps = page.locator("[data-testid=next-steps]")
            assert next_steps.get_attribute("data-route") == "offline_follow_up"
            assert next_steps.locator("li[data-action]").first.get_attribute("data-action") == "call_police"
            assert page.locator("[data-testid=service-points] li").count() >= 2  # where to go in 武都区
        step(a, "check")
        a.locator("[data-testid=to-police]").click()
        a.locator("[data-testid=with-police]").wait_for()
        assert "转交警处理" in a.locator("[data-testid=case-state]").inner_text()
        assert Case.objects.get().state == "police"
    finally:
        phone_a.close()
        phone_b.close()
