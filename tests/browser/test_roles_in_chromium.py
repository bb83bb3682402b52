"""Every demo role logs in through a real Chromium, in Chinese and in English, on a phone (R16, R17, B8).

Screenshots land in test-artifacts/screenshots/. In zh-hans no English word may show on any page a role can reach
from its navigation, and Chinese glyphs must render with a real CJK font, not as empty boxes.
"""

from __future__ import annotations

import re

import pytest

from claimbridge.accounts.models import User
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]

ROLE_LOGINS = {
    "driver": "driver_ln",
    "adjuster": "tianlong_adj1",
    "insurer_staff": "tianlong_branch",
    "association_staff": "ln_assoc",
    "antifraud_member": "antifraud",
    "regulator": "regulator",
    "traffic_police": "police_ln",  # issue 15 (R20): its records and their matches from home and the menu
    "platform_admin": "admin",
}
# Words that are right in a Chinese page: the language switch names English in English; usernames are logins;
# file formats and encodings are called by their names ("UTF-" of UTF-8, on the police's page for loading records).
ALLOWED_LATIN = {"English", "CSV", "Excel", "xlsx", "UTF-"}
CJK_RENDERS = """() => {
  const c = document.createElement('canvas'); c.width = 64; c.height = 64;
  const g = c.getContext('2d');
  const draw = (t) => { g.clearRect(0, 0, 64, 64); g.font = '48px sans-serif'; g.fillText(t, 4, 52);
                        return Array.from(g.getImageData(0, 0, 64, 64).data).join(','); };
  const glyph = draw('桥'), tofu = draw('\\u{10FFFD}'), blank = draw('');
  return glyph !== tofu && glyph !== blank;
}"""


def english_words(text: str, usernames: set[str]) -> list[str]:
    words = set(re.findall(r"[A-Za-z][A-Za-z'’-]{2,}", text))
    tokens = {part for name in usernames for part in re.split(r"[_\d]+", name)} | usernames
    return sorted(word for word in words if word not in ALLOWED_LATIN and word not in tokens)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", list(ROLE_LOGINS))
def test_each_role_logs_in_and_reads_its_pages(browser, live_server, screenshot_dir, demo_password, role, language):
    username = ROLE_LOGINS[role]
    usernames = set(User.objects.values_list("username", flat=True))
    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, username, demo_password, language)
        assert page.locator("[data-testid=whoami]").is_visible()
        assert page.evaluate(CJK_RENDERS), "Chinese glyphs do not render: install fonts-noto-cjk"
        page.screenshot(path=screenshot_dir / f"{language}-{role}-home.png", full_page=True)
        # The page fits a 360 px phone: nothing forces sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

        links = page.locator("nav.nav a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
        for href in links:
            page.goto(f"{live_server.url}{href}")
            assert page.locator("body").is_visible()
            text = page.locator("body").inner_text()
            if language == "zh-hans":
                assert english_words(text, usernames) == [], f"untranslated text on {href}"
            else:
                assert page.locator("html").get_attribute("lang") == "en"
            name = href.strip("/").replace("/", "-") or "home"
            if name != "home":
                page.screenshot(path=screenshot_dir / f"{language}-{role}-{name}.png", full_page=True)
    finally:
        context.close()


def test_the_directory_answers_as_the_county_is_picked(browser, live_server, screenshot_dir):
    """Anonymous visitor on a phone: pick a district, the serving units appear without a page reload (R1, R16)."""
    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/directory/")
        page.locator("#id_county").select_option("621202")
        page.locator("[data-testid=directory-entry]").first.wait_for()
        assert page.locator("[data-testid=directory-entry]").count() == 4
        assert "county=621202" in page.url  # the choice is in the address, so it can be shared
        page.screenshot(path=screenshot_dir / "zh-hans-anonymous-directory.png", full_page=True)
    finally:
        context.close()


def test_the_desktop_layout_for_the_platform_admin(browser, live_server, screenshot_dir, demo_password):
    context = browser.new_context(**DESKTOP, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "admin", demo_password, "zh-hans")
        page.screenshot(path=screenshot_dir / "zh-hans-desktop-admin-home.png", full_page=True)
        page.goto(f"{live_server.url}/organisation/")
        page.screenshot(path=screenshot_dir / "zh-hans-desktop-admin-organisation.png", full_page=True)
    finally:
        context.close()
