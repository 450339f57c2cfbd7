import django.db.models.deletion
from django.db import migrations, models

from rentan.registry.reference import seed_occupation_aliases


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    seed_occupation_aliases(
        apps.get_model("registry", "Occupation"), apps.get_model("registry", "OccupationAlias")
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_person_list_reads_ids_from_its_index")]

    operations = [
        migrations.CreateModel(
            name="OccupationAlias",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="nama lain")),
                (
                    "key",
                    models.CharField(
                        max_length=100, unique=True, verbose_name="kunci pembanding"
                    ),
                ),
                (
                    "occupation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="aliases",
                        to="registry.occupation",
                        verbose_name="jenis pekerjaan",
                    ),
                ),
            ],
            options={
                "verbose_name": "nama lain jenis pekerjaan",
                "verbose_name_plural": "nama lain jenis pekerjaan",
                "ordering": ["occupation", "name"],
            },
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
