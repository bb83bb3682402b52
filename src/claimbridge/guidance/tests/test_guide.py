"""The public guide (R18): open to anyone, drawn from the kernel and the apps that own each rule, and its leaflet."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from pypdf import PdfReader

from claimbridge.guidance import content
from claimbridge.rules.circumstances import Circumstance, catalogue_on
from claimbridge.rules.common import Text
from claimbridge.rules.eligibility import PASSED, fixed_failure_messages

pytestmark = pytest.mark.django_db

PAGES = ("/guide/", "/guide/circumstances/", "/guide/photos/", "/guide/service-points/")
NEW_ITEM = Text("测试用的新增情形：未按规定驶入专用车道的", "A test-only new circumstance: entered a dedicated lane")


def _get(client, url: str, language: str = "zh-hans"):
    return client.get(url, secure=True, HTTP_ACCEPT_LANGUAGE=language)


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("url", [*PAGES, "/guide/leaflet.pdf"])
def test_r18_every_guide_page_opens_for_anyone(client, url):
    response = _get(client, url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/pdf" if url.endswith(".pdf") else "text/html")


@pytest.mark.parametrize("url", PAGES)
def test_the_pages_carry_no_inline_script_or_style(client, url):
    page = _get(client, url).content.decode()
    assert " style=" not in page
    assert "<style" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # only files, which the CSP allows


def test_the_guide_states_the_kernels_conditions_and_refusals(client):
    page = _get(client, "/guide/").content.decode()
    for text in PASSED.values():
        assert text.zh in page
    for text in fixed_failure_messages().values():
        assert text.zh in page
    assert "驾驶人均持有效驾驶证，无饮酒或药物嫌疑" in page  # drink and licence: a condition of the kernel
    assert "任一机构" in page  # R1: any office in either city
    english = _get(client, "/guide/", "en").content.decode()
    assert PASSED["no_casualties"].en in english


def test_the_circumstances_page_draws_all_21_each_with_a_named_picture(client):
    page = _get(client, "/guide/circumstances/").content.decode()
    items = re.findall(r'<li value="(\d+)" data-testid="guide-circumstance">(.*?)</li>', page, re.S)
    assert [int(number) for number, _ in items] == list(range(1, 22))
    catalogue = catalogue_on()
    for number, body in items:
        item = catalogue.items[int(number)]
        assert body.count("<svg") == 1
        assert 'role="img"' in body
        assert f"<title>第 {number} 种情形示意图：{item.text.zh}</title>" in body
        assert item.text.zh in body
        assert f"{item.at_fault.zh}：全部责任；另一方：无责任。" in body
    assert catalogue.rule.zh in page


def test_a_circumstance_added_to_the_kernel_shows_on_the_page_and_the_leaflet(client, monkeypatch):
    catalogue = catalogue_on()
    added = dataclasses.replace(catalogue, items={**catalogue.items, 22: Circumstance(22, NEW_ITEM, Text("驶入车辆", "the entering vehicle"), True)})  # fmt: skip
    monkeypatch.setattr(content, "catalogue_on", lambda day: added)
    page = _get(client, "/guide/circumstances/").content.decode()
    assert page.count('data-testid="guide-circumstance"') == 22
    assert NEW_ITEM.zh in page
    text = _pdf_text(_get(client, "/guide/leaflet.pdf").content)
    assert "测试用的新增情形" in text


def test_the_photos_page_lists_every_evidence_slot_required_first(client, settings):
    from claimbridge.evidence.slots import SLOTS

    settings.EVIDENCE_REQUIRED_SLOTS = ["front_panorama", "rear_panorama", "collision_point", "plate"]
    page = _get(client, "/guide/photos/").content.decode()
    required = page.split('data-testid="guide-required-photos"')[1].split('data-testid="guide-other-photos"')[0]
    for slot in SLOTS:
        assert str(slot.name) in page
    assert "号牌" in required
    assert "车架号" not in required
    assert 'src="/static/evidence/examples/front_panorama.svg"' in page
    assert 'alt="示例：' in page
    assert "至少需要 3 张照片" in page


def test_the_service_points_come_from_the_directory(client):
    from claimbridge.cases.models import ServicePoint
    from claimbridge.organisations.models import County

    wudu = County.objects.get(code="621202")
    ServicePoint.objects.create(county=wudu, kind="quick_claims_centre", name="武都区道路交通事故快速处理中心",
                                address="武都区某路 1 号", hours="08:00–20:00", phone="0939-0000000")  # fmt: skip
    ServicePoint.objects.create(county=wudu, kind="dealer", name="已关闭的 4S 店", address="-", hours="-", active=False)
    page = _get(client, "/guide/service-points/").content.decode()
    assert page.count('data-testid="guide-city"') == 2
    assert "武都区道路交通事故快速处理中心" in page
    assert "已关闭的 4S 店" not in page
    assert 'href="/directory/?county=621202"' in page
    assert "麦积区" in page
    assert "两当县" in page


def test_the_leaflet_is_a_pdf_in_chinese_with_the_kernels_lists(client):
    response = _get(client, "/guide/leaflet.pdf")
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 2
    text = _pdf_text(response.content).replace("\n", "")
    assert "车主指南" in text
    for expected in (PASSED["no_casualties"].zh, catalogue_on().items[1].text.zh[:10], "两车侧前方全景"):
        assert expected in text
    english = _pdf_text(_get(client, "/guide/leaflet.pdf", "en").content)
    assert "a guide for drivers" in english


def test_the_home_and_progress_pages_link_the_guide(client):
    assert 'href="/guide/"' in _get(client, "/").content.decode()
    assert 'href="/guide/"' in _get(client, "/progress/").content.decode()
