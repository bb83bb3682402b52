"""The party's page as steps (issue 13, like 交管12123 事故快处): one task per screen, the parties named in words, the
other driver followed live. What each step shows is put together here; `phone.py` keeps the routes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from claimbridge.cases import selectors
from claimbridge.rules.case_flow import EDITABLE_STATES


@dataclass(frozen=True)
class Step:
    code: str
    title: str | Promise


# The start screens (mobile proved, where and when) count as step 1 with the driver's details.
STEPS: tuple[Step, ...] = (
    Step("who", _("Who and where")),
    Step("photos", _("Photos")),
    Step("what", _("What happened")),
    Step("check", _("Liability and conditions")),
    Step("confirm", _("Both confirm")),
    Step("done", _("Agreement")),
)
STEP_CODES = tuple(step.code for step in STEPS)


def next_step(code: str) -> str:
    index = STEP_CODES.index(code) if code in STEP_CODES else -1
    return STEP_CODES[min(index + 1, len(STEP_CODES) - 1)]


def step_of(requested: str, *, editable: bool) -> str:
    if not editable:
        return "done" if requested not in ("photos",) else requested
    return requested if requested in STEP_CODES else "who"


def first_open_step(done: set[str]) -> str:
    """The first step this party has not finished, in order; all finished but the outcome: the outcome's step
    before it (confirming), where a driver who has confirmed waits for the other."""
    return next((code for code in STEP_CODES if code not in done and code != "done"), "confirm")


def indicator(current: str, done: set[str]) -> list[dict[str, Any]]:
    """The steps with the one shown and those really finished (not merely passed: a driver may skip ahead)."""
    return [{"code": step.code, "title": step.title, "number": n + 1, "current": step.code == current,
             "done": step.code in done} for n, step in enumerate(STEPS)]  # fmt: skip


def words(label: str, reader: str) -> str:
    """A party named as the reader would say it: 您（A方） or 对方（B方）."""
    if label == reader:
        return gettext("You (party %(label)s)") % {"label": label}
    return gettext("The other driver (party %(label)s)") % {"label": label}


def people(parties: list[Any], reader: str) -> list[dict[str, Any]]:
    """Every party of the case, the reader first, with what the other phone needs to know of them now."""
    listed = sorted(parties, key=lambda p: (p.label != reader, p.label))
    return [{"label": p.label, "words": words(p.label, reader), "plate": p.plate, "me": p.label == reader,
             "insurer": p.insurer.display_short_name if p.insurer else "", "details_done": bool(p.driver_name),
             "confirmed": bool(p.confirmed_at), "disagreed": bool(p.disagreed_at)} for p in listed]  # fmt: skip


# A party's fields as another reader names them (issue 13): the details form asks "where was *your* vehicle hit?",
# which the other driver's banner must not repeat; these labels fit whoever changed them.
PARTY_FIELD_WORDS = {
    "driver_name": pgettext_lazy("changed field", "driver's name"),
    "driver_licence": pgettext_lazy("changed field", "driving licence number"),
    "driver_phone": pgettext_lazy("changed field", "mobile number"),
    "plate": pgettext_lazy("changed field", "plate number"),
    "vin": pgettext_lazy("changed field", "VIN"),
    "vehicle_type": pgettext_lazy("changed field", "vehicle type"),
    "collision_part": pgettext_lazy("changed field", "where the vehicle was hit"),
    "driver_licensed": pgettext_lazy("changed field", "valid driving licence for the vehicle"),
    "inspection_valid": pgettext_lazy("changed field", "vehicle inspection"),
    "impairment_free": pgettext_lazy("changed field", "free of alcohol and drugs"),
}


def field_words(names: list[str]) -> list[str]:
    """The fields a change touched: a party's details in words that fit either reader, what happened by its labels
    on the shared form (never the values)."""
    from claimbridge.cases.forms import FactsForm

    labels = {**{n: f.label for n, f in FactsForm.base_fields.items()}, **PARTY_FIELD_WORDS}
    return [str(labels.get(name, name)).rstrip("？?") for name in names]


def voided_notice(voided: dict[str, Any] | None, reader: str) -> dict[str, Any] | None:
    """A voided confirmation in plain words: whose confirmation went, who changed what."""
    if voided is None:
        return None
    if voided["by_staff"]:
        who = gettext("Staff handling the claim")
    elif voided["by"]:
        who = words(voided["by"], reader)
    else:
        who = gettext("Someone")
    if voided["kind"] == "circumstances_chosen":
        what = [gettext("the circumstances")]
    else:
        what = field_words(voided["fields"]) or [gettext("the details")]
    mine = reader in voided["parties"]
    labels = dict(zip(voided["fields"], field_words(voided["fields"]), strict=True))
    values = [{"field": labels.get(name, name), "old": fact_value_words(name, old), "new": fact_value_words(name, new)}
              for name, (old, new) in voided.get("changes", {}).items() if name in labels]  # fmt: skip
    return {"mine": mine, "who": who, "what": "、".join(what) if not _english() else ", ".join(what),
            "whose": "、".join(words(label, reader) for label in voided["parties"]), "at": voided["at"],
            "values": values}  # fmt: skip


def fact_value_words(name: str, value: Any) -> str:
    """An answer about what happened as the reader reads it: a choice by its label, yes or no, an amount in yuan as
    1,500.00; not answered as a dash."""
    from claimbridge.cases.forms import FactsForm
    from claimbridge.cases.services.notifications import yuan

    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if name == "estimated_loss":
        try:
            return yuan(value)
        except ArithmeticError:
            return str(value)
    field = FactsForm.base_fields.get(name)
    choices = dict(getattr(field, "choices", ()) or ())
    return str(choices.get(value, value))


def _english() -> bool:
    from claimbridge.core.errors import reading_english

    return reading_english()


_CHANGE_WORDS = {
    "party_joined": _("joined the case"),
    "party_updated": _("changed their details"),
    "photo_added": _("sent a photo"),
    "facts_updated": _("changed what happened"),
    "circumstances_chosen": _("changed the circumstances"),
    "party_confirmed": _("confirmed"),
    "party_disagreed": _("does not agree"),
    "agreement_made": _("the agreement was made"),
}


def change_lines(changes: list[dict[str, Any]], reader: str) -> list[str]:
    """What happened on the other phone since this page was shown, one line each, newest last, repeats merged."""
    lines: list[str] = []
    for change in changes:
        who = words(change["party"], reader) if change["party"] else ""
        line = f"{who} {_CHANGE_WORDS.get(change['kind'], change['kind'])}".strip()
        if change["fields"] and change["kind"] in ("facts_updated", "party_updated"):
            line += gettext(": %(fields)s") % {"fields": "、".join(field_words(change["fields"]))}
        if line not in lines:
            lines.append(line)
    return lines


def live_context(*, case: Any, party: Any, since: int, step: str, seq: int, decide: str = "") -> dict[str, Any]:
    """The small fragment each phone polls: the parties now, a voided confirmation, what changed since. `seq` is the
    case's last event when the step's panels were last drawn and `decide` the state the confirm panel shows: the
    poll redraws them when either moved (issue 13)."""
    listed = selectors.case_parties(case)
    reader = party.label
    me = next(p for p in listed if p.label == reader)
    voided = voided_notice(selectors.confirmations_voided(case=case, parties=listed), reader) \
        if case.state in EDITABLE_STATES else None  # fmt: skip
    return {
        "case": case, "step": step, "since": since, "seq": seq, "decide": decide, "people": people(listed, reader),
        "others_joined": len(listed) > 1, "i_confirmed": bool(me.confirmed_at), "voided": voided,
        # on the confirm step the reader's own voided confirmation is said in the confirm panel, where they look
        "voided_here": voided is not None and not (voided["mine"] and step == "confirm"),
        "changes": change_lines(selectors.changes_since(case=case, since=since, reader=reader), reader),
        "polling": case.state in EDITABLE_STATES,
    }  # fmt: skip
