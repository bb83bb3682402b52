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
    page.get_by_role("button", name=continue_button).click()
    page.wait_for_load_state()  # the next page's scripts are listening before the test types or taps
