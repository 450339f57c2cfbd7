"""A large registry written straight into PostgreSQL with COPY, for the benches that need
a province's worth of persons: the households first (1.35 people per family card), then the
persons, each bench writing its own person rows."""

from collections.abc import Callable

from django.db import connection

PERSON_COLUMNS = (
    "id, nik, household_id, name, birth_place, birth_date, sex, street_address, rt, rw, "
    "kelurahan_id, phone, occupation_id, monthly_income, dependents, has_disability, "
    "disability_note, processing_basis, source, source_detail, verified_at, is_active, "
    "deactivation_reason, created_at, updated_at"
)
_BATCH = 50_000


def copy_registry(persons: int, person_line: Callable[[int, int], str]) -> None:
    """`person_line(i, households)` is person i's row (1-based) in PERSON_COLUMNS, tab
    separated and ending in a newline."""
    from rentan.registry.models import Household, Person

    households = int(persons / 1.35)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY {Household._meta.db_table} (id, kk_number) FROM STDIN"
        ) as copy:
            for i in range(1, households + 1):
                copy.write_row((i, f"3375{i:012d}"))
        # Columns added to the person since (the mother's name) take their empty value while
        # the rows are copied: Django keeps defaults in Python, not in the table.
        blank = [
            field.column
            for field in Person._meta.concrete_fields
            if field.column not in PERSON_COLUMNS.split(", ")
            and not field.null
            and field.get_internal_type() == "CharField"
        ]
        for column in blank:
            cursor.execute(f"ALTER TABLE {Person._meta.db_table} ALTER {column} SET DEFAULT ''")
        with cursor.cursor.copy(
            f"COPY {Person._meta.db_table} ({PERSON_COLUMNS}) FROM STDIN"
        ) as copy:
            lines = []
            for i in range(1, persons + 1):
                lines.append(person_line(i, households))
                if len(lines) == _BATCH:
                    copy.write("".join(lines))
                    lines = []
            copy.write("".join(lines))
        for column in blank:
            cursor.execute(f"ALTER TABLE {Person._meta.db_table} ALTER {column} DROP DEFAULT")
        cursor.execute(f"SELECT setval('registry_person_id_seq', {persons})")
        cursor.execute(f"SELECT setval('registry_household_id_seq', {households})")
