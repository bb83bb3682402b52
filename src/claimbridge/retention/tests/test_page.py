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
    assert "/api/v1/retention/runs" in page
    staff.cookies["django_language"] = "en"
    english = staff.get("/retention/", secure=True).content.decode()
    assert "counted from" in english
    assert "the later of the insurance contract&#x27;s end and the claim&#x27;s closure" in english
    assert f"Every night at {SWEEP_AT} (China time)" in english
