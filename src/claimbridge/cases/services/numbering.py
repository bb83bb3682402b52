"""Case numbers: `621200-20240601-00007`, the city, the accident's day and the count of that city's cases that day."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.utils import timezone

from claimbridge.cases.models import Case, CaseNumberSequence
from claimbridge.organisations.models import County

_day_sequences: set[str] = set()  # the PostgreSQL sequences this process knows exist


def case_number_next(*, city_code: str, day: Any) -> str:
    """`621200-20240601-00007`: the city, the day, and the count of that city's cases that day.

    On PostgreSQL each city-day has a sequence: drawing takes no lock, so cases are numbered in parallel. Elsewhere
    one upsert on a counter row draws the number (locked until the enclosing commit, if any). A number drawn for work
    that then fails or turns out to be a retry is not reused: numbers are unique and increasing, with possible gaps."""
    if connection.vendor == "postgresql":
        return f"{city_code}-{day:%Y%m%d}-{_next_from_sequence(city_code, day):05d}"
    table = CaseNumberSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (city_code, day, last) VALUES (%s, %s, 1) "  # noqa: S608 - the table name is ours
            f"ON CONFLICT (city_code, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [city_code, day],
        )
        (last,) = cursor.fetchone()
    return f"{city_code}-{day:%Y%m%d}-{last:05d}"


def _next_from_sequence(city_code: str, day: Any) -> int:
    name = f"case_number_{int(city_code):06d}_{day:%Y%m%d}"  # digits only: safe to name in SQL
    if not connection.in_atomic_block and name in _day_sequences:
        try:
            return _nextval(name)
        except ProgrammingError:  # dropped since (old days are cleaned up): make it again below
            _day_sequences.discard(name)
    for attempt in (1, 2):
        try:
            # In a caller's transaction this is a savepoint, and the sequence exists only if that transaction commits:
            # only one made and committed here is remembered.
            with transaction.atomic(), connection.cursor() as cursor:
                # Start after the day's highest number, should the sequence have been dropped or the day's cases
                # numbered before (an accident reported days later draws from its own day).
                cursor.execute(f"SELECT max(number) FROM {Case._meta.db_table} WHERE number LIKE %s",  # noqa: S608
                               [f"{city_code}-{day:%Y%m%d}-%"])  # fmt: skip
                (highest,) = cursor.fetchone()
                start = int(highest.rsplit("-", 1)[1]) + 1 if highest else 1
                cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} MINVALUE 1 START WITH {start:d} NO CYCLE")
                value = _nextval(name)
            break
        except IntegrityError:  # two processes created it at the same moment: the other one won
            if attempt == 2:
                raise
    if not connection.in_atomic_block:
        _day_sequences.add(name)
    return value


def _nextval(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [name])
        (value,) = cursor.fetchone()
    return int(value)


def case_number_draw(*, county: County, accident_at: datetime | None) -> str:
    day = timezone.localdate(accident_at) if accident_at else timezone.localdate()
    return case_number_next(city_code=county.city.code, day=day)
