"""A batch belongs to the kelurahan of its rows: the column, filled for the batches there are."""

import django.db.models.deletion
from django.db import migrations, models


def fill_rows_kelurahan(apps, schema_editor):
    # The same rule as services.kelurahan_of_batch, over the rows already staged.
    ImportBatch = apps.get_model("imports", "ImportBatch")
    StagedRow = apps.get_model("imports", "StagedRow")
    for batch in ImportBatch.objects.select_related("uploaded_by").iterator():
        uploader = batch.uploaded_by
        if uploader is not None and uploader.role == "operator":
            code = uploader.kelurahan_id or ""
        else:
            codes = set(
                StagedRow.objects.filter(batch_id=batch.pk)
                .values_list("kelurahan_code", flat=True)
                .distinct()
            )
            if batch.default_kelurahan_id:
                codes.add(batch.default_kelurahan_id)
            code = codes.pop() if len(codes) == 1 else ""
        ImportBatch.objects.filter(pk=batch.pk).update(rows_kelurahan_id=code or None)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0003_batch_failed_step_and_task"),
        ("regions", "0002_load_areas"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="rows_kelurahan",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.area",
                verbose_name="kelurahan baris",
            ),
        ),
        migrations.RunPython(fill_rows_kelurahan, migrations.RunPython.noop),
    ]
