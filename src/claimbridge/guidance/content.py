"""What the public guide says (R18: explain the integration, encourage drivers to settle minor accidents themselves),
gathered from where each rule already lives — the HTML pages and the leaflet PDF read the same lists:

- the 21 circumstances and who is liable: the rules kernel's catalogue (`rules.circumstances`), drawn by
  `cases.diagrams` (the same pictures the driver taps on the phone);
- when 快处易赔 applies and what to do when it does not: the kernel's eligibility conditions (`rules.eligibility`);
- the photos: the evidence slots (`evidence.slots`), with their example pictures;
- the service points: the directory the back office keeps (`cases.selectors`).

Nothing here decides anything; a rule changed in the kernel changes the guide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.staticfiles import finders
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claimbridge.core.errors import in_current_language
from claimbridge.rules.circumstances import Catalogue, catalogue_on
from claimbridge.rules.common import LIABILITY_NAMES, Text
from claimbridge.rules.eligibility import MIN_SCENE_PHOTOS, PASSED, fixed_failure_messages

# The steps at the roadside, in order (the home page shows the first three in the same words).
STEPS: tuple[Promise, ...] = (
    _("Make the scene safe and put out a warning sign."),
    _("Take photos of the scene, both vehicles, the collision points and both plates."),
    _("Move the cars out of the way, then agree on liability online."),
    _("Each driver then claims from their own insurer, at any of its offices in Longnan or Tianshui."),
)
POLICE_PHONE = "122"


@dataclass(frozen=True)
class CircumstanceEntry:
    number: int
    title: str
    liable: str
    decides_alone: bool
    svg: str


def circumstance_label(number: int, title: str) -> str:
    return gettext("Drawing of circumstance %(number)s: %(title)s") % {"number": number, "title": title}


def liable_sentence(at_fault: Text) -> str:
    """One line: who is liable under the online rule (the party with the circumstance fully, the other not)."""
    who = in_current_language(at_fault.zh, at_fault.en)
    full, none = (
        in_current_language(LIABILITY_NAMES[grade].zh, LIABILITY_NAMES[grade].en) for grade in ("full", "none")
    )
    sentence = gettext("%(who)s: %(full)s; the other party: %(none)s.") % {"who": who, "full": full, "none": none}
    return sentence[:1].upper() + sentence[1:]


def catalogue(day: date) -> Catalogue:
    """The catalogue in force on `day` (R21: a revision is a new version, shown from its date)."""
    return catalogue_on(day)


def circumstances(catalogue: Catalogue, *, size: int = 112) -> list[CircumstanceEntry]:
    """Every circumstance of the catalogue in force, each with its drawing (named, for screen readers)."""
    from claimbridge.cases.diagrams import circumstance_svg

    entries = []
    for number, item in sorted(catalogue.items.items()):
        title = in_current_language(item.text.zh, item.text.en)
        entries.append(
            CircumstanceEntry(
                number=number,
                title=title,
                liable=liable_sentence(item.at_fault),
                decides_alone=item.decides_alone,
                svg=circumstance_svg(number, size=size, label=circumstance_label(number, title)),
            )
        )
    return entries


def conditions() -> list[str]:
    """The conditions that must all hold for 快处易赔 (R2, R3), as the kernel states them when they pass."""
    return [in_current_language(text.zh, text.en) for text in PASSED.values()]


def when_not() -> list[str]:
    """What to do when a condition fails, as the kernel's refusals say it."""
    return [in_current_language(text.zh, text.en) for text in fixed_failure_messages().values()]


@dataclass(frozen=True)
class PhotoEntry:
    code: str
    name: str
    hint: str
    required: bool
    per_party: bool
    video: bool
    example_url: str
    example_path: str  # the example picture's file, for the leaflet ("" when the slot has none)


def photos() -> list[PhotoEntry]:
    """The evidence slots, required ones first (R10), each with its example picture where there is one."""
    from claimbridge.evidence.slots import SLOTS, required_slot_codes

    required = required_slot_codes()
    ordered = [slot for slot in SLOTS if slot.code in required] + [slot for slot in SLOTS if slot.code not in required]
    entries = []
    for slot in ordered:
        path = str(finders.find(f"evidence/examples/{slot.code}.svg") or "")
        entries.append(
            PhotoEntry(
                code=slot.code,
                name=str(slot.name),
                hint=str(slot.hint),
                required=slot.code in required,
                per_party=slot.per_party,
                video=slot.video,
                example_url=slot.example_url if path else "",
                example_path=path,
            )
        )
    return entries


def minimum_photos() -> int:
    return MIN_SCENE_PHOTOS


def point_name(point: Any) -> str:
    return in_current_language(point.name, point.name_en or point.name)


def service_points_by_city(cities: Any, points: list[Any]) -> list[dict[str, Any]]:
    """Each city, each of its counties and the county's service points, in the directory's order."""
    by_county: dict[int, list[dict[str, Any]]] = {}
    for point in points:
        entry = {"name": point_name(point), "kind": point.get_kind_display(), "address": point.address,
                 "hours": point.hours, "phone": point.phone}  # fmt: skip
        by_county.setdefault(point.county_id, []).append(entry)
    return [
        {
            "city": city,
            "counties": [{"county": county, "points": by_county.get(county.pk, [])} for county in city.counties.all()],
        }
        for city in cities
    ]
