from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_person_list_reads_ids_from_its_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="mother_name",
            field=models.CharField(blank=True, max_length=150, verbose_name="nama ibu kandung"),
        ),
    ]
