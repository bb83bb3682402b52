"""The outside world of the rehearsal (`make rehearse`): the insurers' webhook receivers and the carriers' SMS gateway,
one threaded HTTP server.

    POST /hooks/<insurer>   a webhook delivery: the signature is checked with the endpoint's secret, the delivery id
                            recorded (a repeated id is answered 200 and counted as a repeat, as a receiver must);
                            one delivery in FAIL_EVERY is answered 503 first, so retries are rehearsed too
    POST /sms               a text message {"phone", "text"}: kept, newest last
    GET  /sms/<phone>       the texts sent to that phone, as JSON
    GET  /hooks             what each endpoint received: {insurer: {delivery id: times}}

Run: python deploy/receiver.py PORT SECRETS_JSON   (SECRETS_JSON maps insurer code to signing secret)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import threading
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAIL_EVERY = 20  # every 20th first delivery is refused once with 503


class State:
    def __init__(self, secrets: dict[str, str]) -> None:
        self.secrets = secrets
        self.lock = threading.Lock()
        self.received: dict[str, dict[str, int]] = defaultdict(dict)
        self.bad_signatures = 0
        self.refused_once: set[tuple[str, str]] = set()
        self.first_seen = 0
        self.texts: dict[str, list[str]] = defaultdict(list)


STATE: State


def signed(secret: str, header: str, body: bytes) -> bool:
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    expected = hmac.new(secret.encode(), f"{parts.get('t', '')}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        return

    def answer(self, status: int, body: object) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/hooks":
            with STATE.lock:
                self.answer(200, {"received": STATE.received, "bad_signatures": STATE.bad_signatures})
        elif self.path.startswith("/sms/"):
            with STATE.lock:
                self.answer(200, STATE.texts.get(self.path.removeprefix("/sms/"), []))
        else:
            self.answer(404, {})

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/sms":
            message = json.loads(body)
            with STATE.lock:
                STATE.texts[message["phone"]].append(message["text"])
            self.answer(202, {"accepted": True})
            return
        insurer = self.path.removeprefix("/hooks/")
        secret = STATE.secrets.get(insurer)
        if secret is None:
            self.answer(404, {})
            return
        if not signed(secret, self.headers.get("X-ClaimBridge-Signature", ""), body):
            with STATE.lock:
                STATE.bad_signatures += 1
            self.answer(401, {})
            return
        delivery = self.headers.get("X-ClaimBridge-Delivery", "")
        with STATE.lock:
            seen = STATE.received[insurer]
            if delivery not in seen and (insurer, delivery) not in STATE.refused_once:
                STATE.first_seen += 1
                if STATE.first_seen % FAIL_EVERY == 0:
                    STATE.refused_once.add((insurer, delivery))
                    refuse = True
                else:
                    refuse = False
            else:
                refuse = False
            if not refuse:
                seen[delivery] = seen.get(delivery, 0) + 1
        self.answer(503 if refuse else 200, {})


def main() -> None:
    global STATE
    port, secrets_file = int(sys.argv[1]), sys.argv[2]
    with open(secrets_file, encoding="utf-8") as handle:
        STATE = State(json.load(handle))
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print(f"receiver on {port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
