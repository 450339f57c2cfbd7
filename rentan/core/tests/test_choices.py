"""A model's get_FOO_display() reads its labels from a table made once per field, in the
language of the moment."""

from django.utils import translation

from rentan.core.choices import _labels
from rentan.core.models import AuditAction, AuditEvent
from rentan.programmes.models import Placement, PlacementKind


def test_labels_come_from_one_table_per_field_in_the_language_asked():
    field = Placement._meta.get_field("kind")
    _labels.cache_clear()
    waiting = Placement(kind=PlacementKind.WAITING)

    with translation.override("id"):
        assert waiting.get_kind_display() == "Cadangan"
    with translation.override("en"):
        assert waiting.get_kind_display() == "Waiting list"
    assert Placement(kind=PlacementKind.NEW).get_kind_display() == str(PlacementKind.NEW.label)

    # Made once for the field, then only read: not again per call, nor per language.
    assert _labels.cache_info().misses == 1
    assert _labels.cache_info().hits == 2
    assert set(_labels(field)) == set(PlacementKind.values)


def test_a_value_no_longer_among_the_choices_shows_as_it_is():
    assert AuditEvent(action="gone_action").get_action_display() == "gone_action"
    assert AuditEvent(action=AuditAction.MERGE).get_action_display() == str(AuditAction.MERGE.label)
