from django.db import migrations

from rentan.regions.loading import load_areas


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    load_areas(apps.get_model("regions", "Area"))


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
