"""Personal data is encrypted at rest, masked when shown and kept out of logs (B8)."""

from __future__ import annotations

import logging

import pytest
from django.db import connection

from claimbridge.accounts.models import User, phone_blind_index
from claimbridge.core import crypto
from claimbridge.core.logging import MaskPersonalDataFilter
from claimbridge.core.masking import mask_bank_account, mask_id_number, mask_name, mask_phone, redact_text


@pytest.mark.django_db
def test_names_and_phones_are_not_stored_in_clear(users):
    user = users["tianlong_adj1"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, phone FROM accounts_user WHERE id = %s", [user.pk])
        stored_name, stored_phone = cursor.fetchone()
    assert user.full_name
    assert user.phone
    assert user.full_name not in stored_name
    assert user.phone not in stored_phone
    assert crypto.decrypt(stored_name) == user.full_name


@pytest.mark.django_db
def test_a_phone_number_is_found_through_its_blind_index(users):
    user = users["driver_ts"]
    assert User.objects.get(phone_index=phone_blind_index(user.phone)) == user
    assert User.objects.filter(phone_index=phone_blind_index("13999999999")).count() == 0


def test_keys_rotate_old_values_still_decrypt(settings):
    from cryptography.fernet import Fernet

    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    sealed = crypto.encrypt("张三")
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert crypto.decrypt(sealed) == "张三"
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed)


@pytest.mark.parametrize(
    ("value", "masked"),
    [("张三丰", "张**"), ("李四", "李*"), ("Zhang San", "Z********"), ("", "")],
)
def test_names_are_masked_keeping_the_first_character(value, masked):
    assert mask_name(value) == masked


def test_phones_and_id_numbers_are_masked():
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("139 1234 5678") == "139****5678"
    assert mask_phone("0939-8000001") == "*******0001"
    assert mask_id_number("34052419800101001X") == "340524********001X"


@pytest.mark.parametrize(
    ("account", "masked"),
    [("6222 0212 3456 7890 123", "****0123"), ("12345678", "****5678"), ("1" * 30, "****1111"), ("123", "****"),
     ("", "")],
)  # fmt: skip
def test_bank_accounts_are_masked_to_their_last_four_digits_at_one_width(account, masked):
    assert mask_bank_account(account) == masked


def test_log_lines_never_carry_a_bank_account():
    text = "paid to 6222021234567890123 at 1764633600123 for 13912345678"
    assert redact_text(text) == "paid to ****0123 at 1764633600123 for 139****5678"
    assert redact_text("account 1" + "0" * 29 + ".") == "account ****0000."


def test_log_lines_never_carry_a_phone_or_id_number():
    text = "caller 13912345678 gave id 34052419800101001X at 2024-06-01"
    assert redact_text(text) == "caller 139****5678 gave id 340524********001X at 2024-06-01"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "phone %s", ("13912345678",), None)
    assert MaskPersonalDataFilter().filter(record)
    assert record.getMessage() == "phone 139****5678"
