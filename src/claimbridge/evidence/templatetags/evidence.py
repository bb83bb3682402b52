from __future__ import annotations

import secrets
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key, [])


@register.simple_tag
def upload_key() -> str:
    """A fresh key per form: a retried submission of the same form stores the file once."""
    return secrets.token_urlsafe(16)
