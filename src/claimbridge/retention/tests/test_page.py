"""The retention page says from when each period counts and when the sweep runs (issue 20 walk): the "counted from"
column is the rules' own anchors in words, and the sweep's time is the one the installed crontab runs it at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from claimbridge.retention.views import ANCHOR_WORDS, SWEEP_AT, counted_from
from claimbridge.rules.retention import DEFAULT_SCHEDULE, Anchor

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[4]


def test_every_anchor_has_words_in_both_languages():
    assert set(ANCHOR_WORDS) == {anchor.value for anchor in Anchor}
    assert all(zh and en and zh != en for zh, en in ANCHOR_WORDS.values())


def test_two_anchors_read_as_the_later_of_them():
    claim = next(rule for rule in DEFAULT_SCHEDULE if rule.category == "claim_record")
    anchors = [anchor.value for anchor in claim.anchor]
    assert counted_from(anchors, english=False) == "保险合同终止、理赔结案中较晚者"
    assert counted_from(anchors, english=True) == "the later of the insurance contract's end and the claim's closure"
    assert counted_from(["reported"], english=True) == "the report"
    assert counted_from([], english=False) == "—"


def test_the_sweeps_time_is_the_crontabs():
    crontab = (ROOT / "docs" / "operations" / "crontab").read_text(encoding="utf-8")
    line = next(line for line in crontab.splitlines() if "retention_sweep" in line and not line.startswith("#"))
    minute, hour = re.split(r"\s+", line)[:2]
    assert f"{int(hour):02d}:{int(minute):02d}" == SWEEP_AT


def test_the_page_shows_from_when_and_the_nightly_sweep(users):
    staff = Client()
    staff.force_login(users["ln_assoc"])
    page = staff.get("/retention/", secure=True).content.decode()
    assert "起算" in page
    assert "保险合同终止、理赔结案中较晚者" in page  # the claim record's row
    assert 'data-testid="counted-from">报案<' in page  # the unclaimed report's row
    assert f"每晚 {SWEEP_AT}" in page
    assert "/api/v1/" not in page  # no address of the API in a page people read
    staff.cookies["django_language"] = "en"
    english = staff.get("/retention/", secure=True).content.decode()
    assert "counted from" in english
    assert "the later of the insurance contract&#x27;s end and the claim&#x27;s closure" in english
    assert f"Every night at {SWEEP_AT} (China time)" in english


def _cell(page: str, category: str, testid: str) -> str:
    row = page.split(f'data-category="{category}"')[1].split("</tr>")[0]
    return row.split(f'data-testid="{testid}">')[1].split("</td>")[0]


def test_a_zero_period_reads_until_then_and_the_consent_anchor_is_named(users):
    """Issue 20 walk: the consent record is kept until the data it allowed is erased — not "不保存" — and its
    anchor has words, not `data_erased`; the dates do not wrap; the basis is wholly Chinese on the Chinese page."""
    staff = Client()
    staff.force_login(users["ln_assoc"])
    page = staff.get("/retention/", secure=True).content.decode()
    assert "data_erased" not in page
    assert _cell(page, "consent_record", "kept-for") == "届时删除"
    assert _cell(page, "consent_record", "counted-from") == "所同意处理的个人信息被删除"
    assert _cell(page, "unclaimed_report", "basis") == "《民法典》第一百八十八条：三年诉讼时效"
    assert page.count('<td class="nowrap" data-testid="effective-from">') == page.count("data-category=")
    for row in page.split('data-testid="retention-rules"')[1].split("</table>")[0].split("<tr")[2:]:
        basis = row.split('data-testid="basis">')[1].split("</td>")[0]
        assert not re.search(r"[A-Za-z]", basis), basis
    staff.cookies["django_language"] = "en"
    english = staff.get("/retention/", secure=True).content.decode()
    assert _cell(english, "consent_record", "kept-for") == "until then"
    assert _cell(english, "consent_record", "counted-from") == "the erasure of the data it allowed"
    assert _cell(english, "unclaimed_report", "basis").startswith("Civil Code art. 188")


def test_period_words():
    from claimbridge.retention.selectors import period_words
    from claimbridge.rules.retention import Keep

    assert period_words(Keep()) == ("届时删除", "until then")
    assert period_words(Keep(years=3)) == ("3年", "3 years")
    assert period_words(None) == ("长期", "for good")


@pytest.mark.parametrize("who", ["maiji_hq", "tianlong_hq", "ln_assoc", "admin"])
def test_insurers_read_the_schedule(users, who):
    """Insurers hold claim records and the policy register under it: their staff read the page (read only)."""
    staff = Client()
    staff.force_login(users[who])
    assert staff.get("/retention/", secure=True).status_code == 200
    assert staff.post("/retention/", secure=True).status_code == 405
