"""Structured logs: one JSON object per line with the request's id, personal data masked, and one access line per
request that names the route pattern, never the path (issue 19 item 5; B8, B9, R19)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from django_tasks import task

from claimbridge.core.logging import REQUEST_ID, JsonFormatter, RequestIdFilter, valid_request_id

pytestmark = pytest.mark.django_db

PHONE, ID_NUMBER, ACCOUNT = "13912345678", "62120219800101123X", "6222021234567890123"


def _record(message: str, *args, extra: dict | None = None, exc_info=None) -> logging.LogRecord:
    record = logging.getLogger("claimbridge.test").makeRecord(
        "claimbridge.test", logging.WARNING, __file__, 1, message, args, exc_info, extra=extra
    )
    RequestIdFilter().filter(record)
    return record


def test_a_json_line_has_utc_time_level_logger_message_request_id_and_extras():
    """R19, B9: one object per line, the time in UTC (ISO 8601, Z), and the fields a collector indexes."""
    token = REQUEST_ID.set("req-123")
    try:
        record = _record("claim %s settled", "A", extra={"case_number": "620000-20250101-00001", "amount": 1200.5})
    finally:
        REQUEST_ID.reset(token)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "claimbridge.test"
    assert entry["message"] == "claim A settled"
    assert entry["request_id"] == "req-123"
    assert entry["case_number"] == "620000-20250101-00001"
    assert entry["amount"] == 1200.5
    assert entry["time"].endswith("Z")
    moment = datetime.fromisoformat(entry["time"].replace("Z", "+00:00"))
    assert moment.tzinfo == UTC
    assert abs((datetime.now(UTC) - moment).total_seconds()) < 60


def test_personal_data_is_masked_in_the_message_the_extras_and_the_traceback():
    """B8: a phone, an ID or a bank account number never reaches the log, wherever it is in the record: by content
    in the message, in every extra field (nested too) and in a traceback, and by name in fields called `phone`,
    `id_number`, `driver_name`…; an object is written as its type, never its text."""

    class Request:
        def __str__(self) -> str:
            return f"<WSGIRequest: GET '/me/?phone={PHONE}'>"

    try:
        raise ValueError(f"no policy for {ID_NUMBER}")
    except ValueError:
        exc_info = sys.exc_info()
    record = _record(
        "driver %s, card %s", PHONE, ID_NUMBER,
        extra={"phone": "139-1234-5678", "driver_name": "张三丰", "note": f"account {ACCOUNT}",
               "nested": {"parties": [{"mobile": PHONE}, f"call {PHONE}"]}, "request": Request()},
        exc_info=exc_info,
    )  # fmt: skip
    line = JsonFormatter().format(record)
    for secret in (PHONE, ID_NUMBER, ACCOUNT, "12345678", "张三丰", "19800101"):
        assert secret not in line
    entry = json.loads(line)
    assert entry["message"] == "driver 139****5678, card 621202********123X"
    assert entry["phone"] == "139****5678"
    assert entry["driver_name"] == "张**"
    assert entry["note"] == "account ****0123"
    assert entry["nested"] == {"parties": [{"mobile": "139****5678"}, "call 139****5678"]}
    assert entry["request"] == "<Request>"
    assert "ValueError: no policy for 621202********123X" in entry["exc_info"]


def test_only_a_plain_short_request_id_is_taken_from_outside():
    """B8: an incoming X-Request-ID goes into every log line and a header: at most 64 of [A-Za-z0-9-_.]."""
    assert valid_request_id("a" * 64)
    assert valid_request_id("3f2b-9c.x_1")
    for bad in ("", "a" * 65, "has space", "line\nbreak", "semi;colon", "中文", "a/b"):
        assert not valid_request_id(bad)


def test_the_request_id_is_honoured_or_made_and_sent_back(client):
    """B9: a proxy's id is kept; a bad or missing one is replaced by a fresh uuid4 (hex)."""
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="lb-42.abc_DEF")
    assert kept["X-Request-ID"] == "lb-42.abc_DEF"
    for incoming in ({}, {"HTTP_X_REQUEST_ID": "x" * 65}, {"HTTP_X_REQUEST_ID": "evil\r\nSet-Cookie: a=b"}):
        made = client.get("/healthz", **incoming)["X-Request-ID"]
        assert len(made) == 32
        int(made, 16)
    first, second = client.get("/healthz")["X-Request-ID"], client.get("/healthz")["X-Request-ID"]
    assert first != second
    assert REQUEST_ID.get() is None  # nothing left over once the request is answered


def test_one_access_line_per_request_with_the_route_pattern_never_the_path(client, caplog):
    """B8, R19: method, URL pattern, status, milliseconds and request id; the case number and the phone number in the
    path and the query string are not in it."""
    with caplog.at_level(logging.INFO, logger="claimbridge.access"):
        client.get(f"/cases/620000-20250101-00042/?phone={PHONE}", secure=True, HTTP_X_REQUEST_ID="trace-1")
    lines = [record for record in caplog.records if record.name == "claimbridge.access"]
    assert len(lines) == 1
    line = lines[0]
    assert line.method == "GET"
    assert line.route == "/cases/<str:number>/"
    assert line.status == 302  # anonymous: to the login page
    assert isinstance(line.ms, float)
    assert line.request_id == "trace-1"
    text = JsonFormatter().format(line)
    assert "00042" not in text
    assert PHONE not in text
    assert json.loads(text)["message"].startswith("GET /cases/<str:number>/ 302 ")


def test_the_access_log_can_be_turned_off(client, caplog, settings):
    """R19: ACCESS_LOG=0 leaves the access lines to the proxy in front."""
    settings.ACCESS_LOG = False
    with caplog.at_level(logging.INFO, logger="claimbridge.access"):
        client.get("/healthz")
    assert not [record for record in caplog.records if record.name == "claimbridge.access"]


SEEN: list[str | None] = []


@task()
def remember_request_id() -> None:
    SEEN.append(REQUEST_ID.get())


def test_a_task_run_in_a_request_keeps_the_requests_id():
    """B9: a task run inside a request (the immediate backend) writes the request's id, which stays set after it."""
    SEEN.clear()
    token = REQUEST_ID.set("req-9")
    try:
        remember_request_id.enqueue()
        assert REQUEST_ID.get() == "req-9"
    finally:
        REQUEST_ID.reset(token)
    assert SEEN == ["req-9"]


def test_a_task_worker_writes_the_tasks_id():
    """B9: outside a request, the lines a task writes carry `task-<id>`; afterwards nothing is left set."""
    SEEN.clear()
    result = remember_request_id.enqueue()  # the test settings' immediate backend runs it at once
    assert [f"task-{result.id}"] == SEEN
    assert REQUEST_ID.get() is None


def test_log_format_json_makes_every_line_a_masked_json_object(tmp_path):
    """B8, R19: with LOG_FORMAT=json the settings' handler writes JSON lines; the phone in the message is masked."""
    code = (
        "import django, logging\n"
        "django.setup()\n"
        "logging.getLogger('claimbridge.probe').warning('texted %s', '13912345678', extra={'case_number': 'N1'})\n"
    )
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "tests.settings",
           "PYTHONPATH": os.pathsep.join(sys.path), "CLAIMBRIDGE_VAR_DIR": str(tmp_path)}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    probe = [line for line in lines if line["logger"] == "claimbridge.probe"]
    assert len(probe) == 1
    assert probe[0]["message"] == "texted 139****5678"
    assert probe[0]["case_number"] == "N1"
    assert probe[0]["request_id"] is None
    assert PHONE not in done.stderr


def test_an_unknown_log_format_is_refused(tmp_path):
    """R19: a typo in LOG_FORMAT stops the start instead of logging in a format no collector reads."""
    env = {**os.environ, "LOG_FORMAT": "xml", "DJANGO_SETTINGS_MODULE": "tests.settings",
           "PYTHONPATH": os.pathsep.join(sys.path), "CLAIMBRIDGE_VAR_DIR": str(tmp_path)}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode != 0
    assert "LOG_FORMAT" in done.stderr
