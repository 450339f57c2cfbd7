"""The staging table holds a person's fields as `registry.person_fields` declares them."""

from rentan.imports.models import StagedRow
from rentan.imports.services import _STAGED_COLUMNS
from rentan.registry.person_fields import DRAFT_NAMES


def test_staged_rows_have_a_column_for_every_declared_field_and_write_them_all():
    staged_columns = {field.attname for field in StagedRow._meta.concrete_fields}
    assert set(DRAFT_NAMES) <= staged_columns
    assert set(_STAGED_COLUMNS) <= staged_columns
    assert set(DRAFT_NAMES) <= set(_STAGED_COLUMNS)
