from __future__ import annotations

from django import template

from claimbridge.core.errors import reading_english
from claimbridge.policies.models import CoverType
from claimbridge.policies.tables import CHINESE_HEADERS

register = template.Library()


@register.filter
def column_label(column: str) -> str:
    """A column as the reader's export would head it: 号牌 in Chinese, plate in English."""
    if reading_english():
        return column
    return CHINESE_HEADERS.get(column, column)


@register.filter
def cover_type_label(code: str) -> str:
    """A cover's name for people (交强险, 商业三者险), never its code (issue 13: the lookup showed `ctpl`)."""
    labels = dict(CoverType.choices)
    return str(labels.get(code, code))
