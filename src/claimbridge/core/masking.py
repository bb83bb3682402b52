"""Masking of personal data for display, logs and exports (B8). Pure functions, no Django."""

from __future__ import annotations

import re

_MASK = "*"


def mask_name(name: str) -> str:
    """张三丰 → 张**; Zhang San → Z********. Keeps the first character so people can still be told apart."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + _MASK * max(len(name) - 1, 1)


def mask_phone(phone: str) -> str:
    """13912345678 → 139****5678; other lengths keep at most the last four digits."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) <= 4:
        return _MASK * len(digits)
    return _MASK * (len(digits) - 4) + digits[-4:]


def mask_id_number(id_number: str) -> str:
    """62120219800101123X → 621202********123X: region and the last four stay, the birth date never shows."""
    value = id_number.strip().upper()
    if len(value) <= 8:
        return _MASK * len(value)
    return value[:6] + _MASK * (len(value) - 10) + value[-4:]


def mask_bank_account(account: str) -> str:
    """6222 0212 3456 7890 123 → ****0123: the last four digits only, the same width whatever the account's length
    (an account's length hints at its bank)."""
    digits = re.sub(r"\D", "", account)
    if not digits:
        return ""
    return _MASK * 4 + (digits[-4:] if len(digits) > 4 else "")


# Patterns for redacting free text (log lines): mainland mobile numbers, 18-character resident ID numbers, and bank
# card and account numbers (a run of 16 to 30 digits, longer than any mobile or timestamp in milliseconds).
_PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")
_ACCOUNT_RE = re.compile(r"(?<!\d)\d{12,26}(\d{4})(?!\d)")


def redact_text(text: str) -> str:
    """Mask every phone number, ID number and bank account number that appears in a piece of free text."""
    text = _ID_RE.sub(lambda m: m.group(1) + _MASK * 8 + m.group(3), text)
    text = _ACCOUNT_RE.sub(lambda m: _MASK * 4 + m.group(1), text)
    return _PHONE_RE.sub(lambda m: m.group(1) + _MASK * 4 + m.group(3), text)
