"""/api/v1/police/…: traffic-police units' systems load accident records; readers follow loads, matches, signals (R20).

A batch whose values do not fit the schema (a type, a length, too many records) is refused whole with 422 and loads
nothing. Records that fit but fail a check (a plate, a time, a liability word, an ID number) are refused one by one:
the load's report names the row (1 = the first record of the batch), the field and the reason in both languages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.accounts.roles import POLICE_LOADER_ROLES, POLICE_SIGNAL_ROLES
from claimbridge.core.errors import forbidden, not_found
from claimbridge.core.idempotency import clean_key, fingerprint_of
from claimbridge.core.schemas import responses
from claimbridge.police import selectors, services
from claimbridge.police.errors import may_not_load
from claimbridge.police.models import PoliceLoad
from claimbridge.police.rows import MAX_VEHICLES

router = Router(tags=["police"], auth=API_AUTH)
MAX_RECORDS_PER_REQUEST = 10_000


class VehicleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    plate: str = Field(max_length=12)
    liability: str = Field("", max_length=12)  # full, primary, equal, secondary, none, undetermined (or 全部责任 …)
    driver_name: str = Field("", max_length=100)
    driver_id_number: str = Field("", max_length=18)


class RecordIn(Schema):
    model_config = ConfigDict(extra="forbid")

    record_number: str = Field(max_length=40)
    accident_at: str = Field(max_length=40)  # ISO 8601; China time unless an offset is given
    place: str = Field("", max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90)  # WGS-84
    longitude: float | None = Field(None, ge=-180, le=180)
    accident_type: str = Field(max_length=12)  # property, injury, fatal (or 财产损失, 伤人, 死亡)
    vehicles: list[VehicleIn] = Field(min_length=1, max_length=MAX_VEHICLES)

    def as_row(self) -> dict[str, Any]:
        row: dict[str, Any] = {"record_number": self.record_number, "accident_at": self.accident_at,
                               "place": self.place, "latitude": self.latitude, "longitude": self.longitude,
                               "accident_type": self.accident_type}  # fmt: skip
        for n, vehicle in enumerate(self.vehicles, start=1):
            row |= {f"plate_{n}": vehicle.plate, f"liability_{n}": vehicle.liability,
                    f"driver_{n}": vehicle.driver_name, f"driver_id_{n}": vehicle.driver_id_number}  # fmt: skip
        return row


class RecordBatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    unit: int | None = None  # the platform administrator names the unit; a unit's own key needs none
    records: list[RecordIn] = Field(min_length=1, max_length=MAX_RECORDS_PER_REQUEST)


class ReportRowOut(Schema):
    row: int
    number: str
    outcome: Literal["created", "unchanged", "updated", "refused"]
    field: str = ""
    code: str = ""
    zh: str = ""
    en: str = ""
    changed: list[str] = []


class PoliceLoadOut(Schema):
    id: int
    unit: int
    status: str
    rows: int
    created: int
    unchanged: int
    updated: int
    refused: int
    report: list[ReportRowOut]
    created_at: datetime
    finished_at: datetime | None


class MatchOut(Schema):
    record_number: str
    case_number: str
    minutes: int
    km: float | None
    plates: list[str]


class SignalOut(Schema):
    kind: str
    reason: str
    zh: str
    en: str
    record_number: str | None
    case_number: str | None
    found_at: datetime


def load_out(load: PoliceLoad) -> PoliceLoadOut:
    return PoliceLoadOut(id=load.pk, unit=load.unit_id, status=load.status, rows=load.rows_total,
                         created=load.rows_created, unchanged=load.rows_unchanged, updated=load.rows_updated,
                         refused=load.rows_refused, report=load.report, created_at=load.created_at,
                         finished_at=load.finished_at)  # fmt: skip


EXAMPLE = {"records": [{"record_number": "621202-2025-000123", "accident_at": "2025-03-01 08:30", "place": "武都区长江大道",
                        "latitude": 33.392, "longitude": 104.926, "accident_type": "property",
                        "vehicles": [{"plate": "甘K12345", "liability": "full"}, {"plate": "甘E67890", "liability": "none"}]}]}  # fmt: skip


@router.post("/records", response=responses({200: PoliceLoadOut, 201: PoliceLoadOut}),
             summary="Load a batch of accident records (idempotent by record number); Idempotency-Key makes a retry "
             "return the first answer", openapi_extra={"requestBody": {"content": {"application/json": {"example": EXAMPLE}}}})  # fmt: skip
def records_load(request: HttpRequest, payload: RecordBatchIn) -> Status[PoliceLoadOut]:
    if getattr(request.user, "role", None) not in POLICE_LOADER_ROLES:
        raise forbidden()
    unit = selectors.unit_to_load_for(user=request.user, unit_id=payload.unit)
    if unit is None:
        raise may_not_load()
    load, existed = services.police_load_start(unit=unit, user=request.user, source="api",
                                               idempotency_key=clean_key(request.headers.get("Idempotency-Key", "")),
                                               fingerprint=fingerprint_of(payload))  # fmt: skip
    if not existed:
        load = services.police_rows_load(load=load, rows=[record.as_row() for record in payload.records], first_row=1)
    return Status(200 if existed else 201, load_out(load))


@router.get("/loads/{load_id}", response=responses({200: PoliceLoadOut}), summary="One load's per-row report")
def load_detail(request: HttpRequest, load_id: int) -> PoliceLoadOut:
    load = selectors.load_get_for_user(user=request.user, load_id=load_id)
    if load is None:
        raise not_found()
    return load_out(load)


@router.get("/matches", response=responses({200: list[MatchOut]}), summary="Matches of the records you may read")
def matches(request: HttpRequest, limit: int = 200, offset: int = 0) -> list[MatchOut]:
    offset, limit = max(offset, 0), min(max(limit, 1), 1000)
    found = selectors.match_list_for_user(user=request.user)[offset : offset + limit]
    return [MatchOut(record_number=m.record.number, case_number=m.case.number, minutes=m.minutes, km=m.km,
                     plates=m.plates) for m in found]  # fmt: skip


@router.get("/signals", response=responses({200: list[SignalOut]}),
            summary="Discrepancy signals: the committee all; an insurer those on cases where it covers a party")  # fmt: skip
def signals(request: HttpRequest, kind: str = "", limit: int = 200,
            offset: int = 0) -> list[SignalOut]:  # fmt: skip
    if getattr(request.user, "role", None) not in POLICE_SIGNAL_ROLES:
        raise forbidden()
    offset, limit = max(offset, 0), min(max(limit, 1), 1000)
    found = selectors.signal_list_for_user(user=request.user, kind=kind[:24])[offset : offset + limit]
    return [SignalOut(kind=s.kind, reason=s.reason, zh=s.text_zh, en=s.text_en,
                      record_number=s.record.number if s.record else None,
                      case_number=s.case.number if s.case else None, found_at=s.found_at) for s in found]  # fmt: skip
