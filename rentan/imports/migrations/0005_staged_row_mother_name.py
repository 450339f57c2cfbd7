from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0004_batch_rows_kelurahan"),
    ]

    operations = [
        migrations.AddField(
            model_name="stagedrow",
            name="mother_name",
            field=models.CharField(blank=True, max_length=150),
        ),
    ]
