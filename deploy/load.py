"""The rehearsal's traffic (`make rehearse`): what the two cities send the platform, spread round-robin over the
application processes as a load balancer would, each failed attempt (no answer, a refused connection, a 5xx) tried
again on the next process under the same Idempotency-Key, as insurers' systems and the phones' outbox do.

Journeys, each in its own thread, chosen by weight:
- hotline: an insurer's hotline system reports a case (POST /api/v1/cases);
- drivers: an insurer loads the two vehicles' 交强险 policies, its hotline reports the accident, each driver proves
  their mobile with a text-message code, joins with the join code, enters their details, sends photos, says what
  happened, and both confirm: the 协议书 is made;
- upload: an adjuster's office opens an evidence file and sends photos into it, one of them as a resumable upload;
- staff: a claims unit reads its inbox and a case;
- policies: an insurer's head office loads a batch of policies.

Every 2xx answer to a create is written to the client log (one JSON per line) for the promises check.
"""

from __future__ import annotations

import http.client
import io
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from typing import Any

from claimbridge.privacy.notice import NOTICE_VERSION  # the notice the drivers agree to (pure: no Django)

COUNTIES = ["621202", "621221", "621222", "621223", "621224", "620502", "620503", "620521", "620522", "620523"]
BRANCH = {"tianlong": "620500", "maiji": "620500", "fuxi": "621200", "bailong": "621200"}
INSURERS = list(BRANCH)
BOTH_CITIES = ["tianlong", "maiji", "fuxi"]  # the demo's insurers with offices in both cities (bailong: Longnan only)
SERIAL = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
WEIGHTS = {"hotline": 4, "drivers": 3, "upload": 2, "staff": 4, "policies": 1}


class Failed(Exception):
    """A request refused for good (a 4xx) or never answered after every retry."""


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[float] = field(default_factory=list)  # each logical request, retries included
    attempts: int = 0
    transient: int = 0  # attempts answered by no one, by a 5xx, or cut off
    errors: list[str] = field(default_factory=list)  # logical requests that failed for good
    creates: int = 0
    journeys: dict[str, dict[str, float]] = field(default_factory=dict)


class Client:
    """One user agent: its own cookies; requests spread over the nodes round-robin."""

    def __init__(self, nodes: list[int], stats: Stats, log: Any, rng: random.Random, address: str) -> None:
        self.nodes, self.stats, self.log, self.rng = nodes, stats, log, rng
        self.cookies: dict[str, str] = {}
        self.address = address  # what the load balancer saw: X-Forwarded-For (PROXY_COUNT=1)
        self.turn = rng.randrange(len(nodes))

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str] | None = None,
                ok: tuple[int, ...] = (200, 201, 202), retries: int = 12) -> tuple[int, Any]:  # fmt: skip
        headers = {"Host": "127.0.0.1", "X-Forwarded-For": self.address, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if "csrftoken" in self.cookies and method != "GET":
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        started = time.perf_counter()
        last = ""
        for attempt in range(retries):
            port = self.nodes[self.turn % len(self.nodes)]
            self.turn += 1
            with self.stats.lock:
                self.stats.attempts += 1
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                for header, value in response.getheaders():
                    if header.lower() == "set-cookie":
                        cookie: SimpleCookie = SimpleCookie()
                        cookie.load(value)
                        for name, morsel in cookie.items():
                            self.cookies[name] = morsel.value
                connection.close()
            except (OSError, http.client.HTTPException) as error:
                last = repr(error)[:120]
                with self.stats.lock:
                    self.stats.transient += 1
                time.sleep(min(2.0, 0.1 * 2**attempt))
                continue
            if response.status >= 500 or (response.status == 403 and b"csrf_failed" in payload):
                last = f"{response.status} {payload[:120]!r}"
                with self.stats.lock:
                    self.stats.transient += 1
                time.sleep(min(2.0, 0.1 * 2**attempt))
                continue
            elapsed = time.perf_counter() - started
            with self.stats.lock:
                self.stats.latencies.append(elapsed)
            if response.status not in ok:
                raise Failed(f"{method} {path.split('?')[0]} → {response.status} {payload[:160]!r}")
            kind = response.getheader("Content-Type", "")
            return response.status, json.loads(payload) if "json" in kind and payload else payload
        raise Failed(f"{method} {path.split('?')[0]}: no answer after {retries} attempts ({last})")

    def json(self, method: str, path: str, body: object, token: str | None = None, key: bool = False,
             **kwargs: Any) -> tuple[int, Any]:  # fmt: skip
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if key:
            headers["Idempotency-Key"] = uuid.UUID(int=self.rng.getrandbits(128)).hex
        return self.request(method, path, body=json.dumps(body, ensure_ascii=False).encode(), headers=headers, **kwargs)

    def record(self, entry: dict[str, Any]) -> None:
        with self.stats.lock:
            self.log.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.log.flush()
            self.stats.creates += 1


def plate(rng: random.Random) -> str:
    return "甘" + rng.choice("EK") + "".join(rng.choice(SERIAL) for _ in range(5))


def id_number(rng: random.Random) -> str:
    """A resident ID number with its check digit (GB 11643)."""
    born = datetime(1970, 1, 1) + timedelta(days=rng.randrange(30 * 365))
    body = f"620502{born:%Y%m%d}{rng.randrange(1000):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def photo(rng: random.Random, size: tuple[int, int] = (640, 480)) -> bytes:
    """A JPEG of its own: overlapping shapes of random colours with sensor-like noise, as unlike one another as two
    cars' photos are (a gradient with noise, the first try, gave perceptual hashes within the reuse radius of one
    another: every upload then went through the costly verification stage, which real photos rarely need)."""
    import numpy as np
    from PIL import Image, ImageDraw

    generator = np.random.default_rng(rng.getrandbits(32))
    image = Image.new("RGB", size, tuple(int(v) for v in generator.integers(0, 256, 3)))
    draw = ImageDraw.Draw(image)
    for _ in range(int(generator.integers(12, 30))):
        x0, y0 = int(generator.integers(0, size[0])), int(generator.integers(0, size[1]))
        x1, y1 = x0 + int(generator.integers(20, size[0] // 2)), y0 + int(generator.integers(20, size[1] // 2))
        colour = tuple(int(v) for v in generator.integers(0, 256, 3))
        (draw.rectangle if generator.random() < 0.5 else draw.ellipse)([x0, y0, x1, y1], fill=colour)
    pixels = np.asarray(image).astype("int16") + generator.integers(-12, 12, (size[1], size[0], 3))
    out = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype("uint8")).save(out, "JPEG", quality=85)
    return out.getvalue()


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data, mime) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {mime}\r\n\r\n".encode() + data + b"\r\n")  # fmt: skip
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def recent(rng: random.Random) -> str:
    return (datetime.now(UTC) - timedelta(minutes=rng.randint(20, 90))).isoformat()


def policy_rows(rng: random.Random, insurer: str, plates: list[str], third_party: bool = False) -> list[dict[str, Any]]:
    """A CTPL policy per plate, and with `third_party` a 商业三者险 as well (what 快处易赔 asks of both vehicles)."""
    today = datetime.now(UTC).date()
    covers: list[dict[str, Any]] = [{"cover_type": "ctpl"}]
    if third_party:
        covers.append({"cover_type": "third_party", "limit": "1000000.00"})
    return [{"policy_number": f"RH{insurer[:2].upper()}{rng.getrandbits(48):014d}", "branch": BRANCH[insurer],
             "plate": number, "vehicle_type": "small_car",
             "start": (today - timedelta(days=100)).isoformat(), "end": (today + timedelta(days=260)).isoformat(),
             "holder_name": "测试", "holder_phone": f"139{rng.randrange(10**8):08d}"} | cover
            for number in plates for cover in covers]  # fmt: skip


class Journeys:
    def __init__(self, setup: dict[str, Any], receiver: int) -> None:
        self.tokens = setup["tokens"]
        self.receiver = receiver

    def hotline(self, c: Client) -> None:
        insurer = c.rng.choice(INSURERS)
        body = {"county": c.rng.choice(COUNTIES), "accident_at": recent(c.rng),
                "parties": [{"label": label, "plate": plate(c.rng), "insurer": c.rng.choice(INSURERS)} for label in "AB"]}  # fmt: skip
        key = uuid.UUID(int=c.rng.getrandbits(128)).hex
        _, case = c.request("POST", "/api/v1/cases", body=json.dumps(body, ensure_ascii=False).encode(),
                            headers={"Content-Type": "application/json", "Idempotency-Key": key,
                                     "Authorization": f"Bearer {self.tokens[insurer]['unit1']}"})  # fmt: skip
        c.record({"kind": "case", "key": key, "number": case["number"]})

    def policies(self, c: Client, plates: list[str] | None = None, insurer: str | None = None) -> None:
        insurer = insurer or c.rng.choice(INSURERS)
        rows = policy_rows(c.rng, insurer, plates or [plate(c.rng) for _ in range(20)], third_party=bool(plates))
        _, load = c.json("POST", "/api/v1/policies", {"policies": rows}, token=self.tokens[insurer]["hq"], key=True)
        if load.get("rows_rejected"):
            raise Failed(f"policies rejected: {load.get('errors')}")
        c.record({"kind": "policies", "insurer": insurer, "policies": [row["policy_number"] for row in rows]})

    def staff(self, c: Client) -> None:
        token = self.tokens[c.rng.choice(INSURERS)]["unit1"]
        headers = {"Authorization": f"Bearer {token}"}
        _, inbox = c.request("GET", "/api/v1/cases?limit=20", headers=headers)
        cases = inbox.get("items") or inbox.get("cases") or []
        if cases:
            number = c.rng.choice(cases)["number"]
            c.request("GET", f"/api/v1/cases/{number}", headers=headers)

    def upload(self, c: Client) -> None:
        insurer = c.rng.choice(INSURERS)
        token = self.tokens[insurer]["unit1"]
        _, evidence = c.json("POST", "/api/v1/evidence/files", {"title": "现场", "accident_at": recent(c.rng),
                             "insurers": [insurer]}, token=token, key=True)  # fmt: skip
        reference = evidence["reference"]
        for slot in ("front_panorama", "collision_point"):
            data = photo(c.rng)
            body, kind = multipart({"slot": slot}, {"file": ("scene.jpg", data, "image/jpeg")})
            _, item = c.request("POST", f"/api/v1/evidence/files/{reference}/items", body=body, headers={
                "Content-Type": kind, "Authorization": f"Bearer {token}",
                "Idempotency-Key": uuid.UUID(int=c.rng.getrandbits(128)).hex})  # fmt: skip
            c.record({"kind": "photo", "item": item["id"]})
        # A larger photo sent in two parts (decision 0025), then filed.
        import hashlib

        data = photo(c.rng, (1600, 1200))
        auth = {"Authorization": f"Bearer {token}"}
        _, upload = c.json("POST", "/api/v1/uploads", {"length": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                           "filename": "large.jpg", "content_type": "image/jpeg"}, token=token, key=True)  # fmt: skip
        half = len(data) // 2
        for start, chunk in ((0, data[:half]), (half, data[half:])):
            c.request("PATCH", f"/api/v1/uploads/{upload['id']}", body=chunk, headers=auth | {
                "Content-Type": "application/offset+octet-stream", "Upload-Offset": str(start)}, ok=(200, 204, 409))  # fmt: skip
        body, kind = multipart({"slot": "rear_panorama", "upload": upload["id"]}, {})
        _, item = c.request("POST", f"/api/v1/evidence/files/{reference}/items", body=body, headers=auth | {
            "Content-Type": kind, "Idempotency-Key": uuid.UUID(int=c.rng.getrandbits(128)).hex})  # fmt: skip
        c.record({"kind": "photo", "item": item["id"]})

    def drivers(self, c: Client) -> None:
        insurer = c.rng.choice(BOTH_CITIES)  # 快处易赔 asks for an insurer with offices in both cities
        unit = self.tokens[insurer]["unit1"]
        plates = [plate(c.rng), plate(c.rng)]
        self.policies(c, plates, insurer)
        key = uuid.UUID(int=c.rng.getrandbits(128)).hex
        _, case = c.request("POST", "/api/v1/cases", body=json.dumps({"county": "621202", "accident_at": recent(c.rng),
                            "parties": []}).encode(), headers={"Content-Type": "application/json",
                            "Idempotency-Key": key, "Authorization": f"Bearer {unit}"})  # fmt: skip
        number = case["number"]
        c.record({"kind": "case", "key": key, "number": number})
        _, issued = c.json("POST", f"/api/v1/cases/{number}/join-code", {}, token=unit)
        join_code = issued["join_code"]
        phones = []
        for index, (name, part) in enumerate((("张三", "front"), ("李四", "rear"))):
            phone = Client(
                c.nodes,
                c.stats,
                c.log,
                random.Random(c.rng.getrandbits(64)),
                f"10.{c.rng.randrange(256)}.{c.rng.randrange(256)}.{c.rng.randrange(1, 255)}",
            )
            mobile = f"137{phone.rng.randrange(10**8):08d}"
            phone.request("GET", "/cases/join/")  # the join page: the CSRF cookie
            phone.json("POST", "/api/v1/phone/code", {"phone": mobile})
            sms = self.sms_code(mobile)
            _, joined = phone.json(
                "POST",
                "/api/v1/cases/join",
                {"join_code": join_code, "phone": mobile, "sms_code": sms, "consent_version": NOTICE_VERSION},
                key=True,
            )
            label = joined["party"]
            base = f"/api/v1/cases/{number}/me"
            phone.json("POST", f"{base}/details", {
                "driver_name": name, "driver_licence": id_number(phone.rng), "plate": plates[index],
                "vehicle_type": "small_car", "collision_part": part, "driver_licensed": True,
                "inspection_valid": True, "impairment_free": True})  # fmt: skip
            slots = ("front_panorama", "rear_panorama") if index == 0 else ("collision_point",)
            for slot in slots:
                body, kind = multipart({"slot": slot, "upload_key": uuid.UUID(int=phone.rng.getrandbits(128)).hex},
                                       {"file": ("p.jpg", photo(phone.rng), "image/jpeg")})  # fmt: skip
                phone.request("POST", f"/cases/{number}/me/photos/", body=body,
                              headers={"Content-Type": kind, "HX-Request": "true"})  # fmt: skip
            phones.append((phone, name, label))
        first = phones[0][0]
        base = f"/api/v1/cases/{number}/me"
        first.json("POST", f"{base}/facts", {
            "place": "江南大道 12 号", "weather": "sunny", "collision_form": "rear_end", "casualties": False,
            "other_property_damaged": False, "facility_damage": False, "non_motor_involved": False,
            "vehicles_drivable": True, "dangerous_goods": False, "facts_disputed": False,
            "intentional_suspected": False, "party_left_scene": False, "scene_difficult": False,
            "damage": "minor_exterior", "estimated_loss": "3000.00"})  # fmt: skip
        labels = [label for _, _, label in phones]
        first.json("POST", f"{base}/circumstances", {labels[0]: [1], labels[1]: []})
        state = ""
        for phone, name, _ in phones:
            try:
                _, mine = phone.json("POST", f"{base}/confirm", {"typed_name": name, "consent": True})
            except Failed as refused:
                _, seen = phone.request("GET", base)
                judged = (seen.get("assessment") or {}).get("eligibility") or {}
                failed = [c.get("code") for c in judged.get("conditions", []) if not c.get("passed")]
                raise Failed(f"{str(refused)[:90]}; conditions failed: {failed}") from None
            state = mine["state"]
        if state != "agreed":
            raise Failed(f"case {number} ended {state}, not agreed: {mine.get('assessment')}")
        c.record({"kind": "agreed", "number": number})

    def sms_code(self, mobile: str) -> str:
        import re

        for _ in range(50):
            connection = http.client.HTTPConnection("127.0.0.1", self.receiver, timeout=5)
            connection.request("GET", f"/sms/{mobile}")
            texts = json.loads(connection.getresponse().read())
            connection.close()
            if texts:
                found = re.search(r"\b(\d{6})\b", texts[-1])
                if found:
                    return found.group(1)
            time.sleep(0.1)
        raise Failed(f"no text message reached {mobile[:3]}****")


def run(nodes: list[int], setup: dict[str, Any], receiver: int, seconds: float, threads: int, log_path: str,
        seed: int) -> dict[str, Any]:  # fmt: skip
    stats = Stats()
    journeys = Journeys(setup, receiver)
    deadline = time.monotonic() + seconds
    kinds = list(WEIGHTS)
    with open(log_path, "a", encoding="utf-8") as log:

        def user(index: int) -> None:
            rng = random.Random(seed * 1000 + index)
            while time.monotonic() < deadline:
                kind = rng.choices(kinds, weights=[WEIGHTS[k] for k in kinds])[0]
                client = Client(
                    nodes, stats, log, random.Random(rng.getrandbits(64)), f"10.9.{index}.{rng.randrange(1, 255)}"
                )
                started = time.perf_counter()
                try:
                    getattr(journeys, kind)(client)
                    outcome = "ok"
                except Failed as failure:
                    outcome = "failed"
                    with stats.lock:
                        stats.errors.append(f"{kind}: {failure}")
                with stats.lock:
                    entry = stats.journeys.setdefault(kind, {"ok": 0, "failed": 0, "seconds": 0.0})
                    entry[outcome] += 1
                    entry["seconds"] += time.perf_counter() - started

        pool = [threading.Thread(target=user, args=(index,), daemon=True) for index in range(threads)]
        started = time.perf_counter()
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        elapsed = time.perf_counter() - started
    latencies = sorted(stats.latencies)
    return {
        "elapsed_s": round(elapsed, 1), "requests": stats.attempts, "answered": len(latencies),
        "transient": stats.transient, "errors": len(stats.errors), "error_examples": stats.errors[:10],
        "creates": stats.creates, "creates_per_s": round(stats.creates / elapsed, 2),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1) if latencies else None,
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 1) if latencies else None,
        "journeys": stats.journeys,
    }  # fmt: skip


def yardstick(nodes: list[int], seconds: float, threads: int) -> dict[str, Any]:
    """The same machine's ceiling in the same run: `GET /healthz` (no database, no session) round-robin over the
    nodes from as many threads as the load uses. Noisy shared machines make absolute figures drift; the ratio of the
    load's rate to this one holds better (the brief's yardstick)."""
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    lock = threading.Lock()

    def hammer(index: int) -> None:
        turn = index
        connections: dict[int, http.client.HTTPConnection] = {}
        while time.monotonic() < deadline:
            port = nodes[turn % len(nodes)]
            turn += 1
            connection = connections.get(port) or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connections[port] = connection
            started = time.perf_counter()
            try:
                connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
                connection.getresponse().read()
            except OSError:
                connections.pop(port).close()
                continue
            with lock:
                latencies.append(time.perf_counter() - started)

    pool = [threading.Thread(target=hammer, args=(index,), daemon=True) for index in range(threads)]
    began = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {"healthz_per_s": round(len(latencies) / elapsed, 1),
            "p50_ms": round(latencies[len(latencies) // 2] * 1000, 2) if latencies else None}  # fmt: skip
