"""Errors the user can read: a machine-readable code and the message in Chinese and in English."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language, override


def reading_english() -> bool:
    """Whether the current request reads English (zh-hans is the default and everything else)."""
    return (get_language() or "").startswith("en")


def in_current_language(zh: str, en: str) -> str:
    """Of a message already in both languages, the one the reader reads."""
    return en if reading_english() else zh


def bilingual(message: str | Promise, **params: Any) -> dict[str, str]:
    """Render a lazily translated message in both languages."""
    rendered: dict[str, str] = {}
    for key, language in (("zh", "zh-hans"), ("en", "en")):
        with override(language):
            text = str(message)
            rendered[key] = text % params if params else text
    return rendered


def error_body(code: str, message: str | Promise, **params: Any) -> dict[str, Any]:
    texts = bilingual(message, **params)
    current = "en" if reading_english() else "zh"
    return {"error": {"code": code, "message": texts[current], **texts}}
