from django.db import migrations

from claimbridge.organisations.reference import load_reference_geography


def load(apps, schema_editor):
    load_reference_geography(apps.get_model("organisations", "City"), apps.get_model("organisations", "County"))


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
