"""What each step of the party's page shows (issue 13). Reads through the selectors and the kernel; no writes."""

from __future__ import annotations

import secrets
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from claimbridge.cases import selectors
from claimbridge.cases.services import parties
from claimbridge.cases.views.phone_steps import fact_value_words, people, voided_notice, words
from claimbridge.core.errors import reading_english
from claimbridge.rules.common import LIABILITY_NAMES

# The filter's chips: a tap puts the word of the reader's language in the search box (issue 13); the cards' keys hold
# both languages, so either finds the same circumstances.
FILTER_WORDS = (("追尾", "rear-end", _("Rear-end")), ("变道", "lane", _("Lane change")), ("路口", "junction", _("Junction")),
                ("掉头", "u-turn", _("U-turn")), ("超车", "overtaking", _("Overtaking")),
                ("倒车", "reversing", _("Reversing")), ("车门", "door", _("Door")))  # fmt: skip


def filter_words() -> list[dict[str, Any]]:
    english = reading_english()
    return [{"q": en if english else zh, "label": label} for zh, en, label in FILTER_WORDS]


WITNESS_WORDS = {True: pgettext_lazy("witnesses", "some"), False: pgettext_lazy("witnesses", "none"),
                 None: _("not answered")}  # fmt: skip


def _answered(case: Any) -> dict[str, Any]:
    return {
        name: ("yes" if value else "no") if isinstance(value, bool) else value for name, value in case.facts.items()
    }


def step_context(request: HttpRequest, party: Any, *, step: str, forms_in_error: dict[str, Any]) -> dict[str, Any]:
    from claimbridge.cases.quick_claim import assessment

    case = party.case
    listed = selectors.case_parties(case)
    context: dict[str, Any] = {"case": case, "party": party, "label": party.label, "parties": listed,
                               "people": people(listed, party.label), "english": reading_english(),
                               "judged": assessment(case), "others_confirmed": others_confirmed(listed, party.label)}  # fmt: skip
    builder = {"who": _who, "photos": _photos, "what": _what, "check": _check, "confirm": _confirm, "done": _done}[step]
    context |= builder(party, listed, context, forms_in_error)
    return context


def _who(party: Any, listed: list[Any], context: dict[str, Any], errors: dict[str, Any]) -> dict[str, Any]:
    from claimbridge.cases.forms import PhoneDetailsForm

    details = errors.get("details") or PhoneDetailsForm(
        initial={name: _initial(getattr(party, name)) for name in parties.PARTY_FIELDS}
    )
    return {"details": details,
            "underwriting_unit": selectors.underwriting_city_unit(party) if selectors.cross_region(party) else None}  # fmt: skip


def _initial(value: Any) -> Any:
    return ("yes" if value else "no") if isinstance(value, bool) else value


def photos_context(party: Any, form_in_error: Any = None) -> dict[str, Any]:
    """The slots by what they show, required ones first, each with its example, its thumbnails and who sent them."""
    from claimbridge.cases.forms import PhotoForm
    from claimbridge.evidence.slots import SLOTS, required_slot_codes

    case = party.case
    required = required_slot_codes()
    items = selectors.case_photos(case=case, party=party)
    by_slot: dict[str, list[Any]] = {}
    for item in items:
        by_slot.setdefault(item.slot, []).append(item)
    shown = [slot for slot in SLOTS if slot.code in required] + [
        slot for slot in SLOTS if slot.code not in required and slot.code in ("plate", "other_property", "video")
    ]
    counts = selectors.photo_counts(case)
    slots = [{"slot": slot, "required": slot.code in required, "items": by_slot.get(slot.code, []),
              "accept": "video/*" if slot.video else "image/*", "error": form_in_error
              if form_in_error is not None and form_in_error.data.get("slot") == slot.code else None}
             for slot in shown]  # fmt: skip
    return {
        "slots": slots, "upload_key": secrets.token_urlsafe(16),
        "required_done": all(entry["items"] for entry in slots if entry["required"]),
        "photo_total": sum(1 for item in items if item.stored.kind == "image"),
        "per_party": [{"words": words(p.label, party.label), "count": counts.get(p.label, 0)}
                      for p in sorted(selectors.case_parties(case), key=lambda p: (p.label != party.label, p.label))],
        "photo_form": form_in_error or PhotoForm(initial={"upload_key": secrets.token_urlsafe(16)}),
    }  # fmt: skip


def _photos(party: Any, listed: list[Any], context: dict[str, Any], errors: dict[str, Any]) -> dict[str, Any]:
    return photos_context(party, errors.get("photo_form"))


def circumstance_cards(case: Any, labels: list[str], chosen: dict[str, Any]) -> list[dict[str, Any]]:
    """The catalogue of the accident's day as illustrated choices, each with words to filter by."""
    from claimbridge.cases.diagrams import KEYWORDS, circumstance_svg
    from claimbridge.cases.quick_claim import accident_day
    from claimbridge.rules.circumstances import catalogue_on

    english = reading_english()
    catalogue = catalogue_on(accident_day(case))
    cards = []
    for number, item in sorted(catalogue.items.items()):
        text = item.text.en if english else item.text.zh
        cards.append({"number": number, "text": text, "svg": circumstance_svg(number),
                      "keys": f"{number} {text} {item.text.zh} {item.text.en} {KEYWORDS.get(number, '')}".lower(),
                      "checked": {label: str(chosen.get(label, "")) == str(number) for label in labels}})  # fmt: skip
    return cards


def _what(party: Any, listed: list[Any], context: dict[str, Any], errors: dict[str, Any]) -> dict[str, Any]:
    from claimbridge.cases.forms import WHAT_HAPPENED, FactsPartForm

    case = party.case
    facts = errors.get("facts_form") or FactsPartForm(initial=_answered(case), part=WHAT_HAPPENED)
    labels = [p.label for p in listed]
    bound = errors.get("circumstances_form")
    if bound is not None:
        chosen = {label: bound.data.get(f"party_{label}", "") for label in labels}
    else:
        chosen = {label: (numbers[0] if numbers else "") for label, numbers in case.circumstances.items()}
    columns = sorted(labels, key=lambda label: (label != party.label, label))
    return {"facts_form": facts, "cards": circumstance_cards(case, labels, chosen),
            "columns": [{"label": label, "words": words(label, party.label), "short": _("My side") if label == party.label
                         else _("Their side"), "none": chosen.get(label, "") in ("", None)
                         and label in case.circumstances} for label in columns],
            "circumstances_saved": bool(case.circumstances), "filter_words": filter_words()}  # fmt: skip


def liability_words(judged: dict[str, Any], listed: list[Any], reader: str) -> list[dict[str, str]]:
    english = reading_english()
    grades = judged["liability"]["liability"]
    lines = []
    for p in sorted(listed, key=lambda p: (p.label != reader, p.label)):
        grade = grades.get(p.label)
        name = LIABILITY_NAMES.get(grade or "")
        zh, en = (name.zh, name.en) if name is not None and grade != "undetermined" else ("待定", "not decided yet")
        lines.append({"label": p.label, "words": words(p.label, reader), "plate": p.plate, "grade": grade or "",
                      "text": en if english else zh})  # fmt: skip
    return lines


def _check(party: Any, listed: list[Any], context: dict[str, Any], errors: dict[str, Any]) -> dict[str, Any]:
    from claimbridge.cases.forms import CHECK_QUESTIONS, SAFETY_QUESTIONS, FactsPartForm
    from claimbridge.cases.quick_claim import conditions_seen

    case = party.case
    seen = seen_by(conditions_seen(case), party.label)
    safety = errors.get("safety_form") or FactsPartForm(initial=_answered(case), part=CHECK_QUESTIONS)
    unanswered = [name for name in SAFETY_QUESTIONS if case.facts.get(name) in (None, "")]
    return {"seen": seen, "safety_form": safety, "unanswered": unanswered,
            "liability_lines": liability_words(context["judged"], listed, party.label)}  # fmt: skip


def seen_by(seen: dict[str, Any], reader: str) -> dict[str, Any]:
    """The conditions as one party reads them (issue 13): an open condition that waits only for the other driver is
    theirs ("waiting for the other driver"), and the verdict says so when nothing open is the reader's to do; the
    liability card knows whether the reader has chosen their circumstance and whether the other driver has."""
    conditions = [item | {"theirs": item["state"] == "open" and bool(item["waits_on"])
                          and reader not in item["waits_on"]} for item in seen["conditions"]]  # fmt: skip
    open_items = [item for item in conditions if item["state"] == "open"]
    theirs = [item for item in open_items if item["theirs"]]
    return seen | {
        "conditions": conditions,
        "waits_for_other": seen["verdict"] == "open" and len(theirs) == len(open_items),
        "partly_theirs": seen["verdict"] == "open" and 0 < len(theirs) < len(open_items),
        "other_missing": bool(seen["missing"]),
        "i_chose": reader not in seen["unchosen"],
        "others_to_choose": [label for label in seen["unchosen"] if label != reader],
    }


def others_confirmed(listed: list[Any], reader: str) -> list[str]:
    """The other parties whose confirmation a change saved now would void (issue 13: said before saving)."""
    return [words(p.label, reader) for p in listed if p.label != reader and p.confirmed_at]


def _confirm(party: Any, listed: list[Any], context: dict[str, Any], errors: dict[str, Any]) -> dict[str, Any]:
    from claimbridge.cases.forms import ConfirmForm, FactsForm
    from claimbridge.cases.quick_claim import conditions_seen

    case = party.case
    judged = context["judged"]
    seen = conditions_seen(case)
    answers = []
    form = FactsForm()
    for name in ("place", "weather", "collision_form", "damage", "estimated_loss"):
        value = case.facts.get(name)
        answers.append({"name": name, "label": form.fields[name].label,
                        "value": fact_value_words(name, value) if value not in (None, "") else ""})  # fmt: skip
    # as the 协议书 prints it: optional, so not answered is said, not asked for
    answers.append({"name": "witnesses", "label": _("Witnesses"),
                    "value": WITNESS_WORDS.get(case.facts.get("witnesses"), WITNESS_WORDS[None])})  # fmt: skip
    # every party must have chosen their circumstance ("none of these" is a choice) before anyone confirms
    ready = judged["eligibility"]["eligible"] and judged["facts_complete"] and case.state != "draft" \
        and not seen["unchosen"]  # fmt: skip
    voided = voided_notice(selectors.confirmations_voided(case=case, parties=listed), party.label)
    me = next((p for p in listed if p.label == party.label), party)
    state = "confirmed" if me.confirmed_at else "ready" if ready else "waiting"
    return {"confirm_form": errors.get("confirm_form") or ConfirmForm(), "seen": seen, "answers": answers,
            "ready": ready, "liability_lines": liability_words(judged, listed, party.label), "voided": voided,
            "decide_state": f"{state}-voided" if voided and voided["mine"] else state}  # fmt: skip


def _done(party: Any, listed: list[Any], context: dict[str, Any], errors: dict[str, Any]) -> dict[str, Any]:
    judged = context["judged"]
    triage = judged["triage"].get(party.label)
    case = party.case
    points = []
    if case.county is not None and triage is not None and triage["route"] != "online_one_stop":
        points = selectors.service_points_for(county=case.county)
    return {"my_triage": triage, "service_points": points}


def progress(party: Any, listed: list[Any]) -> set[str]:
    """The steps this party has finished, each only once this party's part of it is done (issue 13): their details
    and statements, the required photos (and one of their own), the account with their own circumstance chosen
    ("none of these" counts), every question with their circumstance, their confirmation, the agreement."""
    from claimbridge.cases.forms import SAFETY_QUESTIONS, WHAT_HAPPENED
    from claimbridge.cases.quick_claim import party_complete
    from claimbridge.evidence.slots import required_slot_codes

    case = party.case
    me = next((p for p in listed if p.label == party.label), party)
    slots = {item.slot for item in selectors.case_photos(case=case, party=party)}
    answered = {name for name, value in case.facts.items() if value not in (None, "")}
    done = set()
    if party_complete(me) and None not in (me.driver_licensed, me.inspection_valid, me.impairment_free):
        done.add("who")
    if set(required_slot_codes()) <= slots and selectors.photo_counts(case).get(me.label):
        done.add("photos")
    chose = me.label in case.circumstances
    if set(WHAT_HAPPENED) - {"place"} <= answered and chose:
        done.add("what")
    if set(SAFETY_QUESTIONS) <= answered and chose:
        done.add("check")
    if me.confirmed_at or case.agreement_name:
        done.add("confirm")
    if case.agreement_name:
        done.add("done")
    return done
