from django.db import migrations


def seed(apps, schema_editor):
    from rentan.programmes.reference import seed_rates_and_wages

    seed_rates_and_wages(
        apps.get_model("programmes", "RateTable"),
        apps.get_model("programmes", "MinimumWage"),
        apps.get_model("regions", "Area"),
    )


class Migration(migrations.Migration):
    dependencies = [("programmes", "0002_cycle_cutoff_and_quota")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
