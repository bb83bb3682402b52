"""Small lookups for the claim panels of the case page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_loss(losses: dict[str, str] | str, label: str) -> str:
    return losses.get(label, "") if isinstance(losses, dict) else ""


@register.filter
def get_name(names: dict[str, Any], action: str) -> Any:
    return names[action]


@register.filter
def yuan(value: Any) -> str:
    """1500 → 1,500.00 (the unit is in the sentence)."""
    from claimbridge.cases.timeline_words import yuan as said

    return said(value) if value is not None else ""
