"""Statistics of the area table for SQLite's planner.

SQLite keeps no statistics until ANALYZE runs; without them it reads the ~90,000 villages of
the whole country through the level index to find one region's few dozen, on every page
that lists kelurahan. The areas change only with a migration, so once is enough. PostgreSQL
gathers its own statistics (autovacuum); ANALYZE there costs a moment and does no harm.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("regions", "0002_load_areas")]

    operations = [migrations.RunSQL("ANALYZE regions_area", reverse_sql=migrations.RunSQL.noop)]
