from django.db import migrations

from rentan.registry.reference import seed_occupations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    seed_occupations(apps.get_model("registry", "Occupation"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
