"""Loading traffic-police records (idempotent by record number) and matching them to cases (R20).

A row whose record number the unit has not loaded is created. The same row again is unchanged: loading a file twice
changes nothing, and the same file uploaded again (by its SHA-256, kept on the load) is recognised: the earlier
load's report is the answer. A row that differs from the record of its number is a correction by the police, who own
their records: it is applied, reported as `updated` with the facts it changed, and the previous facts are kept in an
audit event (decision 0017) — never overwritten silently; the matching run then writes anew what it found on the old
version. A row that fails a check — the kernel's, or an accident time that is not plausible
(`core.inputs.plausible_accident_time`) — is refused with the field and the reason in both languages, and nothing of
it is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from claimbridge.core import crypto
from claimbridge.core.errors import AppError
from claimbridge.core.idempotency import file_fingerprint, key_reused
from claimbridge.core.inputs import plausible_accident_time
from claimbridge.organisations.models import County, TrafficPoliceUnit
from claimbridge.police.errors import may_not_load
from claimbridge.police.models import (
    LoadStatus,
    PoliceEvent,
    PoliceLoad,
    PoliceRecord,
    PoliceVehicle,
)
from claimbridge.police.rows import PoliceRow, RowRefusal, changed_fields, parse_row
from claimbridge.policies.tables import batches
from claimbridge.rules.common import Text

BATCH = 2000
MAX_REPORT_ROWS = 20_000


def _check(user: Any, unit: TrafficPoliceUnit) -> None:
    from claimbridge.accounts.scope import scope_for

    if not scope_for(user).may_load_police_records(unit_id=unit.pk):
        raise may_not_load()


def police_load_start(*, unit: TrafficPoliceUnit, user: Any, source: str, file_name: str = "",
                      idempotency_key: str = "", fingerprint: str = "") -> tuple[PoliceLoad, bool]:  # fmt: skip
    """A new load, or the earlier one of the same Idempotency-Key (True when it already existed; the same key with
    another body is refused). `fingerprint` (of the body, or of the file) is kept on the load, key or not."""
    _check(user, unit)
    if idempotency_key:
        earlier = PoliceLoad.objects.filter(unit=unit, idempotency_key=idempotency_key).first()
        if earlier is not None:
            if fingerprint and earlier.idempotency_fingerprint and fingerprint != earlier.idempotency_fingerprint:
                raise key_reused()
            return earlier, True
    try:
        with transaction.atomic():
            load = PoliceLoad.objects.create(unit=unit, loaded_by=user, source=source, file_name=file_name[:255],
                                             idempotency_key=idempotency_key, idempotency_fingerprint=fingerprint)  # fmt: skip
    except IntegrityError:  # the same key, committed meanwhile by a concurrent request
        return police_load_start(unit=unit, user=user, source=source, file_name=file_name,
                                 idempotency_key=idempotency_key, fingerprint=fingerprint)  # fmt: skip
    return load, False


def _digest(row: PoliceRow) -> str:
    # keyed, so that a digest of a row with personal data cannot be tested against guesses
    return crypto.blind_index(row.digest(), purpose="police-record")


def _person(row_id_number: str) -> str:
    """The platform's one index of an ID number (the register's, the fraud clues'), so one person meets across apps."""
    return crypto.id_number_blind_index(row_id_number) if row_id_number else ""


def _counties() -> dict[str, int]:
    return dict(County.objects.values_list("code", "pk"))


def police_rows_load(*, load: PoliceLoad, rows: Iterable[dict[str, Any]], first_row: int = 2) -> PoliceLoad:
    """Every row of a load, in one transaction; the per-row report and an audit event with the counts. `first_row`:
    the number of the first data row as the sender sees it (2 in a file, under its header; 1 in an API batch)."""
    from claimbridge.rulebook.services import county_code_at

    _check(load.loaded_by, load.unit)
    today = timezone.localdate()
    counties = _counties()
    report: list[dict[str, Any]] = []
    counts = {"created": 0, "unchanged": 0, "updated": 0, "refused": 0}
    seen: set[str] = set()
    number_of_row = first_row
    try:
        with transaction.atomic():
            for batch in batches(rows, BATCH):
                parsed: list[tuple[int, PoliceRow]] = []
                for raw in batch:
                    row_number, number_of_row = number_of_row, number_of_row + 1
                    try:
                        row = _plausible(parse_row(raw, today=today))
                    except RowRefusal as refusal:
                        report.append({"row": row_number, "number": str(raw.get("record_number") or "")[:40],
                                       "outcome": "refused", "field": refusal.field, "code": refusal.code,
                                       "zh": refusal.text.zh, "en": refusal.text.en})  # fmt: skip
                        counts["refused"] += 1
                        continue
                    if row.number in seen:
                        report.append({"row": row_number, "number": row.number, "outcome": "refused",
                                       "field": "record_number", "code": "number_twice",
                                       "zh": "本批次中该事故编号已出现过", "en": "this record number appears earlier in this load"})  # fmt: skip
                        counts["refused"] += 1
                        continue
                    seen.add(row.number)
                    parsed.append((row_number, row))
                _store(load, parsed, report, counts, counties, county_code_at)
            load.rows_total = number_of_row - first_row
            load.rows_created, load.rows_unchanged = counts["created"], counts["unchanged"]
            load.rows_updated, load.rows_refused = counts["updated"], counts["refused"]
            load.report = report[:MAX_REPORT_ROWS]
            load.status, load.finished_at = LoadStatus.DONE, timezone.now()
            load.save()
            PoliceEvent.objects.create(kind="police_load", load=load, actor=load.loaded_by,
                                       data={"source": load.source, "file": load.file_name, "rows": load.rows_total,
                                             **counts})  # fmt: skip
    except AppError:
        raise
    except Exception:
        PoliceLoad.objects.filter(pk=load.pk).update(status=LoadStatus.FAILED, finished_at=timezone.now())
        raise
    if counts["created"] or counts["updated"]:
        from claimbridge.police.tasks import match_police_records

        transaction.on_commit(lambda: match_police_records.enqueue(), robust=True)
    return load


def _plausible(row: PoliceRow) -> PoliceRow:
    """The row, if its accident time is one the platform takes for an accident (not in the future, not too old)."""
    try:
        plausible_accident_time(row.accident_at)
    except AppError as implausible:
        raise RowRefusal("accident_at", implausible.code, Text(implausible.zh, implausible.en)) from None
    return row


def _store(load: PoliceLoad, parsed: list[tuple[int, PoliceRow]], report: list[dict[str, Any]],
           counts: dict[str, int], counties: dict[str, int], county_code_at: Any) -> None:  # fmt: skip
    existing = {record.number: record for record in
                PoliceRecord.objects.filter(unit=load.unit, number__in=[row.number for _, row in parsed])}  # fmt: skip
    new: list[tuple[int, PoliceRow, PoliceRecord]] = []
    for row_number, row in parsed:
        digest = _digest(row)
        record = existing.get(row.number)
        county_id = counties.get(county_code_at(row.latitude, row.longitude)) if row.latitude is not None else None
        if record is None:
            new.append((row_number, row, PoliceRecord(
                unit=load.unit, number=row.number, accident_at=row.accident_at, place=row.place,
                latitude=row.latitude, longitude=row.longitude, county_id=county_id, accident_type=row.accident_type,
                load=load, loaded_by=load.loaded_by, content_digest=digest)))  # fmt: skip
            continue
        if record.content_digest == digest:
            report.append({"row": row_number, "number": row.number, "outcome": "unchanged"})
            counts["unchanged"] += 1
            continue
        before = _facts(record)
        changed = changed_fields(before, row.facts())
        record.accident_at, record.place, record.latitude, record.longitude = (
            row.accident_at, row.place, row.latitude, row.longitude)  # fmt: skip
        record.county_id, record.accident_type, record.content_digest = county_id, row.accident_type, digest
        record.updated_at = timezone.now()
        record.save()
        record.vehicles.all().delete()
        PoliceVehicle.objects.bulk_create(_vehicles(record, row))
        PoliceEvent.objects.create(kind="police_record_updated", load=load, record=record, actor=load.loaded_by,
                                   data={"changed": changed, "before": before})  # fmt: skip
        report.append({"row": row_number, "number": row.number, "outcome": "updated", "changed": changed,
                       "zh": "交警更正了该记录：" + "、".join(changed),
                       "en": "the police corrected this record: " + ", ".join(changed)})  # fmt: skip
        counts["updated"] += 1
    if new:
        created = PoliceRecord.objects.bulk_create([record for _, _, record in new])
        assert all(record.pk for record in created)  # RETURNING: PostgreSQL, SQLite ≥ 3.35
        PoliceVehicle.objects.bulk_create([vehicle for _, row, record in new for vehicle in _vehicles(record, row)])
        for row_number, row, _record in new:
            report.append({"row": row_number, "number": row.number, "outcome": "created"})
        counts["created"] += len(new)
    report.sort(key=lambda entry: entry["row"])


def _vehicles(record: PoliceRecord, row: PoliceRow) -> list[PoliceVehicle]:
    return [PoliceVehicle(record=record, position=n, plate=v.plate, liability=v.liability, driver_name=v.driver_name,
                          driver_id_number=v.driver_id_number, driver_index=_person(v.driver_id_number))
            for n, v in enumerate(row.vehicles, start=1)]  # fmt: skip


def _facts(record: PoliceRecord) -> dict[str, Any]:
    return {
        "accident_at": timezone.localtime(record.accident_at).isoformat() if record.accident_at else "",
        "place": record.place, "latitude": record.latitude, "longitude": record.longitude,
        "accident_type": record.accident_type,
        "vehicles": [[v.plate, v.liability] for v in record.vehicles.order_by("position")],
    }  # fmt: skip


def police_file_load(*, unit: TrafficPoliceUnit, user: Any, upload: Any,
                     idempotency_key: str = "") -> tuple[PoliceLoad, bool]:  # fmt: skip
    """An uploaded CSV or Excel file, loaded at once (a police file is thousands of rows, not millions). The file's
    SHA-256 is the load's fingerprint, as a request body's is: the same file uploaded again by the unit is recognised
    and the earlier load returned (True), nothing loaded twice; the form's key again with another file is refused."""
    from claimbridge.police.rows import HEADER_ALIASES
    from claimbridge.policies.tables import read_rows
    from claimbridge.rules.common import RuleInputError

    _check(user, unit)
    fingerprint = file_fingerprint(upload)
    keyed = bool(idempotency_key) and PoliceLoad.objects.filter(unit=unit, idempotency_key=idempotency_key).exists()
    same_file = (PoliceLoad.objects.filter(unit=unit, source="web", status=LoadStatus.DONE,
                                           idempotency_fingerprint=fingerprint).order_by("-created_at", "-pk").first())  # fmt: skip
    if same_file is not None and not keyed:  # a key already used is the key's question (police_load_start)
        return same_file, True
    load, existed = police_load_start(unit=unit, user=user, source="web", file_name=upload.name or "",
                                      idempotency_key=idempotency_key, fingerprint=fingerprint)  # fmt: skip
    if existed:
        return load, True
    upload.seek(0)
    try:
        rows = list(read_rows(upload, upload.name or "", HEADER_ALIASES))
    except RuleInputError as error:
        PoliceLoad.objects.filter(pk=load.pk).delete()
        raise AppError("bad_file", error.text.zh, error.text.en, field="file") from None
    return police_rows_load(load=load, rows=rows), False
