"""Consultation words in the reader's language (R13)."""

from __future__ import annotations

from typing import Any

from django import template

from claimbridge.consultations.flow import STATES
from claimbridge.consultations.vocabulary import CHANNELS, TOPICS
from claimbridge.core.errors import in_current_language, reading_english

register = template.Library()


def _said(vocabulary: dict[str, Any], code: str) -> str:
    text = vocabulary.get(code)
    return in_current_language(text.zh, text.en) if text else code


@register.simple_tag
def state_name(code: str) -> str:
    return _said(STATES, code)


@register.simple_tag
def topic_name(code: str) -> str:
    return _said(TOPICS, code)


@register.simple_tag
def channel_name(code: str) -> str:
    return _said(CHANNELS, code)


@register.simple_tag
def faq_text(entry: Any, part: str) -> str:
    """A FAQ entry's question or answer: English when the reader reads English and it was written, Chinese else."""
    english = getattr(entry, f"{part}_en", "")
    return english if reading_english() and english else getattr(entry, f"{part}_zh")


@register.simple_tag
def event_name(code: str) -> str:
    from claimbridge.consultations.flow import EVENT_NAMES

    return _said(EVENT_NAMES, code)
