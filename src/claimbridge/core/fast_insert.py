"""Inserting a model's rows with SQL built once per model and row count, each value prepared by its field exactly as
the ORM prepares it (defaults, auto_now_add, encryption, JSON). The ORM compiles every INSERT anew, which on the
hottest write (case intake, `bench/intake.py`) costs more than the database does; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router

_statements: dict[tuple[type[models.Model], int, str], tuple[str, list[models.Field[Any, Any]]]] = {}


def _statement(model: type[models.Model], count: int, alias: str) -> tuple[str, list[models.Field[Any, Any]]]:
    connection = connections[alias]
    key = (model, count, connection.vendor)
    cached = _statements.get(key)
    if cached is None:
        quote = connection.ops.quote_name
        fields = [field for field in model._meta.concrete_fields if not isinstance(field, models.AutoField)]
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        columns = ", ".join(quote(field.column) for field in fields)
        rows = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * count)
        # Names come from the model; every value is a parameter.
        sql = f"INSERT INTO {table} ({columns}) VALUES {rows} RETURNING {pk}"  # noqa: S608
        cached = _statements[key] = (sql, fields)
    return cached


def insert_rows(objects: Sequence[models.Model]) -> None:
    """Insert unsaved instances of one model in one statement and give each its primary key."""
    if not objects:
        return
    model = type(objects[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    sql, fields = _statement(model, len(objects), alias)
    params = [field.get_db_prep_save(field.pre_save(obj, True), connection) for obj in objects for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = cursor.fetchall()
    for obj, (key,) in zip(objects, keys, strict=True):
        obj.pk = key
        obj._state.adding, obj._state.db = False, alias
