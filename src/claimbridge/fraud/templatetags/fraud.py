"""`{{ text|bi }}`: a kernel Text (zh, en) in the reader's language; `{{ code|state_text }}` a clue state's name."""

from __future__ import annotations

from typing import Any

from django import template

from claimbridge.core.errors import in_current_language
from claimbridge.fraud.flow import STATES

register = template.Library()


@register.filter
def bi(text: Any) -> str:
    return in_current_language(text.zh, text.en) if text is not None else ""


@register.filter
def state_text(code: str) -> str:
    text = STATES.get(code)
    return in_current_language(text.zh, text.en) if text else code


@register.filter
def action_text(code: str) -> str:
    from claimbridge.fraud.flow import ACTION_NAMES

    text = ACTION_NAMES.get(code)
    return in_current_language(text.zh, text.en) if text else code


@register.filter
def event_text(code: str) -> str:
    from claimbridge.fraud.flow import ACTION_NAMES
    from claimbridge.fraud.vocabulary import EVENT_NAMES

    text = EVENT_NAMES.get(code) or ACTION_NAMES.get(code)
    return in_current_language(text.zh, text.en) if text else code


@register.filter
def involvement_text(code: str) -> str:
    from claimbridge.fraud.vocabulary import INVOLVEMENT_KINDS

    text = INVOLVEMENT_KINDS.get(code)
    return in_current_language(text.zh, text.en) if text else code


@register.filter
def urgency_text(code: str) -> str:
    from claimbridge.fraud.vocabulary import URGENCIES, text_of

    return bi(text_of(URGENCIES, code))


@register.filter
def place_kind_text(code: str) -> str:
    from claimbridge.fraud.vocabulary import PLACE_KINDS, text_of

    return bi(text_of(PLACE_KINDS, code))


@register.filter
def involvement_what(reason: dict[str, str]) -> str:
    """A routing reason's object: a party label, a plate, or a person's role (in words)."""
    from claimbridge.fraud.vocabulary import PERSON_ROLES, text_of

    what = reason.get("what", "")
    if reason.get("kind") == "person":
        return bi(text_of(PERSON_ROLES, what))
    return party_label(what)


@register.filter
def party_label(what: str) -> str:
    """A case party's label in words ("A" → "A 方" / "party A"); a plate or anything else as it is."""
    from claimbridge.evidence.slots import PARTIES

    return in_current_language(f"{what} 方", f"party {what}") if what in PARTIES else what


@register.filter
def percent(ratio: Any) -> str:
    """A ratio as a percentage: 0.0500 → 5 %."""
    from decimal import Decimal

    return f"{(Decimal(ratio) * 100).normalize():f} %"


@register.filter
def reasons_for(form: Any, action: str) -> list[Any]:
    return list(form.reasons_for(action))


@register.filter
def on_the_desk(actions: list[str]) -> list[str]:
    """The actions drawn in "what you can do" (an insurer answers a request beside the request itself)."""
    return [action for action in actions if action != "answer_request"]
