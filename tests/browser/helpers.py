"""Steps every browser test shares: signing in, and proving a phone with the text-message code."""

from __future__ import annotations

import re

from claimbridge.core.sms import MemorySmsBackend


def log_in(page, base_url: str, username: str, password: str, language: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    if language == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")


def last_sms_code() -> str:
    found = re.search(r"\d{6}", MemorySmsBackend.outbox[-1][1])
    assert found is not None
    return found.group(0)


def prove_phone(page, phone: str, continue_button: str) -> None:
    page.locator("#id_phone").fill(phone)
    page.get_by_role("button", name="发送验证码").click()
    page.locator("[data-testid=code-sent]").wait_for()
    page.locator("#id_sms_code").fill(last_sms_code())
    if continue_button == "加入":  # joining gives the details to the other insurers: the notice's box (issue 20)
        page.locator("[data-testid=consent-box]").check()
    page.get_by_role("button", name=continue_button).click()
    page.wait_for_load_state()  # the next page's scripts are listening before the test types or taps


def hold_a_credential(username: str) -> None:
    """The adjuster's company submits them, linked to their login, and the association approves: from today they
    may log stops under the credential (R6, R8; issue 12)."""
    from claimbridge.accounts.models import Role, User
    from claimbridge.credentials import services

    account = User.objects.select_related("insurer").get(username=username)
    company = User.objects.get(role=Role.INSURER_STAFF, insurer=account.insurer, branch=None, claims_unit=None)
    entry = services.adjuster_submit(user=company, full_name="李四", id_number="11010519491231002X", phone="13800002222",
                                     city_code="621200", details={"education": "college"}, account=username)  # fmt: skip
    services.adjuster_review(user=User.objects.get(username="ln_assoc"), adjuster=entry, decision="approve")
