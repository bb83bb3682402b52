"""The answers of /api/v1/rules/…: the kernel's output documents, field for field (B9), so that an insurer's system
can generate a typed client from /api/openapi.json. Money is a decimal string with two places ("2000.00")."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Schema


class TextOut(Schema):
    zh: str
    en: str


class CircumstanceOut(Schema):
    number: int
    zh: str
    en: str
    at_fault: TextOut  # who is at fault when the circumstance applies, e.g. "the following vehicle"
    decides_alone: bool  # items 1–20 decide liability alone; item 21 needs both parties' confirmation


class CatalogueOut(Schema):
    version: int
    effective_from: date
    title: TextOut
    rule: TextOut
    source: str
    items: list[CircumstanceOut]


class CatalogueRefOut(Schema):
    version: int
    effective_from: date


Grade = Literal["full", "primary", "equal", "secondary", "none", "undetermined"]


class LiabilityOut(Schema):
    liability: dict[str, Grade]  # party → grade
    determined: bool
    basis: list[TextOut]  # the reasoning, step by step
    catalogue: CatalogueRefOut


class ConditionOut(Schema):
    code: str  # one of the 18 快处易赔 conditions, e.g. "ctpl_both"
    passed: bool
    message: TextOut


class UnverifiedCoverOut(Schema):
    party: str
    type: str  # ctpl, third_party
    zh: str
    en: str


class EligibilityOut(Schema):
    eligible: bool
    conditions: list[ConditionOut]
    failed: list[str]  # the codes of the conditions that failed
    liability: dict[str, Grade]
    catalogue_version: int
    unverified: list[UnverifiedCoverOut]  # cover counted on a party's word only, not confirmed by the register


class CtplLimitsOut(Schema):
    effective_from: date
    source: str
    liable: dict[str, str]  # head (death_disability, medical, property) → yuan
    not_liable: dict[str, str]


class PaymentOut(Schema):
    payer: str
    payee: str
    cover: str  # ctpl, third_party, own_damage, …
    head: str  # death_disability, medical, property
    amount: str
    on_behalf_of: str | None  # 无责代赔: the party whose insurer owes it


class VictimSummaryOut(Schema):
    loss: str
    received: str
    uncovered: str


class SettlementOut(Schema):
    limits: CtplLimitsOut
    mutual_self_compensation: bool
    no_fault_proxy: bool
    payments: list[PaymentOut]
    summary: dict[str, VictimSummaryOut]  # victim → amounts
    uncovered: dict[str, str]
    explanation: list[TextOut]


class ActionOut(Schema):
    code: str
    zh: str
    en: str


class TriageOut(Schema):
    route: Literal["online_one_stop", "refer_liable_party", "offline_follow_up"]
    actions: list[ActionOut]
    reasons: list[TextOut]
    online_loss_ceiling: str


class PlateCheckOut(Schema):
    valid: bool
    normalized: str
    kind: str | None  # ordinary, new_energy_small, trailer, …
    province: str | None
    authority: str | None  # e.g. 甘K
    city: str | None


class VinCheckOut(Schema):
    valid: bool
    normalized: str
    check_digit: str | None
    expected_check_digit: str | None
    wmi: str | None  # world manufacturer identifier


class IdNumberCheckOut(Schema):
    valid: bool
    birth_date: date | None
    sex: Literal["male", "female"] | None
    region_code: str | None


IdentifierCheckOut = PlateCheckOut | VinCheckOut | IdNumberCheckOut


class LocationOut(Schema):
    adcode: str | None  # the county's code; null when the point is in no county of the boundaries
    county: str | None
    city_adcode: str | None
    city: str | None
