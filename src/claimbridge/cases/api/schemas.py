"""What `/api/v1/cases/…` takes and answers (B9): every field bounded as its column is, every answer typed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from annotated_types import MaxLen, MinLen
from ninja import Field, Schema

from claimbridge.core.inputs import CLEAN, Money, PastInstant
from claimbridge.core.schemas import StrictIn


class PartyIn(StrictIn):
    label: Annotated[str, MinLen(1), MaxLen(1), CLEAN]  # A, B, C or D
    plate: Annotated[str, MaxLen(12), CLEAN] = ""
    vin: Annotated[str, MaxLen(17), CLEAN] = ""
    insurer: Annotated[str, MaxLen(40), CLEAN] = ""  # an insurer's code; the register's insurer of record wins
    underwriting_city: Annotated[str, MaxLen(6), CLEAN] = ""


class ConsentIn(StrictIn):
    credential_shown: bool = False  # R8: the industry work card and the claims guide were shown
    customer_consented: bool = False  # R7: the customer agreed that the adjuster acts for them


class ReporterFactsIn(StrictIn):
    """What the reporter can say about the accident for the 快处易赔 conditions and the triage (R14); leave out what
    is not known: the parties answer on their phones. Each answer is stored with who gave it."""

    facility_damage: bool | None = None  # a road facility (guard rail, sign, light pole) was damaged
    intentional_suspected: bool | None = None  # someone may have caused it on purpose
    party_left_scene: bool | None = None  # a driver involved has left the scene
    scene_difficult: bool | None = None  # expressway, tunnel, vehicles cannot be moved safely…
    witnesses: bool | None = None  # anyone not in the vehicles saw it (the fraud score only; never a condition)


class CaseIn(StrictIn):
    county: Annotated[str, MaxLen(6), CLEAN] = ""  # may be left out when the place is given
    accident_at: PastInstant | None = None  # with its offset: 2026-11-30T10:00:00+08:00
    latitude: float | None = Field(None, ge=-90, le=90)  # the phone's position or a map pin
    longitude: float | None = Field(None, ge=-180, le=180)
    crs: Literal["wgs84", "gcj02"] = "wgs84"  # GPS, or Chinese maps (AMap, Tencent; Baidu after conversion)
    parties: list[PartyIn] = Field(default_factory=list, max_length=4)
    consent: ConsentIn | None = None  # required when an adjuster reports
    facts: ReporterFactsIn | None = None


class PartyOut(Schema):
    label: str
    insurer: str | None
    insurer_name: str | None
    # Only for a party of the reader's own company (or the reporter, or the anti-fraud committee):
    plate: str | None = None
    vin: str | None = None
    claims_unit: str | None = None
    underwriting_city: str | None = None


class CaseOut(Schema):
    number: str
    state: str
    channel: str
    county: str | None
    accident_at: datetime | None
    parties: list[PartyOut]


class DeadlineOut(Schema):
    name: Literal["first_contact", "survey", "closure"]  # the first service-level clock not yet met
    due: datetime
    late: bool


class InboxCaseOut(Schema):
    number: str
    state: str  # the case's state (agreed, police, concluded …)
    county: str | None
    accident_at: datetime | None
    created_at: datetime
    plates: list[str]  # of the parties your units handle (never another company's)
    next_deadline: DeadlineOut | None  # of your company's claim on the case; none for a draft or a concluded case


class InboxOut(Schema):
    total: int  # cases matching the search, whatever the state
    counts: dict[str, int]  # cases matching the search, per state
    cases: list[InboxCaseOut]  # at most 200, in the order asked


class JoinCodeOut(Schema):
    join_code: str
    join_url: str
    qr_svg: str
    expires_at: datetime


class PhoneIn(StrictIn):
    phone: Annotated[str, MinLen(1), MaxLen(20), CLEAN]


class SentOut(Schema):
    sent: bool


class JoinIn(StrictIn):
    join_code: Annotated[str, MinLen(1), MaxLen(16), CLEAN]
    phone: Annotated[str, MinLen(1), MaxLen(20), CLEAN]
    sms_code: Annotated[str, MinLen(1), MaxLen(6), CLEAN]
    # The version of the personal-information notice the driver was shown and agreed to (/privacy/, issue 20): it
    # must be the current one; leaving it out is not consenting, and nothing is done.
    consent_version: Annotated[str, MaxLen(20), CLEAN] = ""


class JoinedOut(Schema):
    case: str
    party: str


class ClaimStepIn(StrictIn):
    losses: dict[Annotated[str, MaxLen(1), CLEAN], Money] | None = None  # assess: party label → vehicle loss
    liability: dict[Annotated[str, MaxLen(1), CLEAN], Literal["full", "equal", "none"]] | None = None
    # assess: where the vehicle is repaired, optional — the shop's name and its unified social credit code (18
    # characters, GB 32100, its check character checked); an assessment replaces the one before, the shop with it
    repair_shop: Annotated[str, MaxLen(200), CLEAN] = ""  # at most 100 characters once spaces are trimmed
    repair_shop_code: Annotated[str, MaxLen(30), CLEAN] = ""  # spaces and dashes as printed are dropped
    amount: Money | None = None  # pay: what is due
    reference: Annotated[str, MaxLen(60), CLEAN] = ""  # pay: the bank's reference; the same again changes nothing
    # pay: the payee's bank account, optional: 8 to 30 digits, spaces allowed; kept encrypted, answered masked
    payee_account: Annotated[str, MaxLen(40), CLEAN] = ""
    reason: Annotated[str, MaxLen(30), CLEAN] = ""  # close, reopen: a reason code


class ClaimOut(Schema):
    party: str
    state: str
    registered_at: datetime
    first_contact_at: datetime | None
    losses: dict[str, str]
    liability: dict[str, str]
    payable: str | None
    paid_amount: str | None
    payment_reference: str
    repair_shop: str  # "" when not recorded
    repair_shop_code: str
    payee_account_masked: str  # "****" and the account's last four digits; "" when not recorded
    close_reason: str
    settlement: dict[str, Any]  # the rules kernel's settlement document (payments, explanation)


class HandoffIn(StrictIn):
    unit: int  # the claims unit that takes the claim over
    reason: Literal["customer_asked", "wrong_unit", "workload"]
    note: Annotated[str, MaxLen(200), CLEAN] = ""


class HandoffOut(Schema):
    party: str
    claims_unit: int | None
    recorded: bool


# --- the driver's phone -----------------------------------------------------------------------------------------


class DetailsIn(StrictIn):
    driver_name: Annotated[str, MaxLen(40), CLEAN] = ""
    driver_licence: Annotated[str, MaxLen(18), CLEAN] = ""  # the resident ID number
    plate: Annotated[str, MaxLen(12), CLEAN] = ""
    vin: Annotated[str, MaxLen(17), CLEAN] = ""
    vehicle_type: Annotated[str, MaxLen(20), CLEAN] = ""
    collision_part: Annotated[str, MaxLen(20), CLEAN] = ""
    driver_licensed: bool = False  # the driver's own statements (the kernel's conditions)
    inspection_valid: bool = False
    impairment_free: bool = False


class PhoneFactsIn(StrictIn):
    place: Annotated[str, MaxLen(100), CLEAN] = ""
    weather: Annotated[str, MaxLen(20), CLEAN]
    collision_form: Annotated[str, MaxLen(20), CLEAN]
    casualties: bool
    other_property_damaged: bool
    facility_damage: bool
    non_motor_involved: bool
    # Optional: anyone not in the two vehicles saw it (the fraud score only, never a condition). Left out or null is
    # not known: a stored answer stays as it was, and none is stored for it.
    witnesses: bool | None = None
    vehicles_drivable: bool
    dangerous_goods: bool
    facts_disputed: bool
    intentional_suspected: bool
    party_left_scene: bool
    scene_difficult: bool
    damage: Annotated[str, MaxLen(30), CLEAN]
    estimated_loss: Money


class ConfirmIn(StrictIn):
    typed_name: Annotated[str, MaxLen(40), CLEAN]
    consent: bool


class MyDetailsOut(Schema):
    driver_name: str  # masked
    driver_licence: str  # masked
    plate: str
    vin: str
    vehicle_type: str
    collision_part: str
    insurer: str | None
    cover_verified: bool


class PartyStatusOut(Schema):
    label: str
    confirmed: bool
    disagrees: bool


class AgreementOut(Schema):
    code: str
    pdf: str


class MyCaseOut(Schema):
    case: str
    state: str
    party: str
    details: MyDetailsOut
    parties: list[PartyStatusOut]
    facts: dict[str, Any]
    circumstances: dict[str, list[int]]
    assessment: dict[str, Any]  # the rules kernel's eligibility (18 conditions), liability and triage
    agreement: AgreementOut | None
