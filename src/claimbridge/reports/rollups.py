"""The roll-ups, kept at write time (issue 17): a case's change recomputes its parties' facts and applies the
difference; stops and clues recompute their month. `rebuild` recomputes everything from the raw rows.

A case change schedules `refresh_facts` once per transaction, after its commit (the change itself never waits for
the figures, nor fails because of them); the refresh locks the case rows, so two refreshes of one case apply their
differences one after the other. Clocks that fall due without a write are caught by `sweep_due`, and any refresh
lost with a killed worker by `reconcile` (both scheduled: docs in the README).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from claimbridge.cases.models import Case, CaseParty, Claim, Handoff
from claimbridge.cases.selectors import SLA_MET_BY
from claimbridge.credentials.reports import month_bounds
from claimbridge.reports.models import (
    CASE_KEYS,
    DURATION_KEYS,
    GRAINS,
    SLA_CLOCKS,
    CaseRollup,
    ClueRollup,
    DurationCount,
    PartyFact,
    StopRollup,
)
from claimbridge.stats.facts import COUNTERS, MEASURES, CaseInput, ClaimInput, PartyInput, case_facts, month_of

BATCH = 2000
_PENDING_KEY = "_claimbridge_stats_pending"
ROLLUP_COUNTERS = (*COUNTERS, "amount_settled_fen", "amount_paid_fen",
                   *(f"sla_{clock}_{kind}" for clock in SLA_CLOCKS for kind in ("met", "due")))  # fmt: skip


def _fen(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


# --- from the raw rows to facts ------------------------------------------------------------------------------------
def case_inputs(case_ids: Sequence[int] | None = None, *, after: int = 0, limit: int = BATCH
                ) -> list[tuple[int, int, CaseInput]]:  # fmt: skip
    """(case id, events count, the kernel's input) for these cases, or for the next `limit` cases after id `after`:
    four queries whatever the number of cases."""
    cases = Case.objects.order_by("pk")
    cases = cases.filter(pk__in=case_ids) if case_ids is not None else cases.filter(pk__gt=after)[:limit]
    rows = list(cases.values("pk", "created_at", "state", "channel", "city_id", "city__code", "county_id",
                             "agreed_at", "events_count"))  # fmt: skip
    ids = [row["pk"] for row in rows]
    parties: dict[int, list[dict[str, Any]]] = defaultdict(list)
    party_rows = CaseParty.objects.filter(case_id__in=ids).values(
        "pk", "case_id", "label", "insurer_id", "claims_unit_id", "underwriting_city_code", "route"
    )
    for party in party_rows:
        parties[party["case_id"]].append(dict(party))
    party_ids = [party["pk"] for rows_ in parties.values() for party in rows_]
    claims: dict[int, dict[str, Any]] = {
        claim["party_id"]: dict(claim)
        for claim in Claim.objects.filter(party_id__in=party_ids).values(
            "party_id",
            "first_contact_at",
            "assessed_at",
            "settled_at",
            "paid_at",
            "closed_at",
            "payable",
            "paid_amount",
        )
    }
    handoffs = dict(
        Handoff.objects.filter(party_id__in=party_ids)
        .values("party_id")
        .annotate(n=Count("pk"))
        .values_list("party_id", "n")
    )
    inputs = []
    for row in rows:
        party_inputs = []
        for one in parties.get(row["pk"], []):
            claim = claims.get(one["pk"])
            party_inputs.append(PartyInput(
                label=one["label"], insurer_id=one["insurer_id"], claims_unit_id=one["claims_unit_id"],
                underwriting_city_code=one["underwriting_city_code"], route=one["route"],
                handoffs=handoffs.get(one["pk"], 0),
                claim=_claim_input(claim) if claim else None,
            ))  # fmt: skip
        inputs.append((row["pk"], row["events_count"], CaseInput(
            reported_at=row["created_at"], state=row["state"], channel=row["channel"], city_id=row["city_id"],
            city_code=row["city__code"] or "", county_id=row["county_id"], agreed=row["agreed_at"] is not None,
            parties=tuple(party_inputs),
        )))  # fmt: skip
    return inputs


def _claim_input(claim: dict[str, Any]) -> ClaimInput:
    return ClaimInput(**{key: value for key, value in claim.items() if key != "party_id"})


def fact_rows(case_id: int, events_count: int, case: CaseInput, now: datetime) -> list[PartyFact]:
    """The kernel's facts for one case as unsaved rows."""
    rows = []
    for fact in case_facts(case, sla_minutes=settings.CASE_SLA_MINUTES, sla_met_by=SLA_MET_BY, now=now):
        rows.append(PartyFact(
            case_id=case_id, label=fact.label, month=fact.month, city_id=fact.city_id, county_id=fact.county_id,
            insurer_id=fact.insurer_id, claims_unit_id=fact.claims_unit_id, channel=fact.channel,
            **{name: getattr(fact, name) for name in COUNTERS},
            amount_settled_fen=_fen(fact.amount_settled), amount_paid_fen=_fen(fact.amount_paid),
            **{f"sla_{clock}": fact.sla.get(clock, "") for clock in SLA_CLOCKS},
            **{f"bucket_{measure}": fact.bucket(measure) for measure in MEASURES},
            **{f"minutes_{measure}": fact.minutes.get(measure) for measure in MEASURES},
            next_due_at=fact.next_due_at, events_count=events_count,
        ))  # fmt: skip
    return rows


# --- what a fact contributes ---------------------------------------------------------------------------------------
def case_cell(fact: PartyFact) -> tuple[tuple[Any, ...], tuple[int, ...]]:
    key = tuple(getattr(fact, name) for name in CASE_KEYS)
    values = [getattr(fact, name) for name in (*COUNTERS, "amount_settled_fen", "amount_paid_fen")]
    for clock in SLA_CLOCKS:
        state = getattr(fact, f"sla_{clock}")
        values += [int(state == "met"), int(state in ("met", "missed"))]
    return key, tuple(values)


def duration_cells(fact: PartyFact) -> Iterator[tuple[tuple[Any, ...], int]]:
    """(wait cell, minutes) for each wait of the fact at each grouping."""
    for measure in MEASURES:
        bucket = getattr(fact, f"bucket_{measure}")
        if bucket is None:
            continue
        minutes = getattr(fact, f"minutes_{measure}") or 0
        for grain, kept in GRAINS.items():
            dims = {name: getattr(fact, name) if name in kept else 0
                    for name in ("city_id", "county_id", "insurer_id", "claims_unit_id")}  # fmt: skip
            yield (grain, fact.month, dims["city_id"], dims["county_id"], dims["insurer_id"], dims["claims_unit_id"],
                   measure, bucket), minutes  # fmt: skip


def _upsert(table: str, keys: Sequence[str], columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Add each row's values to its cell, creating the cell if new: one statement, the same on SQLite and
    PostgreSQL (INSERT … ON CONFLICT … DO UPDATE)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in (*keys, *columns))
    marks = ", ".join(["%s"] * (len(keys) + len(columns)))
    updates = ", ".join(f"{quote(c)} = {quote(table)}.{quote(c)} + excluded.{quote(c)}" for c in columns)
    sql = (
        f"INSERT INTO {quote(table)} ({names}) VALUES ({marks}) "  # noqa: S608 - the names are ours, values bound
        f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def apply(old: Iterable[PartyFact], new: Iterable[PartyFact]) -> None:
    """Add the new facts' contributions and take away the old ones' (cells left at zero stay, as zeros)."""
    old_cases, old_waits = cells_of(old)
    new_cases, new_waits = cells_of(new)
    width = len(ROLLUP_COUNTERS)
    case_rows = []
    for key in {*old_cases, *new_cases}:
        before, after = old_cases.get(key, (0,) * width), new_cases.get(key, (0,) * width)
        delta = tuple(b - a for a, b in zip(before, after, strict=True))
        if any(delta):
            case_rows.append((*key, *delta))
    wait_rows = []
    for key in {*old_waits, *new_waits}:
        (n_before, minutes_before), (n_after, minutes_after) = old_waits.get(key, (0, 0)), new_waits.get(key, (0, 0))
        if n_after != n_before or minutes_after != minutes_before:
            wait_rows.append((*key, n_after - n_before, minutes_after - minutes_before))
    _upsert(CaseRollup._meta.db_table, CASE_KEYS, ROLLUP_COUNTERS, sorted(case_rows, key=str))
    _upsert(DurationCount._meta.db_table, DURATION_KEYS, ("n", "minutes"), sorted(wait_rows, key=str))


def refresh_cases(case_ids: Iterable[int], *, now: datetime | None = None) -> int:
    """Recompute the facts of these cases and apply the differences to the roll-ups; returns the facts written."""
    ids = sorted(set(case_ids))
    now = now or timezone.now()
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with transaction.atomic():
            list(Case.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk", flat=True))
            old = list(PartyFact.objects.filter(case_id__in=chunk))
            new = [row for case_id, events, case in case_inputs(chunk) for row in fact_rows(case_id, events, case, now)]
            PartyFact.objects.filter(case_id__in=chunk).delete()
            PartyFact.objects.bulk_create(new)
            apply(old, new)
            written += len(new)
    return written


def refresh_after_commit(case_ids: Iterable[int]) -> None:
    """Refresh these cases' facts once, after the commit of the current transaction, however many events the change
    appended (outside a transaction: at once)."""
    pending: dict[str, Any] | None = getattr(connection, _PENDING_KEY, None)
    if (pending is not None and not pending["sent"]
            and any(entry[1] is pending["send"] for entry in connection.run_on_commit)):  # fmt: skip
        pending["cases"].update(case_ids)
        return  # already to be sent at this transaction's commit
    waiting: dict[str, Any] = {"cases": set(case_ids), "sent": False}

    def send() -> None:
        from claimbridge.reports.tasks import refresh_facts

        waiting["sent"] = True  # (a test's captured callbacks run without the commit that would clear the list)
        refresh_facts.enqueue(case_ids=sorted(waiting["cases"]))

    waiting["send"] = send
    setattr(connection, _PENDING_KEY, waiting)
    transaction.on_commit(send, robust=True)


def on_case_event(*, case: Case, event: Any) -> None:
    refresh_after_commit([case.pk])


# --- stops and clues: their month recomputed -------------------------------------------------------------------------
def refresh_stop_month(month: date) -> None:
    from claimbridge.credentials.models import ServiceStop

    start, end = month_bounds(month)
    rows = (
        ServiceStop.objects.filter(at__gte=start, at__lt=end)
        .values("county__city_id", "county_id", "insurer_id")
        .annotate(stops=Count("pk"), stops_other=Count("pk", filter=Q(customer_insurer__isnull=False)
                                                       & ~Q(customer_insurer_id=F("insurer_id"))))
    )  # fmt: skip
    with transaction.atomic():
        StopRollup.objects.filter(month=month).delete()
        StopRollup.objects.bulk_create([
            StopRollup(month=month, city_id=row["county__city_id"] or 0, county_id=row["county_id"] or 0,
                       insurer_id=row["insurer_id"] or 0, stops=row["stops"], stops_other=row["stops_other"])
            for row in rows
        ])  # fmt: skip


def refresh_clue_month(month: date) -> None:
    from claimbridge.fraud.models import Clue

    start, end = month_bounds(month)
    rows = (
        Clue.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .values("city_id", "county_id", "reporter_insurer_id")
        .annotate(clues=Count("pk"), confirmed=Count("pk", filter=Q(amount_saved__isnull=False)),
                  saved=Sum("amount_saved"))
    )  # fmt: skip
    with transaction.atomic():
        ClueRollup.objects.filter(month=month).delete()
        ClueRollup.objects.bulk_create([
            ClueRollup(month=month, city_id=row["city_id"] or 0, county_id=row["county_id"] or 0,
                       insurer_id=row["reporter_insurer_id"] or 0, clues=row["clues"], confirmed=row["confirmed"],
                       amount_saved_fen=_fen(Decimal(str(row["saved"] or 0))))
            for row in rows
        ])  # fmt: skip


def _month_after_commit(kind: str, moment: datetime | None) -> None:
    if moment is None:
        return
    month = month_of(moment)

    def send() -> None:
        from claimbridge.reports.tasks import refresh_month

        refresh_month.enqueue(kind=kind, month=month.isoformat())

    transaction.on_commit(send, robust=True)


def on_stop_saved(*, instance: Any, **_kwargs: Any) -> None:
    _month_after_commit("stops", instance.at)


def on_clue_saved(*, instance: Any, **_kwargs: Any) -> None:
    _month_after_commit("clues", instance.submitted_at)


def connect() -> None:
    from django.db.models.signals import post_save

    from claimbridge.cases.events import EVENT_TYPES, subscribe
    from claimbridge.credentials.models import ServiceStop
    from claimbridge.fraud.models import Clue

    subscribe(tuple(EVENT_TYPES), on_case_event)
    post_save.connect(on_stop_saved, sender=ServiceStop, dispatch_uid="reports-stop-month")
    post_save.connect(on_clue_saved, sender=Clue, dispatch_uid="reports-clue-month")


# --- clocks falling due, lost refreshes, and the rebuild -----------------------------------------------------------
def sweep_due(now: datetime | None = None) -> int:
    """Refresh the facts whose earliest open clock has fallen due since (a clock missed without any write)."""
    now = now or timezone.now()
    due = PartyFact.objects.filter(next_due_at__lte=now).values_list("case_id", flat=True).distinct()
    return refresh_cases(list(due), now=now)


def reconcile(*, since: datetime | None = None, now: datetime | None = None) -> int:
    """Refresh every case reported since `since` whose facts do not match its rows (a refresh lost with a killed
    worker): the case's event count differs from its facts', or a reported case has no facts."""
    cases = Case.objects.exclude(state="draft")
    if since is not None:
        cases = cases.filter(created_at__gte=since)
    facts = dict(PartyFact.objects.filter(case_id__in=cases.values("pk")).values_list("case_id", "events_count"))
    parties = set(CaseParty.objects.filter(case_id__in=cases.values("pk")).values_list("case_id", flat=True))
    stale = [pk for pk, events in cases.values_list("pk", "events_count")
             if (pk in parties and facts.get(pk) != events)]  # fmt: skip
    return refresh_cases(stale, now=now)


def rebuild(*, now: datetime | None = None) -> dict[str, int]:
    """Recompute every fact and roll-up from the raw rows, in one transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        for model in (PartyFact, CaseRollup, DurationCount, StopRollup, ClueRollup):
            model.objects.all().delete()
        after, facts = 0, 0
        while True:
            batch = case_inputs(after=after)
            if not batch:
                break
            rows = [row for case_id, events, case in batch for row in fact_rows(case_id, events, case, now)]
            PartyFact.objects.bulk_create(rows, batch_size=BATCH)
            facts += len(rows)
            after = batch[-1][0]
        cells = _aggregate_cases()
        waits = _aggregate_waits()
        months = _stop_and_clue_months()
        for kind, month in months:
            (refresh_stop_month if kind == "stops" else refresh_clue_month)(month)
    return {"facts": facts, "cells": cells, "waits": waits, "months": len(months)}


def _insert_select(model: Any, columns: Sequence[str], select: str, where: str = "", group: Sequence[str] = ()) -> int:
    """INSERT INTO the roll-up SELECT … FROM the facts GROUP BY …: the rebuild's aggregation done by the database."""
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 - ours
        f"SELECT {select} FROM {quote(PartyFact._meta.db_table)} {where} "
        f"GROUP BY {', '.join(quote(c) for c in group)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return max(cursor.rowcount, 0)


def _aggregate_cases() -> int:
    quote = connection.ops.quote_name
    sums = [f"SUM({quote(name)})" for name in (*COUNTERS, "amount_settled_fen", "amount_paid_fen")]
    for clock in SLA_CLOCKS:
        column = quote(f"sla_{clock}")
        sums += [f"SUM(CASE WHEN {column} = 'met' THEN 1 ELSE 0 END)",
                 f"SUM(CASE WHEN {column} IN ('met', 'missed') THEN 1 ELSE 0 END)"]  # fmt: skip
    select = ", ".join([*(quote(key) for key in CASE_KEYS), *sums])
    return _insert_select(CaseRollup, (*CASE_KEYS, *ROLLUP_COUNTERS), select, group=CASE_KEYS)


def _aggregate_waits() -> int:
    quote = connection.ops.quote_name
    total = 0
    dimensions = ("city_id", "county_id", "insurer_id", "claims_unit_id")
    for measure in MEASURES:
        bucket, minutes = quote(f"bucket_{measure}"), quote(f"minutes_{measure}")
        for grain, kept in GRAINS.items():
            kept_dims = [quote(name) if name in kept else "0" for name in dimensions]
            select = ", ".join([f"'{grain}'", quote("month"), *kept_dims, f"'{measure}'", bucket, "COUNT(*)",
                                f"SUM({minutes})"])  # fmt: skip
            total += _insert_select(DurationCount, (*DURATION_KEYS, "n", "minutes"), select,
                                    where=f"WHERE {bucket} IS NOT NULL",
                                    group=("month", *kept, f"bucket_{measure}"))  # fmt: skip
    return total


def _stop_and_clue_months() -> list[tuple[str, date]]:
    from claimbridge.credentials.models import ServiceStop
    from claimbridge.fraud.models import Clue

    months = {("stops", month_of(at)) for at in ServiceStop.objects.values_list("at", flat=True)}
    submitted = Clue.objects.exclude(submitted_at=None).values_list("submitted_at", flat=True)
    months |= {("clues", month_of(at)) for at in submitted if at is not None}
    return sorted(months)


Cells = tuple[dict[tuple[Any, ...], tuple[int, ...]], dict[tuple[Any, ...], tuple[int, int]]]


def stored_cells() -> Cells:
    """The stored case roll-ups and wait counts, zero cells left out."""
    cases = {
        tuple(row[: len(CASE_KEYS)]): tuple(row[len(CASE_KEYS) :])
        for row in CaseRollup.objects.values_list(*CASE_KEYS, *ROLLUP_COUNTERS)
        if any(row[len(CASE_KEYS) :])
    }
    waits = {
        tuple(row[:-2]): (row[-2], row[-1])
        for row in DurationCount.objects.values_list(*DURATION_KEYS, "n", "minutes")
        if row[-2]
    }
    return cases, waits


def cells_of(facts: Iterable[PartyFact]) -> Cells:
    """What the roll-ups should hold for these facts, zero cells left out."""
    cases: dict[tuple[Any, ...], list[int]] = {}
    waits: dict[tuple[Any, ...], tuple[int, int]] = {}
    for fact in facts:
        key, values = case_cell(fact)
        total = cases.setdefault(key, [0] * len(values))
        for index, value in enumerate(values):
            total[index] += value
        for cell, minutes in duration_cells(fact):
            n, total_minutes = waits.get(cell, (0, 0))
            waits[cell] = (n + 1, total_minutes + minutes)
    return {key: tuple(v) for key, v in cases.items() if any(v)}, waits


def check() -> list[str]:
    """Differences between the stored roll-ups and the facts (empty when they agree)."""
    expected_cases, expected_waits = cells_of(PartyFact.objects.iterator(chunk_size=BATCH))
    stored_cases, stored_waits = stored_cells()
    problems = [f"case cell {key}: stored {stored_cases.get(key)}, facts {expected_cases.get(key)}"
                for key in sorted({*expected_cases, *stored_cases}, key=str)
                if expected_cases.get(key) != stored_cases.get(key)]  # fmt: skip
    problems += [f"wait cell {key}: stored {stored_waits.get(key)}, facts {expected_waits.get(key)}"
                 for key in sorted({*expected_waits, *stored_waits}, key=str)
                 if expected_waits.get(key) != stored_waits.get(key)]  # fmt: skip
    return problems
