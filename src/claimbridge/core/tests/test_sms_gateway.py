"""The HTTP text-message gateway (issue 19: the rehearsal's drivers receive their codes through it; R2)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from claimbridge.core.sms import HttpSmsBackend


@pytest.fixture
def gateway():
    received: list[dict[str, Any]] = []
    answer = {"status": 202}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"auth": self.headers.get("Authorization"), "body": json.loads(body),
                             "type": self.headers.get("Content-Type")})  # fmt: skip
            self.send_response(answer["status"])
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/sms", received, answer
    server.shutdown()


def test_a_text_is_posted_as_json_with_the_token(gateway, settings):
    url, received, _ = gateway
    settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN = url, "gateway-token"
    HttpSmsBackend().send("13712345678", "您的验证码是 123456")
    assert received == [{"auth": "Bearer gateway-token", "body": {"phone": "13712345678", "text": "您的验证码是 123456"},
                         "type": "application/json; charset=utf-8"}]  # fmt: skip


def test_a_refusal_raises_without_the_whole_number(gateway, settings):
    url, _, answer = gateway
    settings.SMS_GATEWAY_URL = url
    answer["status"] = 503
    with pytest.raises(OSError, match="503") as raised:  # urllib.error.HTTPError
        HttpSmsBackend().send("13712345678", "code")
    assert "13712345678" not in str(raised.value)


def test_no_url_is_a_configuration_error(settings):
    settings.SMS_GATEWAY_URL = ""
    with pytest.raises(RuntimeError, match="SMS_GATEWAY_URL"):
        HttpSmsBackend().send("13712345678", "code")
