"""The person's copy as a file (issue 20 item 3, PIPL art. 45; walk findings): the JSON is UTF-8 with Chinese as
itself and says what each kind of data in it is for; the PDF shows times in China time as Chinese writes them and
embeds its Chinese font, so its text can be copied out and reads the same in every viewer."""

from __future__ import annotations

import io
import json
import logging
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from claimbridge.subjects import exports, selectors
from claimbridge.subjects.selectors import Subject
from claimbridge.subjects.tests.helpers import granted

pytestmark = pytest.mark.django_db

PHONE_A = "13700005555"
PDFTOTEXT, PDFFONTS = shutil.which("pdftotext"), shutil.which("pdffonts")


@pytest.fixture
def case(db: Any, isolated_storage: Any) -> Any:
    from tests.factories import two_party_case

    return two_party_case()


def _pdf_text(tmp_path: Path, content: bytes) -> tuple[str, str]:
    path = tmp_path / "copy.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        [str(PDFTOTEXT), "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    fonts = subprocess.run([str(PDFFONTS), str(path)], capture_output=True, text=True, check=True).stdout
    return text, fonts


def test_times_are_china_time_as_chinese_writes_them():
    assert exports.shown_at("2026-12-03T02:05:00+00:00") == "2026年12月3日 10:05"
    assert exports.shown_at(datetime(2026, 12, 3, 2, 5, tzinfo=UTC)) == "2026年12月3日 10:05"
    assert exports.shown_at("2026-12-03T10:05:00+08:00") == "2026年12月3日 10:05"
    assert exports.shown_at("2027-01-09") == "2027年1月9日"
    assert exports.shown_at(date(2027, 1, 9)) == "2027年1月9日"
    assert exports.shown_at(None) == exports.shown_at("") == "—"


def test_the_json_copy_is_utf8_chinese_and_says_what_its_data_is_for(case):
    """ensure_ascii off, charset in the Content-Type; `processing` names each kind of data of the copy with its
    purpose, basis, audience and retention (the register's words), and none of the system's blind indexes."""
    copy = granted(PHONE_A).get("/api/v1/subjects/me/copy.json", secure=True)
    assert copy.status_code == 200
    assert copy["Content-Type"] == "application/json; charset=utf-8"
    assert "张三".encode() in copy.content
    assert b"\\u" not in copy.content
    data = json.loads(copy.content.decode("utf-8"))
    assert data["cases"][0]["driver_name"] == "张三"
    about = data["processing"]
    kinds = {kind for row in about for kind in row["kinds"]}
    assert {"驾驶人姓名", "驾驶人手机号", "号牌号码"} <= kinds
    assert not any("盲索引" in kind for kind in kinds)
    phone = next(row for row in about if "驾驶人手机号" in row["kinds"])
    assert phone["section"] == "cases"
    assert "保险法" in phone["retention"]
    assert "理赔联系" in phone["purpose"]
    assert "为订立、履行" in phone["legal_basis"]
    assert "本人（完整）" in phone["seen_by"]
    assert {row["section"] for row in about} == {"cases"}  # only what the copy holds: no account, no register
    # the documented sections are all still there (schema version 1)
    assert {"schema", "schema_version", "cases", "consultations", "consents", "requests", "account", "register"} <= set(
        data
    )


def test_an_empty_copy_explains_nothing():
    data = selectors.holdings(subject=Subject(phone="13700009999"), masked=False)
    assert json.loads(exports.copy_json(data))["processing"] == []


@pytest.mark.skipif(not (PDFTOTEXT and PDFFONTS), reason="poppler-utils (pdftotext, pdffonts) not installed")
def test_the_pdf_copy_embeds_its_chinese_font_and_shows_china_time(case, tmp_path):
    if exports._cjk_font_file() is None:
        pytest.skip("no Noto CJK font installed here (apt-get install fonts-noto-cjk): the PDF falls back to STSong")
    data = selectors.holdings(subject=Subject(phone=PHONE_A), masked=False)
    text, fonts = _pdf_text(tmp_path, exports.copy_pdf(data))
    for words in ("我的个人信息副本", "张三", "事故时间", "驾驶人手机号", "这些信息为什么保存"):
        assert words in text.replace(" ", ""), words
    accident = exports.shown_at(data["cases"][0]["accident_at"])
    assert accident.replace(" ", "") in text.replace(" ", "")
    assert "+08:00" not in text  # no raw ISO times
    assert "T0" not in text
    lines = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert lines, fonts
    for line in lines:  # every font in the file is embedded (emb = yes), none is a viewer's substitute
        assert line[-5] == "yes", fonts
    assert "STSong" not in fonts
    assert any("ClaimBridgeCJK" in line[0] for line in lines), fonts  # the cut of Noto Sans CJK, named per cut


def test_without_a_cjk_font_the_pdf_falls_back_to_stsong_and_says_so(case, monkeypatch, caplog):
    monkeypatch.setattr(exports, "_cjk_font_file", lambda: None)
    with caplog.at_level(logging.WARNING, logger="claimbridge.subjects"):
        name = exports.embedded_font("一个新的字：鑫")
    assert name == exports.FALLBACK_FONT
    assert "no CJK font to embed" in caplog.text
    data = selectors.holdings(subject=Subject(phone=PHONE_A), masked=False)
    assert exports.copy_pdf(data).startswith(b"%PDF")


def test_every_copy_of_a_process_shows_its_own_characters(tmp_path):
    """reportlab hands a font whose face it has seen the first font registered for that face: each cut of Noto gets
    a face name of its own, or the second copy in a process prints the first copy's glyphs (most characters gone)."""
    if exports._cjk_font_file() is None:
        pytest.skip("no Noto CJK font installed here (apt-get install fonts-noto-cjk)")
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    for text in ("张三的事故案件理赔记录", "李四王五赵六保险公司驾驶人", "孙八周九吴十手机号北京时间"):
        font = exports.embedded_font(text)
        buffer = io.BytesIO()
        SimpleDocTemplate(buffer, pagesize=A4, initialFontName=font).build(
            [Paragraph(text, ParagraphStyle("body", fontName=font, wordWrap="CJK"))]
        )
        shown, _ = _pdf_text(tmp_path, buffer.getvalue())
        assert "".join(shown.split()) == text
