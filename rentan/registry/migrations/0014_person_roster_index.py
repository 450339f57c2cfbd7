"""A roster's persons from indexes alone.

A programme year's list, its memberships and the duplicate queue join their few thousand
persons by id for what they sort, search, count or group by: the name, whether the person is
still active, the job type. From the primary key PostgreSQL fetches each person's whole row
for that; `registry_person_roster_idx` holds those columns beside the id, so it reads them
from the index alone (SQLite keeps its rows in the primary key's order already and gets
nothing). Whether a member is still active is asked of the few inactive persons instead
(`registry_person_inactive_idx`, both databases).
"""

from django.db import migrations, models

from rentan.core.migration_operations import PostgreSQLOnly


class Migration(migrations.Migration):
    dependencies = [("registry", "0013_person_name_search_on_lowered_name")]

    operations = [
        PostgreSQLOnly(
            "CREATE INDEX registry_person_roster_idx ON registry_person (id) "
            "INCLUDE (is_active, name, occupation_id)",
            reverse_sql="DROP INDEX registry_person_roster_idx",
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(("is_active", False)),
                fields=["id"],
                name="registry_person_inactive_idx",
            ),
        ),
    ]
