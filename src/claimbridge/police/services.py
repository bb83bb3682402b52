"""Loading traffic-police records (idempotent by record number) and matching them to cases (R20).

A row whose record number the unit has not loaded is created. The same row again is unchanged: loading a file twice
changes nothing. A row that differs from the record of its number is a correction by the police, who own their
records: it is applied, reported as `updated` with the facts it changed, and the previous facts are kept in an audit
event (decision 0016) — never overwritten silently. A row that fails a check is refused with the field and the reason
in both languages, and nothing of it is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from itertools import islice
from typing import Any, cast

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from claimbridge.core import crypto
from claimbridge.core.errors import AppError
from claimbridge.core.idempotency import key_reused
from claimbridge.organisations.models import County, TrafficPoliceUnit
from claimbridge.police.errors import may_not_load
from claimbridge.police.models import (
    LoadStatus,
    PoliceEvent,
    PoliceLoad,
    PoliceMatch,
    PoliceRecord,
    PoliceSignal,
    PoliceVehicle,
)
from claimbridge.police.rows import PoliceRow, RowRefusal, changed_fields, parse_row

BATCH = 2000
MAX_REPORT_ROWS = 20_000


def _check(user: Any, unit: TrafficPoliceUnit) -> None:
    from claimbridge.accounts.scope import scope_for

    if not scope_for(user).may_load_police_records(unit_id=unit.pk):
        raise may_not_load()


def police_load_start(*, unit: TrafficPoliceUnit, user: Any, source: str, file_name: str = "",
                      idempotency_key: str = "", fingerprint: str = "") -> tuple[PoliceLoad, bool]:  # fmt: skip
    """A new load, or the earlier one of the same Idempotency-Key (True when it already existed; the same key with
    another body is refused)."""
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
                                             idempotency_key=idempotency_key,
                                             idempotency_fingerprint=fingerprint if idempotency_key else "")  # fmt: skip
    except IntegrityError:  # the same key, committed meanwhile by a concurrent request
        return police_load_start(unit=unit, user=user, source=source, file_name=file_name,
                                 idempotency_key=idempotency_key, fingerprint=fingerprint)  # fmt: skip
    return load, False


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _digest(row: PoliceRow) -> str:
    # keyed, so that a digest of a row with personal data cannot be tested against guesses
    return crypto.blind_index(row.digest(), purpose="police-record")


def _person(row_id_number: str) -> str:
    return crypto.blind_index(row_id_number, purpose="police-person") if row_id_number else ""


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
            for batch in _chunks(rows, BATCH):
                parsed: list[tuple[int, PoliceRow]] = []
                for raw in batch:
                    row_number, number_of_row = number_of_row, number_of_row + 1
                    try:
                        row = parse_row(raw, today=today)
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

        transaction.on_commit(lambda: match_police_records.enqueue())
    return load


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


def police_file_load(*, unit: TrafficPoliceUnit, user: Any, upload: Any, idempotency_key: str = "") -> PoliceLoad:
    """An uploaded CSV or Excel file, loaded at once (a police file is thousands of rows, not millions)."""
    from claimbridge.police.rows import HEADER_ALIASES
    from claimbridge.policies.tables import read_rows
    from claimbridge.rules.common import RuleInputError

    load, existed = police_load_start(unit=unit, user=user, source="web", file_name=upload.name or "",
                                      idempotency_key=idempotency_key)  # fmt: skip
    if existed:
        return load
    upload.seek(0)
    try:
        rows = list(read_rows(upload, upload.name or "", HEADER_ALIASES))
    except RuleInputError as error:
        PoliceLoad.objects.filter(pk=load.pk).delete()
        raise AppError("bad_file", error.text.zh, error.text.en, field="file") from None
    return police_rows_load(load=load, rows=rows)


# --- matching ---------------------------------------------------------------------------------------------------


def match_config() -> Any:
    from django.conf import settings

    from claimbridge.rules.police_match import MatchConfig

    return MatchConfig(**getattr(settings, "POLICE_MATCH", {}))


def _records() -> list[Any]:
    from claimbridge.rules.police_match import Record, RecordVehicle

    vehicles: dict[int, list[RecordVehicle]] = {}
    for record_id, plate, liability, person in (
        PoliceVehicle.objects.order_by("record_id", "position").values_list("record_id", "plate", "liability",
                                                                           "driver_index").iterator(chunk_size=20_000)
    ):  # fmt: skip
        vehicles.setdefault(record_id, []).append(RecordVehicle(plate, liability, person))
    return [Record(pk, at, tuple(vehicles.get(pk, ())), lat, lon) for pk, at, lat, lon in
            PoliceRecord.objects.values_list("pk", "accident_at", "latitude", "longitude").iterator(chunk_size=20_000)]  # fmt: skip


def _candidate_case_ids(config: Any, records: list[Any]) -> set[int]:
    """Cases that could match or concern a record, found by the database in bulk, never record by record: a party's
    plate equal to a record's within the near window (one join); cases the police attended within the records'
    period (one scan); and, for records no plate found, cases of the same county in the same or a neighbouring time
    bucket of the window's width (one hash join on county and bucket), where a misread plate may hide."""
    from claimbridge.cases.models import Case, CaseParty

    party, case = CaseParty._meta.db_table, Case._meta.db_table
    vehicle, record = PoliceVehicle._meta.db_table, PoliceRecord._meta.db_table
    near = config.near_window_minutes * 60
    window = max(config.window_minutes * 60, 1)
    is_pg = connection.vendor == "postgresql"

    def seconds(column: str) -> str:
        return f"EXTRACT(EPOCH FROM {column})" if is_pg else f"CAST(strftime('%%s', {column}) AS INTEGER)"

    found: set[int] = set()
    with_candidates: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT r.id, c.id FROM {vehicle} v JOIN {record} r ON r.id = v.record_id "  # noqa: S608 - ours
            f"JOIN {party} p ON p.plate = v.plate JOIN {case} c ON c.id = p.case_id "
            f"WHERE c.accident_at IS NOT NULL AND ABS({seconds('c.accident_at')} - {seconds('r.accident_at')}) <= %s",
            [near],
        )
        for record_id, case_id in cursor.fetchall():
            with_candidates.add(record_id)
            found.add(case_id)
        first, last = min(r.at for r in records), max(r.at for r in records)
        cursor.execute(
            f"SELECT c.id FROM {case} c WHERE (c.state = 'police' OR (c.state = 'concluded' AND c.agreed_at IS NULL)) "  # noqa: S608
            "AND c.accident_at BETWEEN %s AND %s",
            [first, last],
        )
        found.update(row[0] for row in cursor.fetchall())
    county_of = dict(PoliceRecord.objects.filter(county__isnull=False).values_list("pk", "county_id"))
    keys = {(county_of[r.id], int(r.at.timestamp() // window) + d) for r in records
            if r.id not in with_candidates and r.lat is not None and r.id in county_of for d in (-1, 0, 1)}  # fmt: skip
    if not keys:
        return found
    counties, buckets = [key[0] for key in keys], [key[1] for key in keys]
    if is_pg:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT c.id FROM (SELECT unnest(%s::bigint[]) AS county_id, unnest(%s::bigint[]) AS bucket) k "  # noqa: S608
                f"JOIN {case} c ON c.county_id = k.county_id AND FLOOR({seconds('c.accident_at')} / %s) = k.bucket "
                "WHERE c.latitude IS NOT NULL",
                [counties, buckets, window],
            )
            found.update(row[0] for row in cursor.fetchall())
    else:  # SQLite (development, tests): the same keys, filtered here
        low = datetime.fromtimestamp((min(buckets)) * window, tz=UTC)
        high = datetime.fromtimestamp((max(buckets) + 1) * window, tz=UTC)
        for case_id, county_id, at in Case.objects.filter(
            county_id__in=set(counties), accident_at__range=(low, high), latitude__isnull=False
        ).values_list("pk", "county_id", "accident_at"):
            if (county_id, int(at.timestamp() // window)) in keys:
                found.add(case_id)
    return found


def police_attended(state: str, agreed_at: datetime | None) -> bool:
    """A case the traffic police dealt with: sent to them (state 'police'), or closed after that (concluded with no
    online agreement — a concluded case was agreed or the police's). The case records no other fact of it."""
    return state == "police" or (state == "concluded" and agreed_at is None)


def _aware(value: Any) -> Any:
    """A raw SQLite cursor gives datetimes naive (or as text) in UTC; PostgreSQL gives aware datetimes."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _in(column: str, ids: list[int]) -> str:
    """`column` among `ids`: one array parameter on PostgreSQL (no list of placeholders to build and parse)."""
    return (
        f"{column} = ANY(%s)" if connection.vendor == "postgresql" else f"{column} IN ({', '.join(['%s'] * len(ids))})"
    )


def _ids(ids: list[int]) -> list[Any]:
    return [ids] if connection.vendor == "postgresql" else list(ids)


def _cases(ids: set[int]) -> list[Any]:
    """The candidate cases as the kernel reads them; an agreed case's liability by the one rule of it
    (`claims._agreed_liability`), worked out once per set of circumstances and day."""
    import json
    from types import SimpleNamespace

    from claimbridge.cases.models import Case, CaseParty
    from claimbridge.cases.services.claims import _agreed_liability
    from claimbridge.rules.identifiers import normalize_plate
    from claimbridge.rules.police_match import CaseIn

    liabilities: dict[tuple[str, date], dict[str, str]] = {}

    def agreed(circumstances: dict[str, Any], at: datetime) -> dict[str, str]:
        key = (json.dumps(circumstances, sort_keys=True), timezone.localdate(at))
        if key not in liabilities:
            liabilities[key] = _agreed_liability(
                cast(Case, SimpleNamespace(circumstances=circumstances, accident_at=at))
            )
        return liabilities[key]

    plates: dict[int, dict[str, str]] = {}
    cases: list[Any] = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), 20_000):
        chunk = ordered[start : start + 20_000]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT case_id, label, plate FROM {CaseParty._meta.db_table} WHERE {_in('case_id', chunk)}",  # noqa: S608
                           _ids(chunk))  # fmt: skip
            for case_id, label, plate in cursor.fetchall():
                plates.setdefault(case_id, {})[label] = normalize_plate(plate)
            cursor.execute(f"SELECT id, state, accident_at, latitude, longitude, agreed_at, circumstances "  # noqa: S608
                           f"FROM {Case._meta.db_table} WHERE {_in('id', chunk)}", _ids(chunk))  # fmt: skip
            rows = cursor.fetchall()
        for pk, state, at, lat, lon, agreed_at, circumstances in rows:
            if isinstance(circumstances, str):
                circumstances = json.loads(circumstances)
            at, agreed_at = _aware(at), _aware(agreed_at)
            if at is None:
                continue
            liability = agreed(circumstances, at) if agreed_at is not None and circumstances else None
            cases.append(CaseIn(pk, at, plates.get(pk, {}), lat, lon, police_attended=police_attended(state, agreed_at),
                                agreed_liability=liability or None))  # fmt: skip
    return cases


def police_match_run(*, actor: Any = None, as_of: datetime | None = None) -> dict[str, int]:
    """Match every record against the cases that could concern it, and keep what was found: matches and signals
    found before and again stay as they were (with the time first found), new ones are added, gone ones removed."""
    from claimbridge.rules.police_match import match

    config = match_config()
    records = _records()
    cases = _cases(_candidate_case_ids(config, records)) if records else []
    result = match(records, cases, config, as_of=as_of or timezone.now())
    with transaction.atomic():
        pairs = {(m.record_id, m.case_id): m for m in result.matches}
        old = set(PoliceMatch.objects.values_list("record_id", "case_id"))
        gone = old - set(pairs)
        for record_id, case_id in gone:
            PoliceMatch.objects.filter(record_id=record_id, case_id=case_id).delete()
        PoliceMatch.objects.bulk_create(
            [PoliceMatch(record_id=m.record_id, case_id=m.case_id, minutes=m.minutes, km=m.km, plates=list(m.plates))
             for key, m in pairs.items() if key not in old], batch_size=5000)  # fmt: skip
        signals = {signal.key: signal for signal in result.signals}
        known = set(PoliceSignal.objects.values_list("key", flat=True))
        PoliceSignal.objects.filter(key__in=list(known - set(signals))).delete()
        PoliceSignal.objects.bulk_create(
            [PoliceSignal(key=key, kind=s.kind, reason=s.reason, record_id=s.record_id, case_id=s.case_id,
                          subject=s.subject[:64], text_zh=s.text.zh[:300], text_en=s.text.en[:300],
                          detail=dict(s.detail)) for key, s in signals.items() if key not in known],
            batch_size=5000)  # fmt: skip
        figures = {"records": len(records), "cases": len(cases), "matches": len(pairs), "signals": len(signals),
                   "matches_new": len(set(pairs) - old), "signals_new": len(set(signals) - known)}  # fmt: skip
        PoliceEvent.objects.create(kind="police_match_run", actor=actor, data=figures)
    return figures
