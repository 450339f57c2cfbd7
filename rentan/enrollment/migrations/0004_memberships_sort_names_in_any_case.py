"""Memberships sort by the name in any case, in the person list's order
(registry.models.ROSTER_NAME_ORDER)."""

import django.db.models.functions.text
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("enrollment", "0003_mother_name_lives_on_the_person"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="membership",
            options={
                "ordering": ["cycle", django.db.models.functions.text.Upper("person__name"), "id"],
                "verbose_name": "kepesertaan",
                "verbose_name_plural": "kepesertaan",
            },
        ),
    ]
