"""The person list sorts names whatever their case: "ZAINAL" after "Abdul", not before.

Both list indexes hold LOWER(name), the very expression the list orders and pages by, so a
page is still read from an index on PostgreSQL and SQLite alike (the plain name index goes).
"""

import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0003_area_statistics'),
        ('registry', '0007_occupation_aliases'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='person',
            options={'ordering': [django.db.models.functions.text.Lower('name'), 'id'], 'verbose_name': 'pekerja', 'verbose_name_plural': 'pekerja'},
        ),
        migrations.RemoveIndex(
            model_name='person',
            name='registry_pe_kelurah_77436d_idx',
        ),
        migrations.RemoveIndex(
            model_name='person',
            name='registry_person_name_id_idx',
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(models.F('kelurahan'), django.db.models.functions.text.Lower('name'), models.F('id'), name='registry_person_kel_sort_idx'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(django.db.models.functions.text.Lower('name'), models.F('id'), include=('is_active', 'name'), name='registry_person_sort_idx'),
        ),
    ]
