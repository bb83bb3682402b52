from django.db import migrations, models
from django.db.models import F


def searched_before(apps, schema_editor):
    """Items whose photo was processed before this field existed were searched in the same task: so marked, they are
    not searched again by `claimbridge recover`."""
    EvidenceItem = apps.get_model("evidence", "EvidenceItem")
    EvidenceItem.objects.filter(stored__processed_at__isnull=False).update(searched_at=F("uploaded_at"))


class Migration(migrations.Migration):
    dependencies = [("evidence", "0005_resumable_uploads")]

    operations = [
        migrations.AddField(
            model_name="evidenceitem",
            name="searched_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(searched_before, migrations.RunPython.noop),
    ]
