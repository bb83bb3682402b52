from django.db import migrations, models


def index_names(apps, schema_editor):
    """The blind index of every driver's name already stored (the name itself stays encrypted; not sealed)."""
    from claimbridge.core.crypto import name_blind_index

    CaseParty = apps.get_model("cases", "CaseParty")
    for pk, name in CaseParty.objects.exclude(driver_name="").values_list("pk", "driver_name").iterator():
        CaseParty.objects.filter(pk=pk).update(name_index=name_blind_index(name or ""))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_mycases_driver_notices"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseparty",
            name="name_index",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="case",
            name="state",
            field=models.CharField(
                choices=[
                    ("draft", "draft"),
                    ("reported", "reported"),
                    ("awaiting_confirmation", "awaiting both parties' confirmation"),
                    ("agreed", "agreed"),
                    ("police", "with the traffic police"),
                    ("concluded", "closed"),
                ],
                default="draft",
                max_length=24,
                verbose_name="state",
            ),
        ),
        migrations.RunPython(index_names, migrations.RunPython.noop),
    ]
