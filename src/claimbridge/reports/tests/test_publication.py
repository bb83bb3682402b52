"""The progress report (R19, B10): a hand-computed world of 29 cases in five counties, drafted, approved by another
association user, published, corrected; small counts withheld in what is kept; a published version immutable in the
services and in the database; who may write; the PDF and the spreadsheet; the event chain."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from tests.factories import cases_in_counties

from claimbridge.core.errors import AppError
from claimbridge.reports import publication, publication_selectors
from claimbridge.reports.publication_models import ReportEvent, ReportVersion
from claimbridge.stats.facts import month_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_storage")]

# 武都 6, 成县 3, 徽县 7 (陇南 16); 秦州 5, 麦积 8 (天水 13): 29 cases, each with 麦积's A and 天陇's B.
WORLD = {"621202": 6, "621221": 3, "621227": 7, "620502": 5, "620503": 8}


def this_quarter():
    month = month_of(timezone.now())
    return month.replace(month=(month.month - 1) // 3 * 3 + 1)


@pytest.fixture
def world(users):
    cases_in_counties(users["tianlong_adj1"], WORLD)
    return users


def draft(users, by="ln_assoc", **texts):
    return publication.report_draft(user=users[by], kind="quarterly", start=this_quarter(), **texts)


def published_version(users):
    version = draft(users, summary_zh="本季度两市共报案29件。")
    version = publication.version_approve(user=users["ts_assoc"], version=version)
    return publication.version_publish(user=users["ln_assoc"], version=version)


def cells(version, table):
    return {row["key"]: row["cells"]["cases_reported"] for row in version.snapshot["tables"][table]["rows"]}


def refused(code, call, **kwargs):
    with pytest.raises(AppError) as caught:
        call(**kwargs)
    assert caught.value.code == code, caught.value.code
    assert caught.value.zh
    assert caught.value.en
    assert caught.value.zh != caught.value.en
    return caught.value


def test_r19_the_snapshot_withholds_a_county_of_three_cases_and_its_smallest_neighbour(world):
    version = draft(world)
    counties = cells(version, "county")
    assert counties["621221"] == {"value": None, "hidden": True}  # 成县: 3 cases
    assert counties["621202"] == {"value": None, "hidden": True}  # 武都: 6, hidden so that 陇南's 16 gives nothing
    assert counties["621227"] == {"value": 7, "hidden": False}
    assert counties["620502"] == {"value": 5, "hidden": False}
    assert counties["620503"] == {"value": 8, "hidden": False}
    assert counties["621222"] == {"value": 0, "hidden": False}  # 文县: none
    assert cells(version, "city") == {
        "620500": {"value": 13, "hidden": False},
        "621200": {"value": 16, "hidden": False},
    }
    assert version.snapshot["headline"]["cases_reported"] == {"value": 29, "hidden": False}
    assert version.snapshot["tables"]["county"]["total"]["cells"]["cases_reported"]["value"] == 29
    insurers = cells(version, "insurer")  # each company counts its own parties' cases
    assert insurers == {"maiji": {"value": 29, "hidden": False}, "tianlong": {"value": 29, "hidden": False}}
    months = cells(version, "month")
    assert months[f"{month_of(timezone.now()):%Y-%m}"] == {"value": 29, "hidden": False}
    assert len(months) == 12 or min(months) == "2023-08"
    assert version.snapshot["period"]["label"]["zh"].endswith("季度")


def test_r19_the_four_eyes_rule_refuses_the_last_writer(world):
    version = draft(world)
    error = refused("four_eyes", publication.version_approve, user=world["ln_assoc"], version=version)
    assert error.status == 403
    version = publication.version_edit(user=world["ts_assoc"], version=version, summary_zh="改写")
    refused("four_eyes", publication.version_approve, user=world["ts_assoc"], version=version)
    approved = publication.version_approve(user=world["ln_assoc"], version=version)
    assert approved.state == "approved"
    assert approved.approved_by == world["ln_assoc"]
    # an approved version edited is a draft again, to be approved by someone else than this writer
    edited = publication.version_edit(user=world["ln_assoc"], version=approved, highlights_zh="要点")
    assert edited.state == "draft"
    assert edited.approved_by is None
    refused("four_eyes", publication.version_approve, user=world["ln_assoc"], version=edited)
    refused("not_approved", publication.version_publish, user=world["ts_assoc"], version=edited)


def test_r19_a_published_version_never_changes(world):
    version = published_version(world)
    assert version.state == "published"
    assert version.pdf_sha256
    assert version.xlsx_sha256
    refused("published_immutable", publication.version_edit, user=world["ts_assoc"], version=version, summary_zh="x")
    refused("published_immutable", publication.version_edit, user=world["ts_assoc"], version=version,
            refresh_figures=True)  # fmt: skip
    refused("published_immutable", publication.version_approve, user=world["ts_assoc"], version=version)
    refused("published_immutable", publication.version_publish, user=world["ln_assoc"], version=version)
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():  # the database refuses it too
        ReportVersion.objects.filter(pk=version.pk).update(summary_zh="偷偷改")
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        ReportEvent.objects.filter(report=version.report).update(kind="edited")
    version.refresh_from_db()
    assert version.summary_zh == "本季度两市共报案29件。"


def test_r19_a_correction_is_a_new_version_with_its_reason(world):
    first = published_version(world)
    report = first.report
    refused("reason_required", publication.report_correct, user=world["ts_assoc"], report=report, reason="  ")
    cases_in_counties(world["tianlong_adj1"], {"621221": 2})  # two cases registered late: 成县 now has 5
    second = publication.report_correct(user=world["ts_assoc"], report=report, reason="补录成县2件迟报案件",
                                        refresh_figures=True)  # fmt: skip
    assert (second.n, second.state, second.correction_reason) == (2, "draft", "补录成县2件迟报案件")
    assert second.summary_zh == first.summary_zh  # the texts are copied
    assert cells(second, "county")["621221"] == {"value": 5, "hidden": False}
    assert second.snapshot["headline"]["cases_reported"]["value"] == 31
    refused("open_version_exists", publication.report_correct, user=world["ln_assoc"], report=report, reason="再改")
    refused("four_eyes", publication.version_approve, user=world["ts_assoc"], version=second)
    publication.version_publish(user=world["ln_assoc"],
                                version=publication.version_approve(user=world["ln_assoc"], version=second))  # fmt: skip
    shown = publication_selectors.published(number=report.number)
    assert shown is not None
    assert shown.version.n == 2
    assert [(v.n, v.correction_reason) for v in shown.versions] == [(2, "补录成县2件迟报案件"), (1, "")]
    first.refresh_from_db()
    assert first.snapshot["headline"]["cases_reported"]["value"] == 29  # the first version stays as published
    copied = publication.report_correct(user=world["ln_assoc"], report=report, reason="修改文字")
    assert copied.snapshot == publication_selectors.published(number=report.number).version.snapshot


def test_r19_only_the_associations_write_and_the_public_reads_only_what_is_published(world):
    from django.contrib.auth.models import AnonymousUser

    for name in ("tianlong_hq", "driver_ln", "regulator", "admin", "antifraud", "tianlong_adj1"):
        refused("forbidden", publication.report_draft, user=world[name], kind="quarterly", start=this_quarter())
    refused("forbidden", publication.report_draft, user=AnonymousUser(), kind="quarterly", start=this_quarter())
    version = draft(world)
    for name in ("tianlong_hq", "driver_ln", "regulator", "admin"):
        refused("forbidden", publication.version_approve, user=world[name], version=version)
        refused("forbidden", publication.version_edit, user=world[name], version=version, summary_zh="x")
    number = version.report.number
    assert publication_selectors.version_get_for_user(user=world["regulator"], number=number, n=1) is not None
    assert publication_selectors.report_list_for_user(user=world["regulator"])
    for reader in (world["tianlong_hq"], world["driver_ln"], AnonymousUser()):
        assert publication_selectors.version_get_for_user(user=reader, number=number, n=1) is None
        assert publication_selectors.report_get_for_user(user=reader, number=number) is None
        assert publication_selectors.report_list_for_user(user=reader) == []
    assert publication_selectors.published() is None
    refused("report_exists", draft, users=world, by="ts_assoc")


def test_r19_every_step_is_in_the_reports_event_chain(world):
    version = published_version(world)
    report = version.report
    publication.report_correct(user=world["ts_assoc"], report=report, reason="更正")
    kinds = list(ReportEvent.objects.filter(report=report).order_by("sequence").values_list("version", "kind"))
    assert kinds == [(1, "drafted"), (1, "approved"), (1, "published"), (2, "correction_started")]
    assert publication.publication_verify() == []
    call_command("audit", "verify", stdout=io.StringIO())
    ReportEvent.objects.filter(report=report, sequence=4).delete()
    assert publication.publication_verify() == [f"progress report {report.number}: events after 3 were removed"]
    with pytest.raises(CommandError, match="events after 3 were removed"):  # `audit verify` reads these chains too
        call_command("audit", "verify", stdout=io.StringIO())


def test_b10_the_pdf_has_the_figures_charts_and_note(world):
    from pypdf import PdfReader

    version = published_version(world)
    data = publication_selectors.stored_document(version, "pdf")
    assert data is not None
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == version.pdf_sha256
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    pdftotext = shutil.which("pdftotext")
    if pdftotext:  # poppler reads the CID font's text back (Debian's poppler-utils)
        text = subprocess.run([pdftotext, "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
        text = text.decode()
        for expected in (
            "陇南—天水车险理赔服务一体化进展报告",
            "通赔通办",
            "快处易赔",
            "主要指标",
            "少于5件的单元格不公布",
            "本季度两市共报案29件",
            "按县区",
            "徽县",
            "每月报案数与达成协议数",
            "各县区报案数",
        ):
            assert expected in text, expected
        assert "29" in text
        assert "＊" in text


def test_b10_the_spreadsheet_has_numbers_as_numbers(world):
    from openpyxl import load_workbook

    version = published_version(world)
    book = load_workbook(io.BytesIO(publication_selectors.stored_document(version, "xlsx")))
    assert book.sheetnames == ["主要指标", "按城市", "按县区", "按保险公司", "按月", "说明"]
    sheet = book["主要指标"]
    values = {sheet.cell(row=r, column=3).value: sheet.cell(row=r, column=2) for r in range(1, sheet.max_row + 1)}
    assert values["cases_reported"].value == 29
    assert values["quick_claim_share"].number_format == "0.0%"
    assert isinstance(values["quick_claim_share"].value, int | float)
    assert 0 <= values["quick_claim_share"].value <= 1
    counties = book["按县区"]
    by_name = {counties.cell(row=r, column=1).value: counties.cell(row=r, column=2).value
               for r in range(2, counties.max_row + 1)}  # fmt: skip
    assert by_name["徽县"] == 7
    assert by_name["成县"] == "＊"
    assert by_name["武都区"] == "＊"
    assert by_name["合计"] == 29
    notes = " ".join(str(cell.value) for row in book["说明"].iter_rows() for cell in row if cell.value)
    assert "少于5件的单元格不公布" in notes
    assert "以快处易赔在线达成协议的案件数 ÷ 报案数" in notes
