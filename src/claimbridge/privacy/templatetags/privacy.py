"""`{% consent_box form %}`: the short notice and the consent box, in the reader's language (PIPL art. 17)."""

from __future__ import annotations

from typing import Any

from django import template

from claimbridge.core.errors import reading_english
from claimbridge.privacy.notice import CONSENT_PREFIX, NOTICE_TITLE, NOTICE_VERSION, SHORT_NOTICE

register = template.Library()


@register.inclusion_tag("privacy/_consent_box.html")
def consent_box(form: Any, box: bool = True) -> dict[str, Any]:
    language = "en" if reading_english() else "zh"
    return {
        "paragraphs": [getattr(text, language) for text in SHORT_NOTICE],
        "prefix": getattr(CONSENT_PREFIX, language),
        "title": getattr(NOTICE_TITLE, language),
        "field": form["consent"] if box else None,
        "version": NOTICE_VERSION,
    }
