"""R20: the drivers' ID numbers of police records indexed under the platform's one purpose ("id_number", as the
adjusters' register and the fraud clues), not a purpose of their own ("police-person"): the purpose keys the HMAC, so
every stored index is worked out again from the (encrypted) number. Batches by primary key, plain updates: the same
on SQLite and PostgreSQL."""

from typing import Any

from django.db import migrations

BATCH = 2000


def _reindex(apps: Any, purpose: str) -> None:
    from claimbridge.core.crypto import blind_index

    vehicle = apps.get_model("police", "PoliceVehicle")
    last = 0
    while True:
        batch = list(vehicle.objects.exclude(driver_index="").filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        for row in batch:
            number = "".join((row.driver_id_number or "").split()).upper()
            row.driver_index = blind_index(number, purpose=purpose) if number else ""
        vehicle.objects.bulk_update(batch, ["driver_index"])
        last = batch[-1].pk


def forwards(apps: Any, schema_editor: Any) -> None:
    _reindex(apps, "id_number")  # crypto.ID_NUMBER_PURPOSE, written out: a migration keeps what it did


def backwards(apps: Any, schema_editor: Any) -> None:
    _reindex(apps, "police-person")


class Migration(migrations.Migration):
    dependencies = [
        ("police", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
