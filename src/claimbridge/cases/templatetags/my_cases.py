"""How 我的案件 shows money: yuan with thousands separators and two places (1,500.00), as in the texts sent."""

from __future__ import annotations

from typing import Any

from django import template

from claimbridge.cases.services.notifications import yuan

register = template.Library()


@register.filter(name="yuan")
def yuan_filter(amount: Any) -> str:
    return yuan(amount)
