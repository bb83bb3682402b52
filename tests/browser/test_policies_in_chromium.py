"""Insurer staff load a policy file in Chromium and follow the load to its per-row report (issue 5)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]

CSV = """保单号,出单机构,险种,号牌,车架号,起保日期,终保日期,责任限额
TL2026000001,621200,交强险,甘K11111,,2026-01-01,2026-12-31,
TL2026000002,621202,商业三者险,甘K22222,,2026-01-01,2026-12-31,1000000
TL2026000003,621200,交强险,甘K3333O,,2026-01-01,2026-12-31,
"""


def test_a_branch_loads_policies_and_reads_the_report(browser, live_server, screenshot_dir, demo_password, tmp_path):
    path = tmp_path / "保单.csv"
    path.write_text(CSV, encoding="utf-8")
    context = browser.new_context(**DESKTOP, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "tianlong_hq", demo_password, "zh-hans")
        page.goto(f"{live_server.url}/policies/")
        page.locator("#id_file").set_input_files(str(path))
        page.get_by_role("button", name="导入").click()
        page.wait_for_url("**/policies/loads/*/")
        page.locator("[data-testid=load-status][data-status=done]").wait_for()
        assert page.locator("[data-testid=created]").inner_text() == "2"
        assert page.locator("[data-testid=rejected]").inner_text() == "1"
        error = page.locator("[data-testid=row-error]")
        assert error.count() == 1
        assert "4" in error.inner_text()
        assert "号牌" in error.inner_text()
        page.screenshot(path=screenshot_dir / "zh-hans-desktop-policy-load.png", full_page=True)

        page.goto(f"{live_server.url}/policies/lookup/?plate=甘K22222&at=2026-06-01T14:20")
        result = page.locator("[data-testid=policy]")
        assert result.count() == 1
        assert result.get_attribute("data-view") == "full"
    finally:
        context.close()


def test_an_adjuster_sees_the_other_party_only_as_on_the_agreement(browser, live_server, screenshot_dir, demo_password):
    """Issue 12, finding 10 (B8): on a phone, an adjuster looks up both vehicles of a case and a third one."""
    from datetime import datetime, timedelta, timezone

    from claimbridge.accounts.models import User
    from claimbridge.cases.models import Case, CaseParty
    from claimbridge.organisations.models import Insurer
    from claimbridge.policies import services

    maiji = User.objects.get(username="maiji_hq")
    load, _ = services.policy_load_start(insurer=maiji.insurer, user=maiji, source="command", file_name="browser")
    services.policy_rows_load(load=load, rows=[
        {"policy_number": "MJ2026000001", "branch": "620500", "cover_type": "ctpl", "plate": "甘E6789A",
         "start": "2026-01-01", "end": "2026-12-31"},
        {"policy_number": "MJ2026000002", "branch": "620500", "cover_type": "third_party", "plate": "甘E6789A",
         "start": "2026-01-01", "end": "2026-12-31", "limit": "2000000"},
        {"policy_number": "MJ2026000003", "branch": "620500", "cover_type": "ctpl", "plate": "甘E55555",
         "start": "2026-01-01", "end": "2026-12-31"},
    ])  # fmt: skip
    case = Case.objects.create(number="620502-20260601-00001", channel="adjuster", created_by=maiji,
                               accident_at=datetime(2026, 6, 1, 14, 0, tzinfo=timezone(timedelta(hours=8))))  # fmt: skip
    CaseParty.objects.create(case=case, label="A", plate="甘K12345", insurer=Insurer.objects.get(code="tianlong"))
    CaseParty.objects.create(case=case, label="B", plate="甘E6789A", insurer=maiji.insurer)

    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "tianlong_adj1", demo_password, "zh-hans")
        page.goto(f"{live_server.url}/policies/lookup/?plate=甘E6789A&at=2026-06-01T14:20")
        result = page.locator("[data-testid=policy]")
        assert result.count() == 1
        assert result.get_attribute("data-view") == "agreement"
        assert "MJ2026000001" in result.inner_text()
        assert "MJ2026000002" not in page.content()
        page.screenshot(path=screenshot_dir / "zh-hans-phone-policy-lookup-agreement.png", full_page=True)

        page.goto(f"{live_server.url}/policies/lookup/?plate=甘E55555&at=2026-06-01T14:20")
        assert page.locator("[data-testid=policy]").count() == 0
        assert "MJ2026000003" not in page.content()
    finally:
        context.close()


def test_a_driver_may_not_look_a_vehicle_up(browser, live_server, demo_password):
    """Issue 12, finding 10 (B8)."""
    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "driver_ln", demo_password, "zh-hans")
        response = page.goto(f"{live_server.url}/policies/lookup/?plate=甘K12345")
        assert response is not None
        assert response.status == 403
    finally:
        context.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_staff_download_the_template_and_load_it_as_it_is(browser, live_server, screenshot_dir, demo_password,
                                                          tmp_path, language):  # fmt: skip
    """Issue 13 (R3): the upload page offers a CSV template headed in Chinese and states each column's rule (the
    6-digit 出单机构 among them); the template, downloaded and loaded as it is, loads; the lookup names the covers."""
    context = browser.new_context(**DESKTOP, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "tianlong_hq", demo_password, language)
        page.goto(f"{live_server.url}/policies/")
        rules = page.locator("[data-testid=policy-columns]")
        assert (
            "6 位行政区划代码" if language == "zh-hans" else "6-digit administrative division code"
        ) in rules.inner_text()
        page.screenshot(path=screenshot_dir / f"{language}-desktop-policy-upload-page.png", full_page=True)
        with page.expect_download() as download:
            page.locator("[data-testid=policy-template]").click()
        path = tmp_path / "template.csv"
        download.value.save_as(path)
        assert path.read_bytes().decode("utf-8-sig").startswith("保单号,出单机构,险种")
        page.locator("#id_file").set_input_files(str(path))
        page.locator("form.stack button[type=submit]").click()
        page.wait_for_url("**/policies/loads/*/")
        page.locator("[data-testid=load-status][data-status=done]").wait_for()
        assert page.locator("[data-testid=created]").inner_text() == "2"
        page.goto(f"{live_server.url}/policies/lookup/?plate=甘K5Z678")
        shown = page.locator("[data-testid=lookup-results]").inner_text()
        assert "ctpl" not in shown
        assert "third_party" not in shown
        assert ("商业三者险" if language == "zh-hans" else "commercial third-party") in shown
        page.screenshot(path=screenshot_dir / f"{language}-desktop-policy-lookup-labels.png", full_page=True)
    finally:
        context.close()
