"""A refusal looks like one and sits at its field, in Chinese and in English (issue 13; B1, R10).

Seen before: refusals shown as green banners at the top of the page, far from the field, and the self-check saying
"请更正上面标出的栏目" while marking nothing. Here, in Chromium, each refused field's error is red (its computed
colour, not just a class), sits just below the field (bounding boxes), and the field itself is outlined; the date a
form prefills is a value the browser keeps, so a default submit is not refused for it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]

RED = "rgb(180, 35, 24)"  # --bad in app.css
RED_BACKGROUND = "rgb(254, 243, 242)"  # --bad-bg
LANGUAGES = {"zh-CN": "zh-hans", "en-US": "en"}


def _style(locator: Any, prop: str) -> str:
    return str(locator.evaluate(f"(el) => getComputedStyle(el).getPropertyValue('{prop}')"))


def assert_error_below(page: Any, field_id: str, error_selector: str) -> None:
    """The error is red on a red-tinted box, starts within a line below its field, overlaps it across, and the
    field is outlined in red."""
    field, error = page.locator(f"#{field_id}"), page.locator(error_selector)
    error.wait_for()
    assert "error" in (error.get_attribute("class") or "").split()
    assert _style(error, "color") == RED
    assert _style(error, "background-color") == RED_BACKGROUND
    assert field.get_attribute("aria-invalid") == "true"
    assert _style(field, "border-top-color") == RED
    box, at = field.bounding_box(), error.bounding_box()
    assert box is not None
    assert at is not None
    gap = at["y"] - (box["y"] + box["height"])
    assert -1 <= gap <= 16, f"the error of {field_id} is {gap:.0f} px from its field"
    assert at["x"] < box["x"] + box["width"], "the error is not under its field"
    assert box["x"] < at["x"] + at["width"], "the error is not under its field"


@pytest.mark.parametrize("locale", list(LANGUAGES))
def test_the_self_check_marks_the_missing_insurer_at_its_field(browser, live_server, screenshot_dir, locale):
    """The default accident date is kept (ISO value), the missing insurer of B is marked where it is, and the summary
    beside the button names it and links to it."""
    context = browser.new_context(**PHONE, locale=locale)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/rules/quick-claim/")
        assert page.locator("html").get_attribute("lang") == LANGUAGES[locale]
        assert page.locator("#id_accident_date").input_value()  # the browser kept today's date
        page.locator("#id_A_plate").fill("甘K12345")
        page.locator("#id_B_plate").fill("甘E6789A")
        page.locator("#id_A_insurer").select_option("tianlong")
        page.locator("#eligibility-form button[type=submit]").click()
        assert_error_below(page, "id_B_insurer", "#id_B_insurer-error")
        assert page.locator("#id_accident_date-error").count() == 0
        assert page.locator(".field-error").count() == 1, "only the insurer of B was missing"
        summary = page.locator("[data-testid=form-errors]")
        assert _style(summary, "color") == RED
        assert summary.locator("a[href='#id_B_insurer']").count() == 1
        page.locator("#id_B_insurer").scroll_into_view_if_needed()
        page.screenshot(path=screenshot_dir / f"{LANGUAGES[locale]}-phone-quick-claim-refused-insurer.png")

        page.locator("#id_B_insurer").select_option("maiji")
        page.locator("#eligibility-form button[type=submit]").click()
        page.locator("[data-testid=eligibility-result]").wait_for()
        assert page.locator(".field-error").count() == 0  # the marks go once the field is right
    finally:
        context.close()


@pytest.mark.parametrize("locale", list(LANGUAGES))
def test_the_calculator_marks_a_malformed_amount_at_its_field(browser, live_server, screenshot_dir, locale):
    context = browser.new_context(**DESKTOP, locale=locale)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/rules/settlement/")
        assert page.locator("#id_accident_date").input_value()
        page.locator("#id_A_vehicle").fill("-5")
        page.locator("#settlement-form button[type=submit]").click()
        assert_error_below(page, "id_A_vehicle", "#id_A_vehicle-error")
        assert page.locator("#id_A_vehicle").input_value() == "-5"  # what was typed is kept
        assert page.locator("[data-testid=form-errors] a[href='#id_A_vehicle']").count() == 1
        page.screenshot(path=screenshot_dir / f"{LANGUAGES[locale]}-desktop-settlement-refused-amount.png")
    finally:
        context.close()


@pytest.mark.parametrize("locale", list(LANGUAGES))
def test_a_wrong_password_is_said_in_red_below_it(browser, live_server, screenshot_dir, locale):
    context = browser.new_context(**PHONE, locale=locale)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("#id_username").fill("tianlong_unit1")
        page.locator("#id_password").fill("not-the-password")
        page.locator("form.stack button[type=submit]").click()
        assert_error_below(page, "id_password", "#login-error")
        page.screenshot(path=screenshot_dir / f"{LANGUAGES[locale]}-phone-login-refused.png")
    finally:
        context.close()


def test_the_error_styles_are_red_wherever_they_are_used(browser, live_server):
    """Django's own error list and a refused action's banner (messages at level error) are red too."""
    context = browser.new_context(**DESKTOP, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        page.evaluate(
            """() => { const main = document.querySelector('main') || document.body;
            main.insertAdjacentHTML('afterbegin', '<ul class="messages"><li class="msg-error" id="m-error">x</li>'
              + '<li class="msg-success" id="m-ok">y</li></ul><ul class="errorlist" id="e-list"><li>z</li></ul>'); }"""
        )
        for selector in ("#m-error", "#e-list"):
            assert _style(page.locator(selector), "color") == RED
            assert _style(page.locator(selector), "background-color") == RED_BACKGROUND
        assert _style(page.locator("#m-ok"), "color") != RED  # success stays green: the two never look alike
    finally:
        context.close()
