"""Loading by API and by file, and who may read what (B8); who may look which vehicle up: test_lookup.py."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from claimbridge.policies.models import Policy
from claimbridge.policies.tests.factories import load, row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def background_tasks_run_at_once(monkeypatch):
    monkeypatch.setattr(transaction, "on_commit", lambda callback, using=None, robust=False: callback())


@pytest.fixture
def two_insurers(users):
    load(
        users,
        [row("TL2024000100", plate="甘K12345"), row("TL2024000101", cover_type="third_party", limit="1000000")],
        "tianlong",
    )
    load(users, [row("MJ2024000200", plate="甘E6789A", branch="620500", holder_name="李四")], "maiji")


def lookup(client, plate):
    return client.get(f"/api/v1/policies/lookup?plate={plate}&at=2024-06-01T14:20:00%2B08:00", secure=True)


def test_staff_see_their_own_policies_in_full_and_masked(client, users, two_insurers):
    client.force_login(users["tianlong_unit1"])
    answer = lookup(client, "甘K12345").json()
    assert [a["view"] for a in answer] == ["full", "full"]
    assert answer[0]["holder_name"] == "张*"
    assert answer[0]["holder_phone"] == "139****5678"
    assert "34052419800101001X" not in json.dumps(answer, ensure_ascii=False)


def test_a_core_system_loads_a_batch_and_a_retry_returns_the_first_answer(client, users):
    client.force_login(users["fuxi_hq"])
    batch = {"policies": [row("FX2024000001", branch="620500"), row("FX2024000002", branch="620500", plate="bad")]}

    def send():
        return client.post("/api/v1/policies", data=json.dumps(batch, ensure_ascii=False), content_type="application/json",
                           secure=True, HTTP_IDEMPOTENCY_KEY="batch-42")  # fmt: skip

    first, again = send(), send()
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert (first.json()["created"], first.json()["rejected"]) == (1, 1)
    assert Policy.objects.filter(insurer__code="fuxi").count() == 1


def test_only_insurer_staff_load_policies(client, users):
    for username in ("tianlong_adj1", "driver_ln", "antifraud", "ln_assoc"):
        client.force_login(users[username])
        response = client.post(
            "/api/v1/policies", data=json.dumps(row("ZZ2024000001")), content_type="application/json", secure=True
        )
        assert response.status_code == 403, username


def test_a_load_report_is_only_for_its_own_company(client, users):
    client.force_login(users["tianlong_hq"])
    created = client.post(
        "/api/v1/policies", data=json.dumps(row("TL2024000300")), content_type="application/json", secure=True
    )
    load_id = created.json()["id"]
    assert client.get(f"/api/v1/policies/loads/{load_id}", secure=True).status_code == 200
    client.force_login(users["maiji_hq"])
    assert client.get(f"/api/v1/policies/loads/{load_id}", secure=True).status_code == 404


CSV = """policy_number,branch,cover_type,plate,vin,start,end,limit,holder_name,holder_phone
TL2025000001,621200,ctpl,甘K11111,,2025-01-01,2025-12-31,,王五,13812345678
TL2025000002,621202,third_party,甘K22222,,2025-01-01,2025-12-31,"1,000,000",,
TL2025000003,621200,ctpl,甘K33333,LSVAM4187C2184840,2025-01-01,2025-12-31,,,
TL2025000001,621200,ctpl,甘K11111,,2025-01-01,2025-12-31,,王五,13812345678
TL2025000004,621200,ctpl,甘K44444,,2025-03-01,2025-02-01,,,
"""


def test_staff_upload_a_csv_and_follow_the_load(client, users):
    client.force_login(users["tianlong_hq"])
    response = client.post("/policies/", {"file": SimpleUploadedFile("policies.csv", CSV.encode())}, secure=True)
    assert response.status_code == 302
    page = client.get(response["Location"], secure=True).content.decode()
    assert 'data-status="done"' in page
    assert 'data-testid="created">2<' in page
    assert 'data-testid="rejected">3<' in page
    assert "校验位" in page
    assert "重复" in page
    assert "止期早于起期" in page
    again = client.post("/policies/", {"file": SimpleUploadedFile("policies.csv", CSV.encode())}, secure=True)
    page = client.get(again["Location"], secure=True).content.decode()
    assert 'data-testid="created">0<' in page
    assert 'data-testid="unchanged">2<' in page


def test_an_excel_file_loads_too(client, users):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["保单号", "出单机构", "险种", "车牌号", "起保日期", "终保日期"])
    sheet.append(["TL2025000009", "620500", "交强险", "甘E55555", "2025-01-01", "2025-12-31"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(users["tianlong_hq"])
    response = client.post("/policies/", {"file": SimpleUploadedFile("保单.xlsx", buffer.getvalue())}, secure=True)
    assert response.status_code == 302
    assert Policy.objects.filter(policy_number="TL2025000009", cover_type="ctpl").exists()


def test_another_companys_loads_are_not_listed_or_opened(client, users):
    client.force_login(users["tianlong_hq"])
    response = client.post("/policies/", {"file": SimpleUploadedFile("policies.csv", CSV.encode())}, secure=True)
    load_path = response["Location"]
    client.force_login(users["maiji_hq"])
    assert client.get(load_path, secure=True).status_code == 404
    assert "policies.csv" not in client.get("/policies/", secure=True).content.decode()
