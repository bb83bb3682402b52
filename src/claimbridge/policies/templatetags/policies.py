from __future__ import annotations

from django import template

from claimbridge.core.errors import reading_english
from claimbridge.policies.tables import CHINESE_HEADERS

register = template.Library()


@register.filter
def column_label(column: str) -> str:
    """A column as the reader's export would head it: 号牌 in Chinese, plate in English."""
    if reading_english():
        return column
    return CHINESE_HEADERS.get(column, column)
