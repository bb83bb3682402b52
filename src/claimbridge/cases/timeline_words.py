"""The case's timeline in words (issue 13): each recorded event said as a handler would say it — "B 方确认协议",
"A 方理算 1,500.00 元", "A 方已立案" — from the event's data as this reader may see it (the registry's cut, B8).

Pure presentation: no queries. The caller passes the data already cut for the reader (`EventType.for_receiver`) and the
insurers' names; an amount the reader may not see is never in the data, so it is never in the words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from claimbridge.core.errors import in_current_language


def yuan(value: Any) -> str:
    """An amount as a handler reads it: 1,500.00 (the unit is in the sentence)."""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


def _party(data: Mapping[str, Any]) -> str:
    return str(data.get("party") or "")


def _text(texts: Mapping[str, Any], code: Any) -> str:
    text = texts.get(str(code))
    return in_current_language(text.zh, text.en) if text is not None else str(code or "")


def _created(data: Mapping[str, Any], _names: Mapping[str, str]) -> str:
    channel = data.get("channel")
    if channel == "adjuster":
        return _("Reported by an adjuster at the scene")
    if channel == "hotline":
        return _("Reported on the insurer's hotline")
    return _("Reported by a driver")


def _cover_found(data: Mapping[str, Any], names: Mapping[str, str]) -> str:
    insurer = names.get(str(data.get("insurer") or ""), "")
    if insurer:
        return _("Party %(party)s's cover confirmed by the policy register: %(insurer)s") % {
            "party": _party(data), "insurer": insurer}  # fmt: skip
    return _("Party %(party)s's cover confirmed by the policy register") % {"party": _party(data)}


def _photo(data: Mapping[str, Any], _names: Mapping[str, str]) -> str:
    from claimbridge.evidence.slots import SLOTS

    slot = next((str(s.name) for s in SLOTS if s.code == data.get("slot")), str(data.get("slot") or ""))
    if _party(data):
        return _("Party %(party)s sent a photo: %(slot)s") % {"party": _party(data), "slot": slot}
    return _("Photo added: %(slot)s") % {"slot": slot}


def _state(data: Mapping[str, Any], _names: Mapping[str, str]) -> str:
    from claimbridge.rules.case_flow import STATES

    target, action = data.get("to"), data.get("action")
    if action == "claims_closed":
        return _("Case closed: every claim on it is closed")
    if action in ("claim_reopened", "claim_reopened_police"):
        return _("A claim was reopened: the case is %(state)s again") % {"state": _text(STATES, target)}
    if target == "police" and data.get("reason") and data.get("reason") != "staff":
        reason = str(data["reason"])
        words = {"not_eligible": _("the accident does not qualify for a quick claim"),
                 "disagreement": _("the parties do not agree")}  # fmt: skip
        return _("Sent to the traffic police: %(reason)s") % {"state": _text(STATES, target),
                                                               "reason": words.get(reason, reason)}  # fmt: skip
    return _text(STATES, target)


def _handed_off(data: Mapping[str, Any], _names: Mapping[str, str]) -> str:
    from claimbridge.cases.models import Handoff

    reason = dict(Handoff.Reason.choices).get(str(data.get("reason") or ""), data.get("reason") or "")
    return _("Party %(party)s's claim handed to another claims unit: %(reason)s") % {
        "party": _party(data), "reason": reason}  # fmt: skip


def _assess(data: Mapping[str, Any], _names: Mapping[str, str]) -> str:
    losses = data.get("losses")
    if not isinstance(losses, dict) or not losses:
        return _("Party %(party)s's loss assessed") % {"party": _party(data)}
    parts = [_("vehicle %(label)s %(amount)s yuan") % {"label": label, "amount": yuan(amount)}
             for label, amount in sorted(losses.items())]  # fmt: skip
    return _("Party %(party)s's loss assessed: %(losses)s") % {
        "party": _party(data),
        "losses": in_current_language("、", ", ").join(parts),
    }


def _amount(with_amount: str, without: str, key: str) -> Callable[[Mapping[str, Any], Mapping[str, str]], str]:
    def words(data: Mapping[str, Any], _names: Mapping[str, str]) -> str:
        if data.get(key) is not None:
            return _(with_amount) % {"party": _party(data), "amount": yuan(data[key])}
        return _(without) % {"party": _party(data)}

    return words


def _pay(data: Mapping[str, Any], names: Mapping[str, str]) -> str:
    if data.get("amount") is None:
        return _("Party %(party)s's claim paid") % {"party": _party(data)}
    if data.get("reference"):
        return _("Party %(party)s paid %(amount)s yuan (reference %(reference)s)") % {
            "party": _party(data), "amount": yuan(data["amount"]), "reference": data["reference"]}  # fmt: skip
    return _("Party %(party)s paid %(amount)s yuan") % {"party": _party(data), "amount": yuan(data["amount"])}


def _close(data: Mapping[str, Any], _names: Mapping[str, str]) -> str:
    from claimbridge.rules.claim_flow import CLOSE_REASONS

    return _("Party %(party)s's claim closed: %(reason)s") % {
        "party": _party(data), "reason": _text(CLOSE_REASONS, data.get("reason"))}  # fmt: skip


def _reopen(data: Mapping[str, Any], _names: Mapping[str, str]) -> str:
    from claimbridge.rules.claim_flow import REOPEN_REASONS

    return _("Party %(party)s's claim reopened: %(reason)s") % {
        "party": _party(data), "reason": _text(REOPEN_REASONS, data.get("reason"))}  # fmt: skip


def _cleared(data: Mapping[str, Any], _names: Mapping[str, str]) -> str:
    parties = data.get("parties") or []
    return _("Content changed: the confirmations of %(parties)s are void") % {
        "parties": in_current_language("、", ", ").join(_("party %(label)s") % {"label": label} for label in parties)}  # fmt: skip


def _party_updated(data: Mapping[str, Any], _names: Mapping[str, str]) -> str:
    if data.get("request"):
        return _("Party %(party)s's details corrected on personal data request %(request)s") % {
            "party": _party(data), "request": data["request"]}  # fmt: skip
    return _("Party %(party)s updated their details") % {"party": _party(data)}


def _simple(message: str) -> Callable[[Mapping[str, Any], Mapping[str, str]], str]:
    def words(data: Mapping[str, Any], _names: Mapping[str, str]) -> str:
        return _(message) % {"party": _party(data)}

    return words


# Each kind's words; the messages are marked with gettext_noop and translated when said.
_WORDS: dict[str, Callable[[Mapping[str, Any], Mapping[str, str]], str]] = {
    "created": _created,
    "party_joined": _simple(gettext_noop("Party %(party)s joined")),
    "consent_given": _simple(gettext_noop("Party %(party)s consented to the personal-information notice")),
    "party_updated": _party_updated,
    "party_cover_found": _cover_found,
    "party_cover_lost": _simple(gettext_noop("No cover in the policy register for party %(party)s")),
    "photo_added": _photo,
    "facts_updated": _simple(gettext_noop("What happened was updated (party %(party)s)")),
    "circumstances_chosen": _simple(gettext_noop("Circumstances chosen (party %(party)s)")),
    "state_changed": _state,
    "confirmations_cleared": _cleared,
    "party_confirmed": _simple(gettext_noop("Party %(party)s confirmed the agreement")),
    "party_disagreed": _simple(gettext_noop("Party %(party)s disagrees")),
    "party_contact_shown": _simple(gettext_noop("Party %(party)s's driver name and mobile shown")),
    "handed_off": _handed_off,
    "claim_registered": _simple(gettext_noop("Party %(party)s's claim registered")),
    "claim_contact": _simple(gettext_noop("Party %(party)s: first contact with the customer")),
    "claim_assess": _assess,
    "claim_settle": _amount(gettext_noop("Party %(party)s: settlement %(amount)s yuan"),
                            gettext_noop("Party %(party)s: settlement computed"), "payable"),
    "claim_approval_requested": _amount(gettext_noop("Party %(party)s: %(amount)s yuan sent for a supervisor's approval"),
                                        gettext_noop("Party %(party)s: sent for a supervisor's approval"), "payable"),
    "claim_approve": _amount(gettext_noop("Party %(party)s: %(amount)s yuan approved"), gettext_noop("Party %(party)s: payment approved"),
                             "payable"),
    "claim_pay": _pay,
    "claim_close": _close,
    "claim_reopen": _reopen,
}  # fmt: skip


_WITHOUT_PARTY = frozenset({"created", "state_changed", "confirmations_cleared", "photo_added"})


def event_words(kind: str, data: Mapping[str, Any], *, insurer_names: Mapping[str, str], fallback: str) -> str:
    """The event in words, in the reader's language; `fallback` (the registry's name) for a kind without words."""
    words = _WORDS.get(kind)
    if words is None or (kind not in _WITHOUT_PARTY and not _party(data)):
        return fallback
    try:
        return words(data, insurer_names)
    except (KeyError, TypeError, ValueError):
        return fallback
