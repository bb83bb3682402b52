"""Bad input to the register's routes is answered with a 4xx and the bilingual error body, or a form error, or a
per-row reason, and changes nothing (issue 12 finding 7; B9): never a 500."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from claimbridge.policies.models import Policy, PolicyLoad, PolicyLookup, PolicyVersion
from claimbridge.policies.tests.factories import row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def background_tasks_run_at_once(monkeypatch):
    monkeypatch.setattr(transaction, "on_commit", lambda callback, using=None, robust=False: callback())


@pytest.fixture
def staff(client, users):
    client.raise_request_exception = False  # a 500 must show as a 500, not as the test's own exception
    client.force_login(users["tianlong_hq"])
    return client


def nothing_stored() -> bool:
    return not (PolicyLoad.objects.exists() or Policy.objects.exists() or PolicyVersion.objects.exists())


def assert_refused(response, *, status: int | tuple[int, ...] = (400, 422)) -> dict:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert all(error[key] for key in ("code", "message", "zh", "en")), error
    return error


def send(client, body, **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body, ensure_ascii=False)
    return client.post("/api/v1/policies", data=data, content_type="application/json", secure=True, **headers)


THIRD_PARTY = {"cover_type": "third_party"}
BAD_POLICIES = {
    "NUL in a name": row("TL2024000001", holder_name="张\x00三"),
    "a control character in a plate": row("TL2024000001", plate="甘K1\x072345"),
    "policy number longer than its column": row("TL" + "1" * 40),
    "cover name longer than its column": row("TL2024000001", cover_type="other", cover_name="保" * 61),
    "vehicle type longer than its column": row("TL2024000001", vehicle_type="轿" * 41),
    "plate longer than its column": row("TL2024000001", plate="甘K12345" * 3),
    "VIN of 18 characters": row("TL2024000001", vin="LSVAM4187C21848470"),
    "a name of 10,000 characters": row("TL2024000001", holder_name="张" * 10_000),
    "limit 1e30 as a string": row("TL2024000001", **THIRD_PARTY, limit="1e30"),
    "limit 1e30 as a number": {**row("TL2024000001", **THIRD_PARTY), "limit": 1e30},
    "limit of 20 integer digits": row("TL2024000001", **THIRD_PARTY, limit="12345678901234567890"),
    "limit above the money ceiling": row("TL2024000001", **THIRD_PARTY, limit="20000000.01"),
    "limit NaN": row("TL2024000001", **THIRD_PARTY, limit="NaN"),
    "a limit that is not a number": {**row("TL2024000001", **THIRD_PARTY), "limit": [1]},
    "month 13": row("TL2024000001", start="2024-13-01"),
    "the year 1": row("TL2024000001", start="0001-01-01", end="0001-12-31"),
    "the year 9999": row("TL2024000001", start="9999-01-01", end="9999-12-31"),
    "a five-digit year": row("TL2024000001", end="99999-12-31"),
    "an endorsement at an absurd offset": row("TL2024000001", endorsement_at="0001-01-01T00:00:00+23:59"),
    "a cancellation that is no date": row("TL2024000001", status="cancelled", cancelled_at="yesterday"),
    "a plate that is not a string": {**row("TL2024000001"), "plate": {"value": "甘K12345"}},
    "an unknown field": {**row("TL2024000001"), "premium": "1200"},
}


@pytest.mark.parametrize("policy", BAD_POLICIES.values(), ids=BAD_POLICIES.keys())
def test_a_policy_that_does_not_fit_is_refused_whole_and_nothing_is_loaded(staff, policy):
    """Issue 12, finding 7 (B9): a value of the wrong type, longer than its column, beyond the money ceiling or not a
    plausible date refuses the request (422 naming the field), alone or in a batch; nothing is stored."""
    assert_refused(send(staff, policy), status=(400, 422))
    response = send(staff, {"policies": [row("TL2024000009"), policy]})
    error = assert_refused(response, status=(400, 422))
    if response.status_code == 422:  # 400: refused by the JSON parser before any schema (control characters)
        assert error["field"].startswith("policies[1]"), error
    assert nothing_stored()


RAW_BODIES = {
    "a lone surrogate": '{"policy_number": "TL2024000001", "plate": "\\ud800"}',
    "a lone surrogate in a key": '{"\\udc00": "x"}',
    "NUL escaped in JSON": '{"policies": [{"policy_number": "TL\\u00002024"}]}',
    "JSON nested 50,000 deep": "[" * 50_000 + "]" * 50_000,
    "objects nested 50,000 deep": '{"a":' * 50_000 + "1" + "}" * 50_000,
    "not JSON": "{policy_number: 1",
    "not UTF-8": b"\xff\xfe{}",
    "a number": "5",
    "a list": "[]",
    "no policies": '{"policies": []}',
    "policies that are not objects": '{"policies": [1, 2]}',
}


@pytest.mark.parametrize("body", RAW_BODIES.values(), ids=RAW_BODIES.keys())
def test_a_body_that_is_not_a_policy_document_is_refused(staff, body):
    """Issue 12, finding 7 (B9): the JSON itself is unacceptable: 400 or 422 with the error body, nothing stored."""
    assert_refused(send(staff, body))
    assert nothing_stored()


def test_too_many_rows_in_one_request_are_refused(staff):
    """Issue 12, finding 7 (B9)."""
    short = {"branch": "621200", "cover_type": "ctpl", "plate": "甘K12345", "start": "2024-01-01", "end": "2024-12-31"}
    batch = {"policies": [{"policy_number": f"TL{index:010d}", **short} for index in range(10_001)]}
    assert_refused(send(staff, batch), status=422)
    assert nothing_stored()


def test_a_body_larger_than_the_server_takes_is_a_413(staff, settings):
    """Issue 12, finding 7 (B9): it was a 500 on every API route."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 200_000
    batch = {"policies": [row(f"TL{index:010d}") for index in range(1_000)]}
    error = assert_refused(send(staff, batch), status=413)
    assert error["code"] == "too_large"
    assert nothing_stored()


def test_a_full_batch_of_ten_thousand_rows_fits_the_body_limit(staff, settings):
    """The cap on rows per request (10,000) is reachable: the body limit is set above such a batch."""
    import json

    from claimbridge.policies.api import MAX_ROWS_PER_REQUEST

    body = json.dumps(
        {"policies": [row(f"TL{index:010d}") for index in range(MAX_ROWS_PER_REQUEST)]}, ensure_ascii=False
    )
    assert len(body.encode()) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_a_nul_in_the_body_is_named_as_such(staff):
    """Issue 12, finding 7 (B9)."""
    error = assert_refused(send(staff, row("TL2024000001", holder_name="张\x00三")), status=400)
    assert error["code"] == "bad_characters"


def test_an_idempotency_key_that_cannot_be_one_is_refused(staff):
    """Issue 12, finding 7: a key longer than the store keeps was cut silently, so two keys could meet."""
    assert_refused(send(staff, row("TL2024000001"), HTTP_IDEMPOTENCY_KEY="k" * 200), status=422)
    assert_refused(send(staff, row("TL2024000001"), HTTP_IDEMPOTENCY_KEY="clé"), status=422)
    assert nothing_stored()


def test_the_same_idempotency_key_with_another_body_is_refused(staff):
    """Issue 12, finding 6/7: a key names one request; a different body with it is a mistake, not a retry."""
    assert send(staff, row("TL2024000001"), HTTP_IDEMPOTENCY_KEY="load-1").status_code == 201
    again = send(staff, row("TL2024000001"), HTTP_IDEMPOTENCY_KEY="load-1")
    assert again.status_code == 200
    error = assert_refused(send(staff, row("TL2024000002"), HTTP_IDEMPOTENCY_KEY="load-1"), status=422)
    assert error["code"] == "idempotency_key_reused"
    assert list(Policy.objects.values_list("policy_number", flat=True)) == ["TL2024000001"]


def test_a_batch_cut_off_midway_leaves_nothing_and_its_retry_loads_it_whole(staff, monkeypatch):
    """Issue 19 (B8, B9): the rehearsal killed a server between the load's record and its rows; the record stayed
    RUNNING and the retry under the same key was answered "done" with nothing loaded. The record and the rows commit
    together now: a load cut off leaves nothing, and its retry loads every row."""
    from claimbridge.policies import services

    real = services.policy_rows_load

    def killed(**kwargs):
        raise RuntimeError("SIGKILL")

    monkeypatch.setattr(services, "policy_rows_load", killed)
    batch = {"policies": [row("TL2024000001"), row("TL2024000002", plate="甘K12346", vin="")]}
    assert send(staff, batch, HTTP_IDEMPOTENCY_KEY="load-cut").status_code == 500
    assert nothing_stored()
    monkeypatch.setattr(services, "policy_rows_load", real)
    retried = send(staff, batch, HTTP_IDEMPOTENCY_KEY="load-cut")
    assert retried.status_code == 201, retried.content
    assert sorted(Policy.objects.values_list("policy_number", flat=True)) == ["TL2024000001", "TL2024000002"]
    assert send(staff, batch, HTTP_IDEMPOTENCY_KEY="load-cut").status_code == 200


def test_rows_that_fit_but_fail_a_check_are_still_reported_per_row(staff):
    """The register's contract is unchanged for values that fit: a bad plate is one rejected row, with its reason."""
    response = send(staff, {"policies": [row("TL2024000001"), row("TL2024000002", plate="甘E12O45")]})
    assert response.status_code == 201
    assert (response.json()["created"], response.json()["rejected"]) == (1, 1)
    assert response.json()["errors"][0]["code"] == "bad_plate"


LOOKUPS = {
    "a plate longer than any plate": "plate=" + "甘" * 21,
    "a VIN of 18 characters": "vin=LSVAM4187C21848470",
    "the year 1 at an absurd offset": "plate=甘K12345&at=0001-01-01T00:00:00%2B23:59",
    "the year 9999 at an absurd offset": "plate=甘K12345&at=9999-12-31T23:59:59-23:59",
    "the year 1 without a zone": "plate=甘K12345&at=0001-01-01T00:00:00",
    "not a time": "plate=甘K12345&at=yesterday",
    "nothing asked": "plate=&vin=",
}


@pytest.mark.parametrize("query", LOOKUPS.values(), ids=LOOKUPS.keys())
def test_a_lookup_that_cannot_be_answered_is_a_422(staff, query):
    """Issue 12, finding 7 (B9): the instant or the vehicle cannot be asked about; nothing is recorded."""
    assert_refused(staff.get(f"/api/v1/policies/lookup?{query}", secure=True), status=422)
    assert not PolicyLookup.objects.exists()


@pytest.mark.parametrize("query", ["plate=%00", "vin=LSV%00", "plate=%E7%94%98%07K12345", "at=%ED%A0%80"])
def test_control_characters_and_broken_unicode_in_a_lookup_are_refused(staff, query):
    """Issue 12, finding 7 (B9): control characters are refused before any view (400, core/middleware.py); broken
    UTF-8 arrives as replacement characters and is no time (422)."""
    assert_refused(staff.get(f"/api/v1/policies/lookup?{query}", secure=True), status=(400, 422))
    assert staff.get(f"/policies/lookup/?{query}", secure=True).status_code in (400, 422)
    assert not PolicyLookup.objects.exists()


@pytest.mark.parametrize("query", ["plate=%ff%fe", "plate=" + "%E2%80%8B" * 5, "plate=<script>", "vin=' OR 1=1 --"])
def test_odd_plates_read_as_vehicles_the_register_does_not_know(staff, query):
    """Issue 12, finding 7: not a 500; an odd value that fits is simply a vehicle without cover."""
    response = staff.get(f"/api/v1/policies/lookup?{query}", secure=True)
    assert (response.status_code, response.json()) == (200, [])


@pytest.mark.parametrize("at", ["0001-01-01T00:00", "9999-12-31T23:59", "1979-12-31T23:59"])
def test_the_lookup_page_explains_an_implausible_instant_next_to_the_field(staff, at):
    """Issue 12, finding 7: the page answered 500 for the year 1."""
    response = staff.get(f"/policies/lookup/?plate=甘K12345&at={at}", secure=True)
    assert response.status_code == 422
    assert 'id="id_at_error"' in response.content.decode() or "1980" in response.content.decode()
    assert not PolicyLookup.objects.exists()


def test_a_load_id_beyond_any_integer_is_a_404(staff):
    """Issue 12, finding 7."""
    response = staff.get("/api/v1/policies/loads/99999999999999999999999", secure=True)
    assert_refused(response, status=(404, 422))
    assert staff.get("/policies/loads/99999999999999999999999/", secure=True).status_code == 404


UPLOAD = (
    "policy_number,branch,cover_type,plate,start,end,limit,vehicle_type,holder_name\n"
    "TL2025000001,621200,ctpl,甘K11111,2025-01-01,9999-12-31,,,\n"
    "TL2025000002,621200,third_party,甘K11112,2025-01-01,2025-12-31,12345678901234567890,,\n"
    "TL2025000003,621200,ctpl,甘K11113,2025-01-01,2025-12-31,,轿\x00车,\n"
    "TL2025000004,621200,ctpl,甘K11114,0001-01-01,2025-12-31,,,\n"
    f"TL2025000005,621200,ctpl,甘K11115,2025-01-01,2025-12-31,,{'轿' * 41},\n"
    f"TL2025000006,621200,ctpl,甘K11116,2025-01-01,2025-12-31,,,{'张' * 101}\n"
    "TL2025000007,621200,third_party,甘K11117,2025-01-01,2025-12-31,20000000.01,,\n"
    "TL2025000008,621200,ctpl,甘K11118,2025-01-01,2025-12-31,,,\n"
)


def test_an_uploaded_file_with_bad_cells_reports_each_row_and_loads_the_good_one(staff):
    """Issue 12, finding 7: a cell with the year 9999 failed the whole load (and on PostgreSQL a NUL or a 20-digit
    limit would); now each such row is rejected with its reason and the rest loads."""
    response = staff.post("/policies/", {"file": SimpleUploadedFile("p.csv", UPLOAD.encode())}, secure=True)
    assert response.status_code == 302
    load = PolicyLoad.objects.get()
    assert load.status == "done", load.errors
    assert (load.rows_created, load.rows_rejected) == (1, 7)
    reasons = {(error["row"], error["field"], error["code"]) for error in load.errors}
    assert reasons == {
        (2, "end", "bad_date"),
        (3, "limit", "bad_limit"),
        (4, "vehicle_type", "bad_characters"),
        (5, "start", "bad_date"),
        (6, "vehicle_type", "too_long"),
        (7, "holder_name", "too_long"),
        (8, "limit", "bad_limit"),
    }
    assert list(Policy.objects.values_list("policy_number", flat=True)) == ["TL2025000008"]
