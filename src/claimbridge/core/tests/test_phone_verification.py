"""One-time codes to a mobile number (B1): right code once, wrong codes counted, expiry and sending limits."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from claimbridge.core.errors import AppError
from claimbridge.core.phone_verification import (
    MAX_SENDS_PER_HOUR,
    MAX_TRIES,
    PhoneChallenge,
    challenge_send,
    challenge_verify,
)
from claimbridge.core.sms import MemorySmsBackend

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


@pytest.fixture(autouse=True)
def empty_outbox():
    MemorySmsBackend.outbox.clear()


def last_code() -> str:
    _phone, text = MemorySmsBackend.outbox[-1]
    found = re.search(r"\d{6}", text)
    assert found is not None
    return found.group(0)


def test_the_code_sent_verifies_once():
    challenge_send(PHONE)
    code = last_code()
    challenge_verify(PHONE, code)
    with pytest.raises(AppError):
        challenge_verify(PHONE, code)


def test_the_number_and_code_are_never_stored_in_clear():
    challenge_send("139 1234 5678")
    stored = PhoneChallenge.objects.get()
    assert PHONE not in stored.phone_index
    assert last_code() not in stored.code_hash


def test_wrong_codes_are_counted_and_then_refused():
    challenge_send(PHONE)
    for _ in range(MAX_TRIES):
        with pytest.raises(AppError) as caught:
            challenge_verify(PHONE, "000000" if last_code() != "000000" else "111111")
        assert caught.value.code == "wrong_code"
    with pytest.raises(AppError) as caught:
        challenge_verify(PHONE, last_code())
    assert caught.value.code == "too_many_tries"


def test_an_old_code_has_expired():
    challenge_send(PHONE)
    PhoneChallenge.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    with pytest.raises(AppError) as caught:
        challenge_verify(PHONE, last_code())
    assert caught.value.code == "code_expired"


def test_sending_is_limited_per_hour_and_numbers_are_checked():
    for _ in range(MAX_SENDS_PER_HOUR):
        challenge_send(PHONE)
    with pytest.raises(AppError):
        challenge_send(PHONE)
    with pytest.raises(AppError) as caught:
        challenge_send("12345")
    assert caught.value.code == "bad_phone"
