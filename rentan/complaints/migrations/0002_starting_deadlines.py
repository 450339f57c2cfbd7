"""Starting deadlines per complaint category. No regulation found fixes days per category
(DOMAIN.md: "a deadline per category", no figure), so every category starts at 14 days, the
same for all, dated before the programme's first year; the Dinas changes them on the page
Pengaduan > Batas waktu, each change dated."""

from datetime import date

from django.db import migrations

CATEGORIES = (
    "tidak_terpilih",
    "salah_terpilih",
    "data_salah",
    "banding",
    "bpjs",
    "klaim",
    "perilaku",
)
STARTING_DAYS = 14
STARTING_ON = date(2022, 1, 1)
REFERENCE = "Nilai awal; ubah sesuai keputusan Dinas"


def seed(apps, schema_editor):
    # The database being migrated, which is not always the default one (`rentan
    # move_to_postgres` migrates its target through a connection of its own).
    deadlines = apps.get_model("complaints", "ComplaintDeadline").objects.using(
        schema_editor.connection.alias
    )
    for category in CATEGORIES:
        deadlines.get_or_create(
            category=category,
            effective_on=STARTING_ON,
            defaults={"days": STARTING_DAYS, "reference": REFERENCE},
        )


def unseed(apps, schema_editor):
    deadlines = apps.get_model("complaints", "ComplaintDeadline").objects.using(
        schema_editor.connection.alias
    )
    deadlines.filter(effective_on=STARTING_ON, reference=REFERENCE).delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
