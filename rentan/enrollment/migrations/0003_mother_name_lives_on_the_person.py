"""The mother's maiden name moves to the person (registry 0009), where the form, the import
and the registration file read it; a name kept on a membership is copied to its person."""

from django.db import migrations


def copy_to_person(apps, schema_editor):
    Membership = apps.get_model("enrollment", "Membership")
    Person = apps.get_model("registry", "Person")
    # The database being migrated, which is not always the default one (a move to PostgreSQL
    # migrates its target by name).
    database = schema_editor.connection.alias
    kept = Membership.objects.using(database).exclude(mother_name="").values_list("person_id", "mother_name")
    for person_id, mother_name in kept.iterator():
        Person.objects.using(database).filter(pk=person_id, mother_name="").update(mother_name=mother_name)


class Migration(migrations.Migration):
    dependencies = [
        ("enrollment", "0002_benefit_rates"),
        ("registry", "0009_person_mother_name"),
    ]

    operations = [
        migrations.RunPython(copy_to_person, migrations.RunPython.noop),
        migrations.RemoveField(model_name="membership", name="mother_name"),
    ]
