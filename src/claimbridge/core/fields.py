"""Model fields that keep personal data encrypted in the database."""

from __future__ import annotations

from typing import Any

from django.db import models

from claimbridge.core import crypto


class EncryptedTextField(models.TextField):
    """A text column stored as a Fernet token; reads give back the clear text.

    Encrypted values cannot be searched or ordered by the database: pair the field with a blind index
    (`crypto.blind_index`) where lookups are needed.
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))
