"""Migration operations the apps share."""

from typing import Any

from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL only and does nothing elsewhere (an index or an
    extension SQLite does not have)."""

    def database_forwards(self, app_label: str, schema_editor: Any, *states: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, *states)

    def database_backwards(self, app_label: str, schema_editor: Any, *states: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, *states)
