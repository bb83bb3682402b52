"""`{% in_language message %}`: of a message carried in both languages (a dict or an object with `zh` and `en`),
the one the reader reads."""

from __future__ import annotations

from typing import Any

from django import template

from claimbridge.core.errors import in_current_language

register = template.Library()


@register.simple_tag
def in_language(message: Any) -> str:
    if isinstance(message, dict):
        return in_current_language(message["zh"], message["en"])
    return in_current_language(message.zh, message.en)
