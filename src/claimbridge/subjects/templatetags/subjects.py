"""Names of the personal data requests' codes in the reader's language (decision 0030)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext

from claimbridge.core.errors import in_current_language, reading_english
from claimbridge.rules.claim_flow import CLAIM_STATES
from claimbridge.subjects.flow import KINDS, STATES
from claimbridge.subjects.vocabulary import FIELDS, RECORD_NAMES

register = template.Library()


def _said(names: dict[str, Any], code: str) -> str:
    text = names.get(code)
    return in_current_language(text.zh, text.en) if text is not None else code


@register.simple_tag
def request_state_name(code: str) -> str:
    return _said(STATES, code)


@register.simple_tag
def kind_name(code: str) -> str:
    return _said(KINDS, code)


@register.simple_tag
def claim_state_name(code: str) -> str:
    return _said(CLAIM_STATES, code)


@register.simple_tag
def record_name(request: Any) -> str:
    name = _said(RECORD_NAMES, request.record_kind)
    return f"{name} {request.record_ref}".strip()


@register.simple_tag
def field_name(request: Any) -> str:
    return _said(FIELDS.get(request.record_kind, {}), request.field)


@register.simple_tag
def refusal_text(request: Any) -> str:
    return in_current_language(request.refusal_zh, request.refusal_en)


@register.simple_tag
def said(zh: str, en: str) -> str:
    """Of words already in both languages, the reader's."""
    return in_current_language(zh, en)


@register.filter
def overdue_days(days: int) -> int:
    return -int(days)


@register.simple_tag
def now_held(current: str) -> str:
    """（现为：王**） in Chinese, with full-width brackets and colon; (now: …) in English."""
    if reading_english():
        return format_html(" ({}: {})", gettext("now"), current)
    return format_html("（{}：{}）", gettext("now"), current)


@register.simple_tag
def retention_why(duty: Any) -> str:
    """The retention app's words for a duty, with the date it keeps the record until said once: marked where the
    words already name it, added after them where they do not."""
    why = in_current_language(duty.why_zh, duty.why_en)
    if duty.until is None:
        return conditional_escape(why)
    day = f"{duty.until:%Y-%m-%d}"
    strong = format_html('<strong data-testid="retention-until">{}</strong>', day)
    if day in why:
        before, _, after = why.partition(day)
        return format_html("{}{}{}", before, strong, after)
    return format_html("{} · {} {}", why, gettext("Kept until"), strong)
