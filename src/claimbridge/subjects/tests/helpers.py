"""What the subjects' tests share."""

from __future__ import annotations

from django.test import Client


def granted(phone: str) -> Client:
    """A client that has proved `phone` through the API (the demo's one-time code)."""
    from tests.world import sms_code_for

    client = Client()
    answer = client.post("/api/v1/subjects/proof", {"phone": phone, "sms_code": sms_code_for(phone)},
                         content_type="application/json", secure=True)  # fmt: skip
    assert answer.status_code == 200, answer.content
    return client
