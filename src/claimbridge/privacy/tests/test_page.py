"""/privacy/ for a driver (issue 20 walk): what we keep, why, who sees it and how long in plain words first — no
"blind index" or "webhook signing key" outside the folded register — the register's entries grouped (the sign-in
records once, not three times), the rights pointing to /my-data/, and a link to the notice in every page's footer."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from claimbridge.privacy.register import declarations, grouped_rows

pytestmark = pytest.mark.django_db
JARGON = ("盲索引", "推送签名密钥", "blind index", "signing key", "第十三条第一款")


def _page(language: str = "zh-hans") -> str:
    client = Client()
    client.cookies["django_language"] = language
    answer = client.get("/privacy/", secure=True)
    assert answer.status_code == 200
    return answer.content.decode()


def _plain_part(page: str) -> str:
    """The page without its folded register: what a driver reads without opening anything."""
    return page.split('data-testid="privacy-register"')[0]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_driver_reads_what_why_who_and_how_long_without_jargon(language):
    page = _page(language)
    plain = _plain_part(page)
    for word in JARGON:
        assert word not in plain, word
    items = plain.count('data-testid="keep-item"')
    assert items >= 6
    if language == "zh-hans":
        for words in ("您的手机号码", "谁能看到", "保存多久", "《保险法》第八十七条", "未理赔的报案：报案后保存3年"):
            assert words in plain, words
    else:
        for words in ("Your mobile number", "Seen by", "How long we keep it", "Insurance Law (art. 87)",
                      "A report no claim was made for: 3 years"):  # fmt: skip
            assert words in plain, words
    # the technical detail is there, folded: a <details> the curious open
    register = page.split('data-testid="privacy-register"')[1]
    assert re.search(r'<details class="privacy-register" data-testid="privacy-register"', page)
    assert ("盲索引" if language == "zh-hans" else "blind index") in register


def test_the_sign_in_records_are_one_entry_not_three():
    page = _page()
    register = page.split('data-testid="privacy-register"')[1]
    entries = re.findall(r'data-testid="register-entry">\s*<summary>(.*?)</summary>', register, re.S)
    sign_in = [entry for entry in entries if "登录 IP 地址" in entry]
    assert len(sign_in) == 1
    assert "登录时输入的用户名" in sign_in[0]
    assert "登录设备信息" in sign_in[0]
    assert len(entries) < len(declarations())  # grouped: fewer entries than declared fields
    assert register.count("登录 IP 地址") == 1


def test_grouping_keeps_every_kind_and_only_merges_same_words():
    declared = declarations()
    groups = grouped_rows("zh", declared)
    kinds = {kind for group in groups for kind in group["kinds"]}
    assert kinds == {declaration.kind.zh for declaration in declared}
    keys = [(g["purpose"], g["basis"], g["seen_by"], g["retention"]) for g in groups]
    assert len(keys) == len(set(keys))
    axes = next(group for group in groups if "登录 IP 地址" in group["kinds"])
    assert set(axes["models"]) == {"axes.AccessAttempt", "axes.AccessFailureLog", "axes.AccessLog"}
    shown = grouped_rows("zh", declared, internal=False)
    assert not any("盲索引" in kind for group in shown for kind in group["kinds"])


def test_the_rights_point_to_my_data():
    page = _page()
    rights = page.split('id="rights"')[1]
    assert (
        '<a class="button" href="/my-data/" data-testid="privacy-my-data">查阅、复制、更正或删除我的信息</a>' in rights
    )


@pytest.mark.parametrize("path", ["/", "/privacy/", "/accounts/login/", "/my-data/", "/cases/start/", "/no/such/page/"])
def test_every_page_has_the_notice_in_its_footer(path):
    answer = Client().get(path, secure=True)
    assert answer.status_code in (200, 404)
    assert re.search(r'<a href="/privacy/" data-testid="footer-privacy">个人信息处理说明</a>', answer.content.decode())


@pytest.mark.parametrize(("language", "words"), [
    ("zh-hans", "您的同意记录：与所同意处理的信息一同保存，该信息删除时一并删除。"),
    ("en", "Your consent record: kept as long as the data it allowed, erased with it."),
])  # fmt: skip
def test_the_consent_records_period_reads_naturally(language, words):
    """Issue 20 walk: the consent rule is 0 days after the data it allowed is erased — "erased with it", never
    "之后再保存不保存"."""
    page = _page(language)
    consent = page.split('data-testid="keep-consent">')[1].split("</li>")[0]
    assert consent == words
    assert "不保存" not in consent
    assert "not kept" not in consent


def test_the_unclaimed_reports_words_state_the_period_and_basis():
    """The words the requests' refusals quote (RETENTION_WORDS): the real period and its basis, not "较短"."""
    from claimbridge.privacy.declarations import RETENTION_WORDS

    unclaimed = RETENTION_WORDS["unclaimed_report"]
    for words in ("三年", "《民法典》第一百八十八条"):
        assert words in unclaimed.zh
    assert "较短" not in unclaimed.zh
    for words in ("3 years", "Civil Code art. 188"):
        assert words in unclaimed.en
    for words in RETENTION_WORDS.values():
        assert not re.search(r"[A-Za-z]", words.zh), words.zh
