"""Name search on LOWER(name), the key of the list's sort index (registry_person_sort_idx).

A search for a common word walks the list in its order and keeps the rows that match: with
the lowered name in the index it is read there, not computed for every row passed over. The
trigram index (PostgreSQL) that answers a rare word moves to the same expression.
"""

from django.db import migrations

from rentan.core.migration_operations import PostgreSQLOnly


class Migration(migrations.Migration):
    dependencies = [("registry", "0012_match_weights_and_pair_evidence")]

    operations = [
        PostgreSQLOnly(
            "DROP INDEX IF EXISTS registry_person_name_trgm",
            reverse_sql="CREATE INDEX registry_person_name_trgm ON registry_person "
            "USING gin ((UPPER(name::text)) gin_trgm_ops)",
        ),
        PostgreSQLOnly(
            "CREATE INDEX registry_person_name_lower_trgm ON registry_person "
            "USING gin ((LOWER(name::text)) gin_trgm_ops)",
            reverse_sql="DROP INDEX registry_person_name_lower_trgm",
        ),
    ]
