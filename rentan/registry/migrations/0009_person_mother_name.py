from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_person_list_sorts_names_in_any_case"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="mother_name",
            field=models.CharField(blank=True, max_length=150, verbose_name="nama ibu kandung"),
        ),
    ]
