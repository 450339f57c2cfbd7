"""Name search ("contains", any case) through a trigram index on PostgreSQL.

Django asks `UPPER("name"::text) LIKE UPPER('%siti%')` for a name that contains a word; a
GIN index of pg_trgm's trigrams over that same expression answers it without reading every
row. SQLite (the embedded default) has no such index and keeps its plain scan.
"""

from django.db import migrations

from rentan.core.migration_operations import PostgreSQLOnly


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_person_only_the_indexes_pages_use")]

    operations = [
        # pg_trgm is a trusted extension: the database's owner may create it.
        PostgreSQLOnly(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            reverse_sql=migrations.RunSQL.noop,
        ),
        PostgreSQLOnly(
            "CREATE INDEX registry_person_name_trgm ON registry_person "
            "USING gin ((UPPER(name::text)) gin_trgm_ops)",
            reverse_sql="DROP INDEX registry_person_name_trgm",
        ),
    ]
