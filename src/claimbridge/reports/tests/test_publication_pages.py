"""The progress report's pages and API (R18, R19, B10, B9): the public reads the newest published version — figures,
charts, tables, the downloads and the earlier versions — and nothing of a draft; the associations draft, approve,
publish and correct through the pages and the API (Idempotency-Key on the creating POSTs); bilingual refusals."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone
from tests.factories import cases_in_counties

from claimbridge.reports import publication
from claimbridge.reports.publication_models import ProgressReport, ReportVersion
from claimbridge.stats.facts import month_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_storage")]


def this_quarter():
    month = month_of(timezone.now())
    return month.replace(month=(month.month - 1) // 3 * 3 + 1)


@pytest.fixture
def world(users):
    cases_in_counties(users["tianlong_adj1"], {"621202": 6, "621221": 3, "620502": 5})
    return users


def _as(client, user):
    client.force_login(user)
    return client


def _post(client, path, body, **headers):
    return client.post(path, json.dumps(body), content_type="application/json", secure=True, headers=headers)


def test_r19_the_public_sees_nothing_until_a_version_is_published(client, world):
    version = publication.report_draft(user=world["ln_assoc"], kind="quarterly", start=this_quarter(),
                                       summary_zh="草稿文字")  # fmt: skip
    page = client.get("/progress/", secure=True)
    assert page.status_code == 200
    assert "第一期报告尚未公布" in page.content.decode()
    assert client.get(f"/progress/{version.report.number}/1/", secure=True).status_code == 404
    assert client.get(f"/progress/{version.report.number}/1/report.pdf", secure=True).status_code == 404
    assert client.get("/api/v1/progress/", secure=True).json() == {"reports": []}
    assert client.get(f"/api/v1/progress/{version.report.number}/1", secure=True).status_code == 404
    assert client.get(f"/publications/{version.report.number}/1/", secure=True).status_code == 302  # to log in


def test_r19_the_associations_draft_approve_publish_and_correct_through_the_pages(client, world):
    start = this_quarter()
    ln, ts = _as(client, world["ln_assoc"]), None
    page = ln.get("/publications/", secure=True)
    assert page.status_code == 200
    assert "起草报告" in page.content.decode()
    form = {"period": f"quarterly:{start:%Y-%m}", "summary_zh": "本季度两市共报案14件。", "form_key": "k1"}
    answer = ln.post("/publications/", form, secure=True)
    assert answer.status_code == 302
    report = ProgressReport.objects.get()
    assert answer["Location"] == f"/publications/{report.number}/"
    assert ln.post("/publications/", form, secure=True).status_code == 302  # a double tap: one report
    assert ProgressReport.objects.count() == 1
    detail = ln.get(f"/publications/{report.number}/", secure=True).content.decode()
    assert 'data-testid="four-eyes-note"' in detail
    assert 'data-testid="approve"' not in detail
    refused = ln.post(f"/publications/{report.number}/", {"op": "approve"}, secure=True, follow=True)
    assert "另一位协会用户审核" in refused.content.decode()  # the four-eyes refusal, in Chinese
    assert ReportVersion.objects.get().state == "draft"
    preview = ln.get(f"/publications/{report.number}/1/", secure=True).content.decode()
    assert 'data-testid="preview-banner"' in preview
    assert "本季度两市共报案14件。" in preview
    assert ln.get(f"/publications/{report.number}/1/report.pdf", secure=True).content.startswith(b"%PDF")

    client.logout()
    ts = _as(client, world["ts_assoc"])
    assert ts.post(f"/publications/{report.number}/", {"op": "approve"}, secure=True).status_code == 302
    assert ts.post(f"/publications/{report.number}/", {"op": "publish"}, secure=True).status_code == 302
    version = ReportVersion.objects.get()
    assert version.state == "published"

    client.logout()
    public = client.get("/progress/", secure=True)
    body = public.content.decode()
    assert public.status_code == 200
    for expected in (
        "本季度两市共报案14件。",
        'data-testid="chart-trend"',
        'data-testid="chart-map"',
        "<svg",
        "通赔通办",
        "快处易赔",
        "少于5件的单元格不公布",
        version.pdf_sha256,
        "陇南市",
    ):
        assert expected in body, expected
    assert "<script" not in body.split('data-testid="progress-charts"')[1].split("</section>")[0]
    download = client.get(f"/progress/{report.number}/1/report.pdf", secure=True)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download).startswith(b"%PDF") if download.streaming else download.content.startswith(b"%PDF")
    xlsx = client.get(f"/progress/{report.number}/1/report.xlsx", secure=True)
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"

    ts = _as(client, world["ts_assoc"])
    empty = ts.post(f"/publications/{report.number}/", {"op": "correct", "reason": ""}, secure=True)
    assert empty.status_code == 422
    corrected = ts.post(f"/publications/{report.number}/", {"op": "correct", "reason": "更正成县的数字"}, secure=True)
    assert corrected.status_code == 302
    client.logout()
    ln = _as(client, world["ln_assoc"])
    ln.post(f"/publications/{report.number}/", {"op": "approve"}, secure=True)
    ln.post(f"/publications/{report.number}/", {"op": "publish"}, secure=True)
    client.logout()
    body = client.get("/progress/", secure=True).content.decode()
    assert 'data-testid="correction-reason"' in body
    assert "更正成县的数字" in body
    assert 'data-testid="version-1"' in body
    assert 'data-testid="version-2"' in body
    assert client.get(f"/progress/{report.number}/1/", secure=True).status_code == 200  # the earlier one stays


@pytest.mark.parametrize("name", ["tianlong_hq", "driver_ln", "antifraud"])
def test_r19_the_staff_pages_are_the_associations_the_regulators_and_the_platforms(client, world, name):
    _as(client, world[name])
    assert client.get("/publications/", secure=True).status_code == 403


def test_r19_the_regulator_reads_but_cannot_write(client, world):
    version = publication.report_draft(user=world["ln_assoc"], kind="quarterly", start=this_quarter())
    _as(client, world["regulator"])
    page = client.get("/publications/", secure=True).content.decode()
    assert 'data-testid="publication-row"' in page
    assert 'data-testid="draft-form"' not in page
    assert client.get(f"/publications/{version.report.number}/1/", secure=True).status_code == 200
    answer = client.post(f"/publications/{version.report.number}/", {"op": "approve"}, secure=True)
    assert answer.status_code == 403
    form = {"period": f"monthly:{month_of(timezone.now()):%Y-%m}"}
    assert client.post("/publications/", form, secure=True).status_code == 403
    assert (
        _post(client, "/api/v1/progress/reports", {"kind": "monthly", "period_start": "2026-01-01"}).status_code == 403
    )
    assert ProgressReport.objects.count() == 1


def test_b9_the_api_drafts_once_per_key_and_refuses_in_both_languages(client, world):
    start = this_quarter()
    ln = _as(client, world["ln_assoc"])
    body = {"kind": "quarterly", "period_start": start.isoformat(), "summary_zh": "API 起草"}
    first = _post(ln, "/api/v1/progress/reports", body, **{"Idempotency-Key": "draft-1"})
    assert first.status_code == 201
    again = _post(ln, "/api/v1/progress/reports", body, **{"Idempotency-Key": "draft-1"})
    assert again.status_code == 200
    assert again.json() == first.json()
    reused = _post(ln, "/api/v1/progress/reports", body | {"summary_zh": "别的"}, **{"Idempotency-Key": "draft-1"})
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert ProgressReport.objects.count() == 1
    number = first.json()["number"]
    exists = _post(ln, "/api/v1/progress/reports", body)
    assert exists.status_code == 409
    assert exists.json()["error"]["code"] == "report_exists"
    assert "请对其进行更正" in exists.json()["error"]["zh"]
    assert "correct it instead" in exists.json()["error"]["en"]
    own = _post(ln, f"/api/v1/progress/reports/{number}/versions/1/approve", {})
    assert own.status_code == 403
    assert own.json()["error"]["code"] == "four_eyes"
    early = _post(ln, f"/api/v1/progress/reports/{number}/versions/1/publish", {})
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "not_approved"
    counties = {row["key"]: row for row in next(t for t in first.json()["tables"] if t["name"] == "county")["rows"]}
    cell = next(c for c in counties["621221"]["cells"] if c["code"] == "cases_reported")
    assert cell == {"code": "cases_reported", "value": None, "hidden": True, "text": "＊"}  # 成县: 3 cases

    client.logout()
    ts = _as(client, world["ts_assoc"])
    edited = _post(ts, f"/api/v1/progress/reports/{number}/versions/1/edit", {"summary_en": "Drafted over the API"})
    assert edited.status_code == 200
    assert edited.json()["summary_en"] == "Drafted over the API"
    assert _post(ts, f"/api/v1/progress/reports/{number}/versions/1/approve", {}).json()["error"]["code"] == "four_eyes"
    client.logout()
    ln = _as(client, world["ln_assoc"])
    assert _post(ln, f"/api/v1/progress/reports/{number}/versions/1/approve", {}).json()["state"] == "approved"
    published = _post(ln, f"/api/v1/progress/reports/{number}/versions/1/publish", {}).json()
    assert published["state"] == "published"
    assert len(published["pdf_sha256"]) == 64
    frozen = _post(ln, f"/api/v1/progress/reports/{number}/versions/1/edit", {"summary_zh": "改"})
    assert frozen.status_code == 409
    assert frozen.json()["error"]["code"] == "published_immutable"
    correction = {"reason": "补录迟报案件", "refresh_figures": True}
    made = _post(ln, f"/api/v1/progress/reports/{number}/corrections", correction, **{"Idempotency-Key": "c-1"})
    assert made.status_code == 201
    assert made.json()["version"] == 2
    assert _post(ln, f"/api/v1/progress/reports/{number}/corrections", correction,
                 **{"Idempotency-Key": "c-1"}).json()["version"] == 2  # fmt: skip
    assert ReportVersion.objects.count() == 2

    client.logout()
    listed = client.get("/api/v1/progress/", secure=True).json()["reports"]
    assert [(r["number"], r["version"], [v["version"] for v in r["versions"]]) for r in listed] == [(number, 1, [1])]
    shown = client.get(f"/api/v1/progress/{number}/1", secure=True).json()
    assert shown["summary_en"] == "Drafted over the API"
    assert shown["pdf_url"].endswith(f"/progress/{number}/1/report.pdf")
    assert client.get(f"/api/v1/progress/{number}/2", secure=True).status_code == 404  # a draft: not public
    assert client.get("/api/v1/progress/reports", secure=True).status_code == 401


def test_r18_the_public_page_reads_in_english_too(client, world):
    version = publication.report_draft(user=world["ln_assoc"], kind="monthly", start=month_of(timezone.now()),
                                       summary_zh="中文概述", summary_en="The month in short.")  # fmt: skip
    version = publication.version_approve(user=world["ts_assoc"], version=version)
    publication.version_publish(user=world["ln_assoc"], version=version)
    client.cookies["django_language"] = "en"
    body = client.get("/progress/", secure=True, headers={"Accept-Language": "en"}).content.decode()
    for expected in (
        "progress of the integration",
        "The month in short.",
        "Cases reported",
        "Cases reported by county",
        "one claim service in both cities",
        "Cells of fewer than 5 cases are not published",
        "By county",
    ):
        assert expected in body, expected
    assert "中文概述" not in body
