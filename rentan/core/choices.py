"""Labels of a field's choices, looked up in a table made once per field."""

from functools import cache
from typing import Any

from django.db import models
from django.utils.encoding import force_str


@cache
def _labels(field: models.Field) -> dict[Any, Any]:
    return dict(field.flatchoices)


class ChoiceLabels:
    """Mixed into a model, its get_FOO_display() looks the label up in a table made once per
    field. Django's own makes that table again on every call, translating every choice's
    label to hash it: a page of a hundred rows showing a field with a hundred choices
    translated ten thousand labels. The labels stay lazy in the table, so each call still
    answers in the language of its request."""

    def _get_FIELD_display(self, field: models.Field) -> Any:
        value = getattr(self, field.attname)
        return force_str(_labels(field).get(value, value), strings_only=True)
