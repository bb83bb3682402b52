"""R20: police records load idempotently by record number from CSV, Excel and the API, with a per-row report."""

from __future__ import annotations

import csv
import hashlib
import importlib
import io
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from tests.factories import recent_day

from claimbridge.core import crypto
from claimbridge.police import services
from claimbridge.police.models import PoliceEvent, PoliceLoad, PoliceRecord, PoliceVehicle
from claimbridge.police.rows import CHINESE_HEADERS

pytestmark = pytest.mark.django_db
SERIAL = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
HEADER = ["record_number", "accident_at", "place", "latitude", "longitude", "accident_type",
          "plate_1", "liability_1", "driver_1", "driver_id_1", "plate_2", "liability_2"]  # fmt: skip


def plate(index: int) -> str:
    serial, value = "", index
    for _ in range(5):
        serial += SERIAL[value % len(SERIAL)]
        value //= len(SERIAL)
    return f"甘{'EK'[index % 2]}{serial}"


def rows(count: int, *, start: int = 0) -> list[list[str]]:
    day = recent_day(30)
    out = []
    for i in range(start, start + count):
        at = f"{day + timedelta(days=i % 20)} {8 + i % 10:02d}:{i % 60:02d}"
        driver = ("王五", "110105198001010016") if i % 50 == 0 else ("", "")
        out.append([f"LN-{i:06d}", at, f"武都区示例路{i % 300}号", f"{33.39 + (i % 7) / 1000:.5f}", "104.926",
                    "财产损失", plate(2 * i), "全部责任", *driver, plate(2 * i + 1), "无责任"])  # fmt: skip
    return out


def csv_file(body: list[list[str]], name: str = "records.csv", encoding: str = "utf-8-sig") -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([CHINESE_HEADERS[column] for column in HEADER])
    writer.writerows(body)
    return SimpleUploadedFile(name, text.getvalue().encode(encoding), content_type="text/csv")


def state() -> tuple[int, int, list[tuple]]:
    records = list(PoliceRecord.objects.order_by("pk").values_list("pk", "number", "content_digest", "updated_at",
                                                                   "load_id"))  # fmt: skip
    return PoliceRecord.objects.count(), PoliceVehicle.objects.count(), records


def test_r20_a_file_of_10000_records_loads_twice_and_the_second_time_changes_nothing(users):
    police = users["police_ln"]
    body = rows(10_000)
    first = services.police_file_load(unit=police.police_unit, user=police, upload=csv_file(body))[0]
    assert (first.rows_total, first.rows_created, first.rows_refused) == (10_000, 10_000, 0)
    assert len(first.report) == 10_000
    assert first.report[0] == {"row": 2, "number": "LN-000000", "outcome": "created"}
    assert first.report[-1]["row"] == 10_001
    before = state()
    assert before[:2] == (10_000, 20_000)
    # the same rows in another file (GB18030, as Chinese Excel saves it): every row unchanged
    again = services.police_file_load(unit=police.police_unit, user=police, upload=csv_file(body, encoding="gb18030"))[
        0
    ]
    assert (again.rows_total, again.rows_created, again.rows_unchanged, again.rows_updated) == (10_000, 0, 10_000, 0)
    assert {row["outcome"] for row in again.report} == {"unchanged"}
    assert state() == before
    assert PoliceEvent.objects.filter(kind="police_load").count() == 2


def test_r20_personal_data_is_encrypted_and_the_person_indexed(users):
    from django.db import connection

    police = users["police_ln"]
    services.police_file_load(unit=police.police_unit, user=police, upload=csv_file(rows(1)))[0]
    vehicle = PoliceVehicle.objects.get(position=1)
    assert (vehicle.driver_name, vehicle.driver_id_number) == ("王五", "110105198001010016")
    assert vehicle.driver_index
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT driver_name, driver_id_number FROM {PoliceVehicle._meta.db_table}")  # noqa: S608
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert "王五" not in stored
    assert "110105198001010016" not in stored


def test_r20_a_changed_row_is_reported_as_updated_with_what_changed_and_the_previous_facts_kept(users):
    police = users["police_ln"]
    body = rows(3)
    services.police_file_load(unit=police.police_unit, user=police, upload=csv_file(body))[0]
    body[1][7] = "次要责任"  # the police corrected the liability of vehicle 1
    load = services.police_file_load(unit=police.police_unit, user=police, upload=csv_file(body))[0]
    assert [row["outcome"] for row in load.report] == ["unchanged", "updated", "unchanged"]
    assert load.report[1]["changed"] == ["vehicles"]
    assert "更正" in load.report[1]["zh"]
    assert "corrected" in load.report[1]["en"]
    record = PoliceRecord.objects.get(number="LN-000001")
    assert record.vehicles.get(position=1).liability == "secondary"
    event = PoliceEvent.objects.get(kind="police_record_updated", record=record)
    assert event.data["before"]["vehicles"][0][1] == "full"


def test_r20_bad_rows_are_refused_one_by_one_with_bilingual_reasons(users):
    police = users["police_ln"]
    body = rows(8)
    body[0][6] = "京A0"  # plate
    body[1][1] = "2025-13-40"  # time
    body[2][1] = str(recent_day())  # a day without a time
    body[3][7] = "大概有责"  # liability
    body[4][5] = "追尾"  # accident type
    body[5][3] = "95"  # latitude
    body[6][0] = ""  # no number
    body[7][0] = "LN-000000"  # the number of row 2 again — row 2 was refused, so this one loads
    load = services.police_file_load(unit=police.police_unit, user=police, upload=csv_file(body))[0]
    refused = {row["row"]: row for row in load.report if row["outcome"] == "refused"}
    assert {row: entry["code"] for row, entry in refused.items()} == {
        2: "bad_plate", 3: "bad_time", 4: "bad_time", 5: "bad_liability", 6: "bad_type", 7: "bad_coordinate",
        8: "bad_number",
    }  # fmt: skip
    assert all(entry["zh"] and entry["en"] and entry["field"] for entry in refused.values())
    assert load.rows_created == 1


def test_r20_the_same_number_twice_in_one_load_refuses_the_second(users):
    police = users["police_ln"]
    body = rows(2)
    body[1][0] = body[0][0]
    load = services.police_file_load(unit=police.police_unit, user=police, upload=csv_file(body))[0]
    assert [row["outcome"] for row in load.report] == ["created", "refused"]
    assert load.report[1]["code"] == "number_twice"


def test_r20_excel_files_load_like_csv(users):
    from openpyxl import Workbook

    police = users["police_ln"]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([CHINESE_HEADERS[column] for column in HEADER])
    for row in rows(3):
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    upload = SimpleUploadedFile("records.xlsx", data.getvalue())
    load = services.police_file_load(unit=police.police_unit, user=police, upload=upload)[0]
    assert load.rows_created == 3
    record = PoliceRecord.objects.get(number="LN-000000")
    assert record.county is not None
    assert record.county.code == "621202"  # the point's county, from the configured boundaries


def test_r20_a_file_that_cannot_be_read_is_refused_and_leaves_no_load(users):
    police = users["police_ln"]
    upload = SimpleUploadedFile("records.xlsx", b"PK\x03\x04 not really a workbook")
    with pytest.raises(services.AppError) as refused:
        services.police_file_load(unit=police.police_unit, user=police, upload=upload)
    assert refused.value.code == "bad_file"
    assert not PoliceLoad.objects.exists()


def test_r20_only_the_unit_itself_or_the_platform_admin_loads_its_records(users):
    unit = users["police_ln"].police_unit
    for username in ("police_ts", "antifraud", "tianlong_hq", "ln_assoc"):
        with pytest.raises(services.AppError) as refused:
            services.police_load_start(unit=unit, user=users[username], source="web")
        assert refused.value.status == 403
    assert services.police_load_start(unit=unit, user=users["admin"], source="api")[1] is False


# --- the API -------------------------------------------------------------------------------------------------------


def api_body(count: int = 2) -> dict:
    at = timezone.localtime(timezone.now() - timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    return {"records": [{"record_number": f"API-{i}", "accident_at": at, "accident_type": "property",
                         "latitude": 33.392, "longitude": 104.926,
                         "vehicles": [{"plate": plate(i), "liability": "full"}, {"plate": plate(i + 100)}]}
                        for i in range(count)]}  # fmt: skip


def post(client: Client, body: dict, key: str = "") -> tuple[int, dict]:
    headers = {"Idempotency-Key": key} if key else {}
    response = client.post("/api/v1/police/records", json.dumps(body), content_type="application/json", headers=headers)
    return response.status_code, response.json()


def test_r20_api_loads_a_batch_and_honours_the_idempotency_key(users):
    client = Client()
    client.force_login(users["police_ln"])
    status, answer = post(client, api_body(), key="k-1")
    assert status == 201
    assert (answer["created"], answer["report"][0]["row"]) == (2, 1)
    assert post(client, api_body(), key="k-1") == (200, answer)  # a retry: the first answer
    status, refused = post(client, api_body(3), key="k-1")
    assert (status, refused["error"]["code"]) == (422, "idempotency_key_reused")
    status, again = post(client, api_body())  # no key: a new load, and nothing changes
    assert (status, again["created"], again["unchanged"]) == (201, 0, 2)
    assert PoliceRecord.objects.count() == 2


def test_r20_api_bad_input_is_4xx_never_500(users):
    client = Client()
    client.force_login(users["police_ln"])
    bad = [{"records": []}, {"records": [{"record_number": "x"}]}, {"records": "nope"}, {"other": 1},
           {"records": [api_body(1)["records"][0] | {"latitude": 1e308}]}]  # fmt: skip
    for body in bad:
        status, answer = post(client, body)
        assert status == 422, body
        assert answer["error"]["zh"]
    response = client.post("/api/v1/police/records", b"{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    record = api_body(1)["records"][0] | {"accident_at": "yesterday"}
    status, answer = post(client, {"records": [record]})
    assert (status, answer["refused"], answer["report"][0]["code"]) == (201, 1, "bad_time")


def test_r20_api_refuses_other_units_and_roles(users):
    other = users["police_ts"]
    client = Client()
    client.force_login(other)
    status, _answer = post(client, api_body() | {"unit": users["police_ln"].police_unit_id})
    assert status == 403
    for username in ("tianlong_hq", "antifraud", "driver_ln"):
        client.force_login(users[username])
        assert post(client, api_body())[0] == 403
    assert post(Client(), api_body())[0] == 401
    client.force_login(users["admin"])
    assert post(client, api_body())[0] == 403  # the platform admin names the unit
    assert post(client, api_body() | {"unit": users["police_ln"].police_unit_id})[0] == 201
    assert not PoliceRecord.objects.filter(unit=other.police_unit).exists()


# --- R20: accident times the platform takes, a file recognised, one index of a person -----------------------------


@pytest.mark.parametrize(
    ("shift", "code"), [(timedelta(days=2), "time_in_future"), (-timedelta(days=4 * 365), "time_too_old")]
)
def test_r20_an_implausible_accident_time_refuses_the_row_in_both_languages(users, shift, code):
    """R20: a record's accident time passes `core.inputs.plausible_accident_time`, as a case's does: a row dated in
    the future or too long ago is refused in the report (field, code, zh, en) and nothing of it is loaded — not even
    as a correction of a record already loaded."""
    police = users["police_ln"]
    body = rows(3)
    services.police_file_load(unit=police.police_unit, user=police, upload=csv_file(body[:1]))
    wrong = timezone.localtime(timezone.now() + shift).strftime("%Y-%m-%d %H:%M")
    body[0][1] = body[1][1] = wrong  # a correction of LN-000000 to that time, and a new record LN-000001 at it
    load = services.police_file_load(unit=police.police_unit, user=police, upload=csv_file(body))[0]
    refused = [row for row in load.report if row["outcome"] == "refused"]
    assert [(row["row"], row["field"], row["code"]) for row in refused] == [
        (2, "accident_at", code),
        (3, "accident_at", code),
    ]
    assert all(row["zh"] and row["en"] and row["zh"] != row["en"] for row in refused)
    assert (load.rows_created, load.rows_updated, load.rows_refused) == (1, 0, 2)
    assert set(PoliceRecord.objects.values_list("number", flat=True)) == {"LN-000000", "LN-000002"}
    assert (
        timezone.localtime(PoliceRecord.objects.get(number="LN-000000").accident_at).strftime("%Y-%m-%d %H:%M") != wrong
    )


def test_r20_api_refuses_an_implausible_time_row_by_row(users):
    client = Client()
    client.force_login(users["police_ln"])
    body = api_body(2)
    body["records"][1]["accident_at"] = timezone.localtime(timezone.now() + timedelta(days=1)).isoformat()
    status, answer = post(client, body)
    assert (status, answer["created"], answer["refused"]) == (201, 1, 1)
    assert (answer["report"][1]["row"], answer["report"][1]["code"]) == (2, "time_in_future")


def test_r20_the_same_file_uploaded_again_is_recognised_by_its_sha256(users):
    """R20: a web upload keeps the file's SHA-256 as the load's fingerprint; the same bytes again (whatever the file's
    name) give back the earlier load, with nothing loaded twice; other bytes are a new load."""
    police = users["police_ln"]
    first_file = csv_file(rows(3))
    data = first_file.read()
    first, earlier = services.police_file_load(unit=police.police_unit, user=police, upload=first_file)
    assert earlier is False
    assert first.idempotency_fingerprint == hashlib.sha256(data).hexdigest()
    again, earlier = services.police_file_load(unit=police.police_unit, user=police,
                                               upload=SimpleUploadedFile("copy.csv", data))  # fmt: skip
    assert (again.pk, earlier) == (first.pk, True)
    assert PoliceLoad.objects.count() == 1
    assert PoliceEvent.objects.filter(kind="police_load").count() == 1
    other, earlier = services.police_file_load(unit=police.police_unit, user=police, upload=csv_file(rows(4)))
    assert (other.pk != first.pk, earlier, other.rows_created, other.rows_unchanged) == (True, False, 1, 3)
    # another unit's identical file is its own load; a stranger learns nothing of the earlier one
    ts = users["police_ts"]
    assert services.police_file_load(unit=ts.police_unit, user=ts, upload=SimpleUploadedFile("x.csv", data))[1] is False
    with pytest.raises(services.AppError):
        services.police_file_load(unit=police.police_unit, user=ts, upload=SimpleUploadedFile("x.csv", data))


def test_r20_the_upload_page_says_when_a_file_was_loaded_already_and_refuses_its_key_for_another_file(users):
    client = Client()
    client.force_login(users["police_ln"])
    data = csv_file(rows(2)).read()
    first = client.post("/police/", {"file": SimpleUploadedFile("a.csv", data), "form_key": "k1"})
    assert first.status_code == 302
    again = client.post("/police/", {"file": SimpleUploadedFile("b.csv", data), "form_key": "k2"}, follow=True)
    assert again.redirect_chain[-1][0] == first["Location"]
    assert "导入过" in again.content.decode()
    other = client.post("/police/", {"file": csv_file(rows(3)), "form_key": "k1"})
    assert other.status_code == 422
    assert PoliceLoad.objects.count() == 1


def test_r20_a_driver_s_id_number_has_the_platform_s_one_blind_index(users):
    """R20: the police's drivers are indexed as the register's adjusters and the fraud clues' people are ("id_number"),
    so one ID number meets across apps."""
    police = users["police_ln"]
    services.police_file_load(unit=police.police_unit, user=police, upload=csv_file(rows(1)))
    index = PoliceVehicle.objects.get(position=1).driver_index
    assert index == crypto.blind_index("110105198001010016", purpose="id_number")
    assert index == crypto.id_number_blind_index("110105 19800101 0016")


def test_r20_the_migration_works_out_the_stored_indexes_again(users):
    from django.apps import apps

    migration = importlib.import_module("claimbridge.police.migrations.0002_driver_index_id_number_purpose")
    police = users["police_ln"]
    services.police_file_load(unit=police.police_unit, user=police, upload=csv_file(rows(1)))
    old = crypto.blind_index("110105198001010016", purpose="police-person")
    PoliceVehicle.objects.filter(position=1).update(driver_index=old)
    migration.forwards(apps, None)
    assert list(PoliceVehicle.objects.values_list("position", "driver_index").order_by("position")) == [
        (1, crypto.id_number_blind_index("110105198001010016")), (2, "")]  # fmt: skip
    migration.backwards(apps, None)
    assert PoliceVehicle.objects.get(position=1).driver_index == old
