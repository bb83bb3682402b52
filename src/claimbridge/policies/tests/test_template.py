"""The policy file's CSV template and the column rules on the upload page (issue 13; R3)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claimbridge.policies.columns import POLICY_COLUMNS
from claimbridge.policies.rows import COLUMNS, PolicyRow, parse_row
from claimbridge.policies.tables import CHINESE_HEADERS, read_rows

pytestmark = pytest.mark.django_db


def test_staff_download_a_csv_template_headed_in_chinese_whose_examples_load(client, users, isolated_storage):
    """The template is what the loader reads: Chinese headers of every column, and its example rows load as they
    are (so that an insurer starts from something right)."""
    client.force_login(users["tianlong_hq"])
    response = client.get("/policies/template.csv", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith("\ufeff".encode())  # Excel opens UTF-8 with a BOM in Chinese
    header = body.decode("utf-8-sig").splitlines()[0].split(",")
    assert header == [CHINESE_HEADERS[column] for column in COLUMNS]
    assert header[:3] == ["保单号", "出单机构", "险种"]
    rows = list(read_rows(io.BytesIO(body), "template.csv"))
    assert len(rows) == 2
    assert all(isinstance(parse_row(raw, number), PolicyRow) for number, raw in enumerate(rows, start=2))

    loaded = client.post("/policies/", {"file": SimpleUploadedFile("模板.csv", body)}, secure=True)
    page = client.get(loaded["Location"], secure=True).content.decode()
    assert 'data-testid="created">2<' in page
    assert 'data-testid="rejected">0<' in page


def test_the_template_is_only_for_those_who_load_policies(client, users):
    assert client.get("/policies/template.csv", secure=True).status_code == 302  # to the login page
    client.force_login(users["driver_ln"])
    assert client.get("/policies/template.csv", secure=True).status_code == 403


@pytest.mark.parametrize(
    ("language", "branch_rule"), [("zh-hans", "6 位行政区划代码"), ("en", "6-digit administrative division code")]
)
def test_the_upload_page_states_every_columns_rule(client, users, settings, language, branch_rule):
    """Each column with whether it is required and what it holds, the 6-digit 出单机构 rule among them, in the
    reader's language; and a link to the template."""
    client.force_login(users["tianlong_hq"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/policies/", secure=True).content.decode()
    assert 'href="/policies/template.csv"' in page
    table = page.split('data-testid="policy-columns"')[1].split("</table>")[0]
    assert table.count("<tr>") == len(POLICY_COLUMNS) + 1
    assert branch_rule in table
    for column in COLUMNS:
        assert f"<code>{CHINESE_HEADERS[column] if language == 'zh-hans' else column}</code>" in table


def test_the_lookup_names_covers_never_by_their_code(client, users):
    """Issue 13: the policy lookup showed `ctpl` and `third_party`; it shows 交强险 and 商业三者险."""
    from claimbridge.policies.demo import load_demo_policies

    load_demo_policies()
    client.force_login(users["tianlong_hq"])
    page = client.get("/policies/lookup/?plate=甘K12345", secure=True).content.decode()
    results = page.split('data-testid="lookup-results"')[1]
    assert "交强险" in results
    assert "商业三者险" in results
    assert "ctpl" not in results
    assert "third_party" not in results
