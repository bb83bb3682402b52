"""The photos a case asks for (R3 condition 4, R10): named, explained, with an example picture.

Which slots are required is configuration (`EVIDENCE_REQUIRED_SLOTS`); the 12123 practice is side-front panorama,
side-rear panorama and the collision point.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Slot:
    code: str
    name: str | Promise
    hint: str | Promise
    per_party: bool = False
    video: bool = False
    many: bool = False  # more than one file may fill it

    @property
    def example_url(self) -> str:
        return static(f"evidence/examples/{self.code}.svg")


SLOTS: tuple[Slot, ...] = (
    Slot("front_panorama", _("Side-front view of both vehicles"),
         _("Stand 3–5 m ahead of the vehicles, at an angle, so both vehicles, their positions and the road markings show.")),
    Slot("rear_panorama", _("Side-rear view of both vehicles"),
         _("Stand 3–5 m behind the vehicles, at an angle: both vehicles, the lanes and any skid marks.")),
    Slot("collision_point", _("Point of collision"),
         _("Close up where the vehicles touched, one photo per point of contact."), many=True),
    Slot("plate", _("Number plate"), _("The whole plate, readable, with part of the vehicle around it."), per_party=True),
    Slot("driving_licence", _("Driving licence"), _("Both sides of the driver's licence, flat and without glare."), per_party=True),
    Slot("vehicle_licence", _("Vehicle licence"), _("The vehicle licence (行驶证), main page and inspection page."), per_party=True),
    Slot("vin", _("VIN (optional)"), _("The 17-character VIN, at the base of the windscreen or on the door pillar."), per_party=True),
    Slot("scene", _("Other scene photos"), _("Anything else at the scene worth keeping: marks, debris, the surroundings, the people's positions."), many=True),
    Slot("other_property", _("Other damaged property"), _("Anything else damaged: guard rails, signs, goods."), many=True),
    Slot("other_documents", _("Other documents"), _("Anything else asked for: receipts, police papers."), many=True),
    Slot("video", _("Short video of the scene"), _("Walk around both vehicles slowly; keep it under the time limit."), video=True, many=True),
)  # fmt: skip
SLOTS_BY_CODE = {slot.code: slot for slot in SLOTS}
PARTIES = ("A", "B", "C", "D")  # the labels a case gives its parties
SHOWN_PARTIES = ("A", "B")  # per-party slots shown in every gallery; C and D once something is filed under them


def required_slot_codes() -> tuple[str, ...]:
    return tuple(getattr(settings, "EVIDENCE_REQUIRED_SLOTS", ("front_panorama", "rear_panorama", "collision_point")))
