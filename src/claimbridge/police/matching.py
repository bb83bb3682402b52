"""Matching every police record against the cases that could concern it, in bulk, and keeping what was found (R20).

The database finds the candidate cases in three set-wise steps into one temporary table (never a query per record):
a party's plate equal to a record's within the near window (one join on plate); the cases the police attended
(`police_attended_q`, the one definition of it) within the records' period (one scan); and, for records no plate
found, the cases in the same or a neighbouring cell of time (the window's width) and space (`max_km` wide) — where a
misread plate may hide (one hash join on the cells). The kernel (`rules/police_match.py`) then decides by sorted
merge, told for each record the area its unit covers and for each case the areas it lies in (whose police must have
loaded the case's time before a missing record is a signal). Matches and signals found before and again with the same
content are kept as they were; those whose content changed — a record the police corrected — are written anew; new
ones are added, gone ones removed; and the run is an audit event.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from claimbridge.organisations.models import County, TrafficPoliceUnit
from claimbridge.police.models import PoliceEvent, PoliceMatch, PoliceRecord, PoliceSignal, PoliceVehicle
from claimbridge.rules.police_match import CaseIn, Match, MatchConfig, Record, RecordVehicle, Signal, match

TEMP = "police_candidate"
KM_PER_DEGREE_LAT = 111.0
KM_PER_DEGREE_LON = 85.0  # at 40° N; fewer km per degree further south, so a cell never narrows below max_km there


def match_config() -> MatchConfig:
    return MatchConfig(**getattr(settings, "POLICE_MATCH", {}))


def police_attended_q(prefix: str = "") -> Q:
    """The one definition of a case the traffic police dealt with, for every query that needs it: sent to them (state
    'police'), or closed after that (concluded with no online agreement — a concluded case was agreed or the
    police's). The case records no other fact of it (decision 0017)."""
    return Q(**{f"{prefix}state": "police"}) | Q(**{f"{prefix}state": "concluded", f"{prefix}agreed_at__isnull": True})


def unit_areas() -> dict[int, str]:
    """Each police unit's area, as the kernel reads it: its county's code, or its city's for a unit of the whole city."""
    return {pk: county or city for pk, county, city in
            TrafficPoliceUnit.objects.values_list("pk", "county__code", "city__code")}  # fmt: skip


def _case_areas() -> tuple[dict[int, tuple[str, str]], dict[int, str]]:
    """Counties by id (their code and their city's), cities by id (their code): a case's areas from its two ids."""
    from claimbridge.organisations.models import City

    counties = {pk: (code, city) for pk, code, city in County.objects.values_list("pk", "code", "city__code")}
    return counties, dict(City.objects.values_list("pk", "code"))


def _aware(value: Any) -> Any:
    """A raw SQLite cursor gives datetimes naive (or as text) in UTC; PostgreSQL gives aware datetimes."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _records() -> list[Record]:
    vehicles: dict[int, list[RecordVehicle]] = {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT record_id, plate, liability, driver_index FROM {PoliceVehicle._meta.db_table} "  # noqa: S608
                       "ORDER BY record_id, position")  # fmt: skip
        for record_id, plate, liability, person in cursor.fetchall():
            vehicles.setdefault(record_id, []).append(RecordVehicle(plate, liability, person))
        cursor.execute(f"SELECT id, accident_at, latitude, longitude, unit_id FROM {PoliceRecord._meta.db_table}")  # noqa: S608
        areas = unit_areas()
        return [Record(pk, _aware(at), tuple(vehicles.get(pk, ())), lat, lon, areas.get(unit, ""))
                for pk, at, lat, lon, unit in cursor.fetchall()]  # fmt: skip


def _cells(config: MatchConfig) -> tuple[int, float, float]:
    km = max(config.max_km, 0.1)
    return max(config.window_minutes * 60, 1), km / KM_PER_DEGREE_LAT, km / KM_PER_DEGREE_LON


def _find_candidates(cursor: Any, config: MatchConfig, records: list[Record]) -> None:
    """The candidate cases' ids into the temporary table."""
    from claimbridge.cases.models import Case, CaseParty

    party, case = CaseParty._meta.db_table, Case._meta.db_table
    vehicle, record = PoliceVehicle._meta.db_table, PoliceRecord._meta.db_table
    is_pg = connection.vendor == "postgresql"

    def seconds(column: str) -> str:
        return f"EXTRACT(EPOCH FROM {column})" if is_pg else f"CAST(strftime('%%s', {column}) AS INTEGER)"

    cursor.execute(
        f"SELECT DISTINCT r.id, c.id FROM {vehicle} v JOIN {record} r ON r.id = v.record_id "  # noqa: S608 - our tables
        f"JOIN {party} p ON p.plate = v.plate JOIN {case} c ON c.id = p.case_id "
        f"WHERE c.accident_at IS NOT NULL AND ABS({seconds('c.accident_at')} - {seconds('r.accident_at')}) <= %s",
        [config.near_window_minutes * 60],
    )
    pairs = cursor.fetchall()
    with_plate = {record_id for record_id, _ in pairs}
    found = {case_id for _, case_id in pairs}
    first, last = min(r.at for r in records), max(r.at for r in records)
    margin = timedelta(minutes=config.window_minutes)  # the kernel's covered periods reach this far past the records
    found.update(Case.objects.filter(police_attended_q(), accident_at__range=(first - margin, last + margin))
                 .values_list("pk", flat=True))  # fmt: skip
    window, lat_cell, lon_cell = _cells(config)
    span = timedelta(seconds=2 * window)
    keys = {(int(r.at.timestamp() // window) + dt, int(r.lat // lat_cell) + dy, int(r.lon // lon_cell) + dx)
            for r in records if r.id not in with_plate and r.lat is not None and r.lon is not None
            for dt in (-1, 0, 1) for dy in (-1, 0, 1) for dx in (-1, 0, 1)}  # fmt: skip
    if keys and is_pg:
        times, lats, lons = (list(column) for column in zip(*keys, strict=True))
        cursor.execute(
            f"SELECT DISTINCT c.id FROM (SELECT unnest(%s::bigint[]) AS t, unnest(%s::bigint[]) AS y, "  # noqa: S608
            f"unnest(%s::bigint[]) AS x) k JOIN {case} c ON CAST(FLOOR({seconds('c.accident_at')} / %s) AS bigint) = k.t "
            "AND CAST(FLOOR(c.latitude / %s) AS bigint) = k.y AND CAST(FLOOR(c.longitude / %s) AS bigint) = k.x "
            "WHERE c.latitude IS NOT NULL AND c.accident_at BETWEEN %s AND %s",
            [times, lats, lons, window, lat_cell, lon_cell, first - span, last + span],
        )
        found.update(row[0] for row in cursor.fetchall())
    elif keys:  # SQLite (development, tests): the same cells, compared here
        from claimbridge.cases.models import Case as CaseModel

        low = datetime.fromtimestamp(min(key[0] for key in keys) * window, tz=UTC)
        high = datetime.fromtimestamp((max(key[0] for key in keys) + 1) * window, tz=UTC)
        for case_id, at, lat, lon in CaseModel.objects.filter(accident_at__range=(low, high), latitude__isnull=False,
                                                              longitude__isnull=False).values_list(
                                                                  "pk", "accident_at", "latitude", "longitude"):  # fmt: skip
            if at is None or lat is None or lon is None:  # not for the filter's types: it excluded them
                continue
            if (int(at.timestamp() // window), int(lat // lat_cell), int(lon // lon_cell)) in keys:
                found.add(case_id)
    if is_pg:
        cursor.execute(f"INSERT INTO {TEMP} (id) SELECT unnest(%s::bigint[])", [list(found)])
    else:
        cursor.executemany(f"INSERT INTO {TEMP} (id) VALUES (%s)", [(case_id,) for case_id in found])  # noqa: S608


def _cases(cursor: Any) -> list[CaseIn]:
    """The candidate cases as the kernel reads them; an agreed case's liability by the one rule of it
    (`cases.services.claims._agreed_liability`), worked out once per set of circumstances and day."""
    from claimbridge.cases.models import Case, CaseParty
    from claimbridge.cases.services.claims import _agreed_liability
    from claimbridge.rules.identifiers import normalize_plate

    liabilities: dict[tuple[str, date], dict[str, str]] = {}

    def agreed(circumstances: Any, at: datetime) -> dict[str, str]:
        text = circumstances if isinstance(circumstances, str) else json.dumps(circumstances, sort_keys=True)
        key = (text, timezone.localdate(at))
        if key not in liabilities:
            facts = json.loads(text)
            liabilities[key] = _agreed_liability(cast(Case, SimpleNamespace(circumstances=facts, accident_at=at)))
        return liabilities[key]

    plates: dict[int, dict[str, str]] = {}
    cursor.execute(f"SELECT p.case_id, p.label, p.plate FROM {CaseParty._meta.db_table} p "  # noqa: S608
                   f"JOIN {TEMP} t ON t.id = p.case_id")  # fmt: skip
    for case_id, label, plate in cursor.fetchall():
        plates.setdefault(case_id, {})[label] = normalize_plate(plate)
    attended = set(Case.objects.filter(police_attended_q(), pk__in=RawSQL(f"SELECT id FROM {TEMP}", ()))  # noqa: S608, S611
                   .values_list("pk", flat=True))  # fmt: skip
    counties, cities = _case_areas()
    cursor.execute(f"SELECT c.id, c.accident_at, c.latitude, c.longitude, c.agreed_at, c.county_id, c.city_id, "  # noqa: S608
                   f"CASE WHEN c.agreed_at IS NULL THEN NULL ELSE c.circumstances END "
                   f"FROM {Case._meta.db_table} c JOIN {TEMP} t ON t.id = c.id WHERE c.accident_at IS NOT NULL")  # fmt: skip
    cases = []
    for pk, at, lat, lon, agreed_at, county_id, city_id, circumstances in cursor.fetchall():
        at, agreed_at = _aware(at), _aware(agreed_at)
        liability = agreed(circumstances, at) if agreed_at is not None and circumstances else None
        areas = tuple(area for area in dict.fromkeys((*counties.get(county_id, ("", "")), cities.get(city_id, "")))
                      if area)  # fmt: skip
        cases.append(CaseIn(pk, at, plates.get(pk, {}), lat, lon, police_attended=pk in attended,
                            agreed_liability=liability or None, areas=areas))  # fmt: skip
    return cases


def _candidate_cases(config: MatchConfig, records: list[Record]) -> list[CaseIn]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {TEMP} (id bigint PRIMARY KEY)")
        try:
            _find_candidates(cursor, config, records)
            return _cases(cursor)
        finally:
            cursor.execute(f"DROP TABLE {TEMP}")


def _insert(model: Any, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Many new rows at once: COPY on PostgreSQL (a run stores up to one match per record), plain inserts elsewhere.
    JSON values come as text."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c.removesuffix("_id")).column) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            adapt = connection.ops.adapt_datetimefield_value
            rows = [tuple(adapt(v) if isinstance(v, datetime) else v for v in row) for row in rows]
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608 - our table


def _match_row(found: Match) -> tuple[Any, ...]:
    """What a stored match says, as the database gives it back (to tell a kept one from one to write anew)."""
    return found.minutes, found.km, list(found.plates)


def _signal_row(found: Signal) -> tuple[Any, ...]:
    return (found.kind, found.reason, found.record_id, found.case_id, found.subject[:64], found.text.zh[:300],
            found.text.en[:300], json.loads(json.dumps(dict(found.detail), ensure_ascii=False)))  # fmt: skip


def _delete(model: Any, ids: list[int]) -> None:
    for start in range(0, len(ids), 500):  # within any database's limit of parameters
        model.objects.filter(pk__in=ids[start : start + 500]).delete()


def police_match_run(*, actor: Any = None, as_of: datetime | None = None) -> dict[str, int]:
    """Match every record against the cases that could concern it and keep what was found (see the module)."""
    config = match_config()
    records = _records()
    cases = _candidate_cases(config, records) if records else []
    result = match(records, cases, config, as_of=as_of or timezone.now())
    now = timezone.now()
    with transaction.atomic():
        pairs = {(m.record_id, m.case_id): m for m in result.matches}
        old = {(record_id, case_id): (pk, (minutes, km, plates)) for pk, record_id, case_id, minutes, km, plates in
               PoliceMatch.objects.values_list("pk", "record_id", "case_id", "minutes", "km", "plates")}  # fmt: skip
        kept = {key for key, m in pairs.items() if key in old and old[key][1] == _match_row(m)}
        renewed = {key for key in pairs if key in old} - kept  # a corrected record's figures: written anew
        _delete(PoliceMatch, [pk for key, (pk, _row) in old.items() if key not in kept])
        _insert(PoliceMatch, ["record_id", "case_id", "minutes", "km", "plates", "found_at"],
                [(m.record_id, m.case_id, m.minutes, m.km, json.dumps(list(m.plates), ensure_ascii=False), now)
                 for key, m in pairs.items() if key not in kept])  # fmt: skip
        signals = {signal.key: signal for signal in result.signals}
        known = {key: (pk, row) for pk, key, *row in PoliceSignal.objects.values_list(
            "pk", "key", "kind", "reason", "record_id", "case_id", "subject", "text_zh", "text_en", "detail")}  # fmt: skip
        same = {key for key, s in signals.items() if key in known and tuple(known[key][1]) == _signal_row(s)}
        rewritten = {key for key in signals if key in known} - same
        _delete(PoliceSignal, [pk for key, (pk, _row) in known.items() if key not in same])
        _insert(PoliceSignal, ["key", "kind", "reason", "record_id", "case_id", "subject", "text_zh", "text_en", "detail",
                               "found_at"],
                [(key, s.kind, s.reason, s.record_id, s.case_id, s.subject[:64], s.text.zh[:300], s.text.en[:300],
                  json.dumps(dict(s.detail), ensure_ascii=False), now) for key, s in signals.items() if key not in same])  # fmt: skip
        figures = {"records": len(records), "cases": len(cases), "matches": len(pairs), "signals": len(signals),
                   "matches_new": len(set(pairs) - set(old)), "signals_new": len(set(signals) - set(known)),
                   "matches_renewed": len(renewed), "signals_renewed": len(rewritten)}  # fmt: skip
        PoliceEvent.objects.create(kind="police_match_run", actor=actor, data=figures)
        # Issue 16: whether the police dealt with a case is a fact of its fraud score; rescore what changed.
        changed = sorted({case_id for _record_id, case_id in set(pairs) ^ set(old)})
        if changed:
            from claimbridge.fraud.scoring import rescore_after_commit

            rescore_after_commit(changed)
    return figures
