"""Reference numbers people read out on the phone: a prefix, the day in China, six random digits (ZX20261201-042917).
Random rather than sequential, so a number tells nobody how many others there are or guesses a neighbour's."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone


def daily_number(prefix: str, model: type[models.Model], field: str = "number") -> str:
    """A number of this shape not yet used by `model`. (The field's unique constraint catches the rare race.)"""
    day = timezone.localdate().strftime("%Y%m%d")
    while True:
        number = f"{prefix}{day}-{secrets.randbelow(1_000_000):06d}"
        if not model._default_manager.filter(**{field: number}).exists():
            return number
