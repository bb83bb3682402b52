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
